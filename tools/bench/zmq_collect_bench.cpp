// ZMQ JSON flow collection, flows per second on one core: nProbe-style messages (arrays of 100
// flow objects keyed by element number, with L7_PROTO, ~420 bytes a flow) decoded by
// ZmqMessageDecoder and handed to NetworkInterface::processFlowRecord, as the collector's packet
// thread does.
//
//   netlens-zmq-bench [--flows N] [--distinct K] [--compress] [--zmq]
//
// In-process (default): the messages are built first, then the clock runs over decode +
// processFlowRecord only. --zmq: a publisher thread sends them over a real ZeroMQ loopback
// connection to a ZmqFlowSource, and the clock runs on the receiving side (socket receive,
// decode, engine). --compress: zlib payloads (nProbe's compressed form). Prints figures only.
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>
#include <zlib.h>

#include "collect/zmq_message.hpp"
#include "collect/zmq_source.hpp"
#include "engine/network_interface.hpp"
#include "thread_clock.hpp"

using namespace netlens;

namespace {

using netlens::bench::threadCpuSeconds;

struct Message {
  std::vector<uint8_t> header, payload;
};

std::vector<Message> buildMessages(size_t flows, size_t distinct, bool compress) {
  static const char* apps[][2] = {{"91.126", "TLS.Google"}, {"7.0", "HTTP"}, {"5.0", "DNS"}, {"188.119", "QUIC.Facebook"}};
  std::vector<Message> out;
  std::string json;
  uint32_t id = 0;
  const uint64_t t0 = 1'700'000'000;
  for (size_t i = 0; i < flows;) {
    json = "[";
    for (int k = 0; k < 100 && i < flows; ++k, ++i) {
      const size_t f = (i * 2654435761u) % distinct;  // flows recur: some records update existing flows
      char buf[640];
      const auto& app = apps[f % 4];
      std::snprintf(buf, sizeof(buf),
                    "%s{\"8\":\"10.%zu.%zu.%zu\",\"12\":\"192.0.2.%zu\",\"7\":%zu,\"11\":443,\"4\":6,\"6\":27,"
                    "\"1\":%zu,\"2\":%zu,\"23\":%zu,\"24\":%zu,\"22\":%llu,\"21\":%llu,\"152\":%llu,\"153\":%llu,"
                    "\"58\":0,\"10\":1,\"14\":2,\"57590\":\"%s\",\"57591\":\"%s\",\"57660\":\"host%zu.example.org\"}",
                    k ? "," : "", (f >> 16) & 255, (f >> 8) & 255, f & 255, f % 200, 1024 + f % 60000, 1500 + i % 900,
                    10 + i % 7, 9000 + i % 5000, 8 + i % 5, (unsigned long long)(t0 + i / 1000),
                    (unsigned long long)(t0 + i / 1000 + 1), (unsigned long long)(t0 + i / 1000) * 1000,
                    (unsigned long long)(t0 + i / 1000 + 1) * 1000, app[0], app[1], f % 5000);
      json += buf;
    }
    json += "]";
    Message m;
    m.header.assign(24, 0);
    std::memcpy(m.header.data(), "flow", 4);
    m.header[16] = 2;
    ++id;
    m.header[20] = uint8_t(id >> 24), m.header[21] = uint8_t(id >> 16), m.header[22] = uint8_t(id >> 8), m.header[23] = uint8_t(id);
    if (compress) {
      uLongf n = compressBound(uLong(json.size()));
      m.payload.assign(n + 1, 0);
      compress2(m.payload.data() + 1, &n, reinterpret_cast<const Bytef*>(json.data()), uLong(json.size()), Z_BEST_SPEED);
      m.payload.resize(n + 1);
    } else {
      m.payload.assign(json.begin(), json.end());
    }
    out.push_back(std::move(m));
  }
  return out;
}

EngineConfig benchEngine(size_t distinct) {
  EngineConfig c;
  c.name = "bench";
  c.lifecycle.max_flows = uint32_t(distinct * 2 + 1024);
  c.lifecycle.max_hosts = uint32_t(distinct * 2 + 1024);
  c.expire_idle = false;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  size_t flows = 2'000'000, distinct = 200'000;
  bool compress = false, over_zmq = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--flows" && i + 1 < argc) flows = std::stoul(argv[++i]);
    else if (a == "--distinct" && i + 1 < argc) distinct = std::stoul(argv[++i]);
    else if (a == "--compress") compress = true;
    else if (a == "--zmq") over_zmq = true;
    else {
      std::fprintf(stderr, "usage: %s [--flows N] [--distinct K] [--compress] [--zmq]\n", argv[0]);
      return 2;
    }
  }
  const std::vector<Message> msgs = buildMessages(flows, distinct, compress);
  size_t bytes = 0;
  for (const Message& m : msgs) bytes += m.payload.size();
  std::printf("messages: %zu of 100 flows, %zu distinct flows, %.0f payload bytes/flow%s\n", msgs.size(), distinct,
              double(bytes) / double(flows), compress ? " (zlib)" : "");

  NetworkInterface iface(benchEngine(distinct));
  size_t got = 0;
  double seconds = 0, decode_only = 0, cpu = 0;
  if (!over_zmq) {
    {  // decoding alone, for the split
      ZmqMessageDecoder d;
      std::vector<FlowRecord> batch;
      const double c0 = threadCpuSeconds();
      for (const Message& m : msgs) {
        batch.clear();
        d.decode(m.header.data(), m.header.size(), m.payload.data(), m.payload.size(), batch);
      }
      decode_only = threadCpuSeconds() - c0;
    }
    ZmqMessageDecoder d;
    std::vector<FlowRecord> batch;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = threadCpuSeconds();
    for (const Message& m : msgs) {
      batch.clear();
      got += d.decode(m.header.data(), m.header.size(), m.payload.data(), m.payload.size(), batch);
      iface.processFlowRecords(batch);  // as the packet loop does
    }
    cpu = threadCpuSeconds() - c0;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } else {
    const std::string ep = "tcp://127.0.0.1:" + std::to_string(35000 + (getpid() % 20000));
    ZmqFlowSource src(ep + "c", ZmqSourceOptions{});
    zmq::context_t ctx;
    zmq::socket_t pub(ctx, zmq::socket_type::pub);
    pub.set(zmq::sockopt::sndhwm, 0);
    pub.connect(ep);
    // Wait for the subscription to reach the publisher before timing.
    PacketRef pkt;
    for (int i = 0; i < 50 && src.stats().messages == 0; ++i) {
      pub.send(zmq::buffer(msgs[0].header), zmq::send_flags::sndmore);
      pub.send(zmq::buffer(msgs[0].payload), zmq::send_flags::none);
      src.next(pkt);
    }
    std::thread sender([&] {
      for (const Message& m : msgs) {
        pub.send(zmq::buffer(m.header), zmq::send_flags::sndmore);
        pub.send(zmq::buffer(m.payload), zmq::send_flags::none);
      }
    });
    const size_t warm = src.stats().flows;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = threadCpuSeconds();
    while (src.stats().flows - warm < flows) {
      const ReadResult r = src.next(pkt);
      if (r == ReadResult::Records)
        iface.processFlowRecords(src.records());
      else if (std::chrono::steady_clock::now() - t0 > std::chrono::seconds(60)) break;
    }
    cpu = threadCpuSeconds() - c0;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    got = src.stats().flows - warm;
    sender.join();
  }
  std::printf("flows decoded and accounted%s: %zu in %.3f s CPU (%.3f s wall): %.0f flows/s per core (%.0f ns/flow)\n",
              over_zmq ? " (received over ZeroMQ)" : "", got, cpu, seconds, double(got) / cpu, cpu * 1e9 / double(got));
  if (decode_only > 0)
    std::printf("  decoding alone (header, %sJSON): %.0f flows/s per core (%.0f ns/flow)\n", compress ? "zlib, " : "",
                double(flows) / decode_only, decode_only * 1e9 / double(flows));
  std::printf("engine: %u active flows, %u hosts, %llu flow records\n", iface.activeFlows(), iface.activeHosts(),
              (unsigned long long)iface.stats().flow_records);
  return got == flows ? 0 : 1;
}
