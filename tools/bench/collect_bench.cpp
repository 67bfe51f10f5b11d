// netlens-collect-bench: flows collected per second on one core, for IPFIX and NetFlow v9.
//
// Pre-builds export datagrams the way a router fills them (one template datagram, then data
// datagrams of as many records as fit in ~1400 bytes), for `--flows` distinct flows each exported
// `--updates` times (a busy network of local clients and remote servers, TCP and UDP), then
// measures on the calling thread:
//   parse            NetflowParser alone (datagram bytes -> FlowRecords)
//   collector        NetflowSource::handleDatagram: parse + per-exporter statistics
//   collector+engine the above + NetworkInterface::processFlowRecord for every record (flows,
//                    hosts, application guess, roll-ups on the engine's one-second ticks): what
//                    one netlens interface does per record once the socket delivered it
// and, with --udp, the same datagrams sent over loopback by a second thread to a NetflowSource
// read by this one (recvmmsg) and fed to the engine, like `-i netflow://`.
//
// usage: netlens-collect-bench [--flows N] [--updates N] [--seconds S] [--udp] [--only ipfix|v9]
//                              [--stage parse|collector|engine]
// Rates are per CPU-second of the measuring thread (CLOCK_THREAD_CPUTIME_ID): flows per second per
// core, even while other processes share the machine (they still disturb its caches).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "collect/netflow_parser.hpp"
#include "collect/netflow_source.hpp"
#include "engine/network_interface.hpp"
#include "export_builders.hpp"
#include "thread_clock.hpp"

namespace {

using namespace netlens;
using namespace netlens::test;
using namespace netlens::test::flowexport;
using Clock = std::chrono::steady_clock;

struct Options {
  uint32_t flows = 200'000;
  uint32_t updates = 3;
  double seconds = 3;
  bool udp = false;
  std::string only;
  std::string stage;  // parse, collector or engine: only that figure (for profiling)
};

// Records fill a datagram up to about 1400 bytes, as exporters keep under a 1500-byte MTU.
constexpr size_t kDatagramBudget = 1400;

// Flow i: client 10.(i/256%64).(i%256).x talks to server 198.51.(100 + i%4).(i%250), TCP 80% of the time.
struct FlowSpec {
  uint32_t client, server;
  uint16_t sport, dport;
  uint8_t proto;
};

FlowSpec flowSpec(uint32_t i) {
  static const uint16_t kPorts[] = {443, 80, 53, 123, 8080, 993, 22, 3478};
  FlowSpec f;
  f.client = (10u << 24) | ((i / 7) & 0xFFFF) << 8 | (1 + i % 200);
  f.server = (198u << 24) | (51u << 16) | ((100 + i % 4) << 8) | (1 + (i / 3) % 250);
  f.dport = kPorts[i % 8];
  f.proto = (f.dport == 53 || f.dport == 123 || f.dport == 3478) ? 17 : 6;
  f.sport = uint16_t(10000 + (i * 7919) % 50000);
  return f;
}

// IPFIX: what current exporters send (absolute millisecond times, 8-byte counters).
std::vector<Field> ipfixTemplate() {
  return {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {6, 1}, {5, 1}, {1, 8}, {2, 8}, {152, 8}, {153, 8},
          {10, 4}, {14, 4}};
}

// Record n of flow f, in ipfixTemplate() (start: milliseconds since the epoch) or in the v9
// ipv4Template() (start: the exporter's uptime in milliseconds; 4-byte counters and times, 2-byte
// interfaces, then VLAN 0).
Bytes record(bool ipfix, const FlowSpec& f, uint64_t start, uint32_t n) {
  const size_t counter = ipfix ? 8 : 4;
  const size_t interface = ipfix ? 4 : 2;
  Bytes b;
  put32(b, f.client);
  put32(b, f.server);
  put16(b, f.sport);
  put16(b, f.dport);
  put8(b, f.proto);
  put8(b, f.proto == 6 ? 0x1b : 0);
  put8(b, 0);
  putN(b, 1500ull * (1 + n % 20), counter);
  putN(b, 1 + n % 20, counter);
  putN(b, start, counter);
  putN(b, start + 900, counter);
  putN(b, 3, interface);
  putN(b, 4, interface);
  if (!ipfix) put16(b, 0);
  return b;
}

struct Workload {
  std::string name;
  std::vector<Bytes> datagrams;  // [0] carries the template
  uint64_t records = 0;          // in one pass over datagrams[1..]
};

Workload build(bool ipfix, const Options& o) {
  Workload w;
  w.name = ipfix ? "IPFIX" : "NetFlow v9";
  const uint32_t export_secs = uint32_t(wallClockMicros() / kMicrosPerSecond);
  const uint32_t uptime = 3'600'000;
  if (ipfix) w.datagrams.push_back(ipfixMessage({set(2, templateRecord(256, ipfixTemplate()))}, export_secs, 1, 0));
  else w.datagrams.push_back(v9Datagram({set(0, templateRecord(256, ipv4Template()))}, uptime, export_secs, 1, 1, 0));
  const uint64_t total = uint64_t(o.flows) * o.updates;
  const uint32_t per_datagram = uint32_t(kDatagramBudget / record(ipfix, flowSpec(0), 0, 0).size());
  const uint64_t start = ipfix ? uint64_t(export_secs - 5) * 1000 : uptime - 5000;
  uint32_t sequence = 0;
  for (uint64_t first = 0; first < total; first += per_datagram) {
    Bytes records;
    uint32_t n = 0;
    for (uint64_t r = first; r < total && n < per_datagram; ++r, ++n)
      append(records, record(ipfix, flowSpec(uint32_t(r % o.flows)), start, uint32_t(r)));
    if (ipfix) w.datagrams.push_back(ipfixMessage({set(256, records)}, export_secs, 1, sequence));
    else w.datagrams.push_back(v9Datagram({set(256, records)}, uptime, export_secs, 1, uint16_t(n), sequence));
    sequence += ipfix ? n : 1;
    w.records += n;
  }
  return w;
}

EngineConfig engineConfig() {
  EngineConfig c;
  c.name = "bench";
  c.lifecycle.max_flows = 2'000'000;
  c.lifecycle.max_hosts = 2'000'000;
  c.local_networks.push_back(*Cidr::parse("10.0.0.0/8"));
  return c;
}

void report(const std::string& workload, const char* what, uint64_t records, double secs) {
  const double rate = double(records) / secs;
  std::printf("%-11s %-18s %12.0f flows/s  %7.1f ns/flow  (%llu records in %.2f CPU s)\n", workload.c_str(), what, rate,
              1e9 / rate, (unsigned long long)records, secs);
  std::fflush(stdout);
}

using netlens::bench::threadCpuSeconds;

// Passes over the data datagrams until `seconds` of CPU time have gone by; f(datagram) does the
// work. Returns the records processed and the CPU seconds taken.
template <typename F>
std::pair<uint64_t, double> timed(const Workload& w, double seconds, F&& f) {
  uint64_t records = 0;
  const double t0 = threadCpuSeconds();
  double elapsed = 0;
  do {
    for (size_t i = 1; i < w.datagrams.size(); ++i) f(w.datagrams[i]);
    records += w.records;
    elapsed = threadCpuSeconds() - t0;
  } while (elapsed < seconds);
  return {records, elapsed};
}

void inProcess(const Workload& w, const Options& o) {
  const IpAddress exporter = *IpAddress::parse("192.0.2.1");
  if (o.stage.empty() || o.stage == "parse") {
    NetflowParser parser;
    std::vector<FlowRecord> out;
    out.reserve(64);
    const Micros now = wallClockMicros();
    parser.parse(w.datagrams[0].data(), w.datagrams[0].size(), exporter, now, out);
    const auto [records, secs] = timed(w, o.seconds, [&](const Bytes& d) {
      out.clear();
      parser.parse(d.data(), d.size(), exporter, now, out);
    });
    report(w.name, "parse", records, secs);
  }
  if (o.stage.empty() || o.stage == "collector") {
    NetflowSource source("bench", "127.0.0.1:0");
    const Micros now = wallClockMicros();
    source.handleDatagram(w.datagrams[0].data(), w.datagrams[0].size(), exporter, now);
    const auto [records, secs] = timed(w, o.seconds, [&](const Bytes& d) {
      source.clearRecords();
      source.handleDatagram(d.data(), d.size(), exporter, now);
    });
    report(w.name, "collector", records, secs);
  }
  if (o.stage.empty() || o.stage == "engine") {
    NetflowSource source("bench", "127.0.0.1:0");
    NetworkInterface iface(engineConfig());
    source.handleDatagram(w.datagrams[0].data(), w.datagrams[0].size(), exporter, wallClockMicros());
    uint32_t batch = 0;
    Micros now = wallClockMicros();
    const auto [records, secs] = timed(w, o.seconds, [&](const Bytes& d) {
      // The packet loop reads the clock once per batch of datagrams (up to 64 per recvmmsg).
      if (++batch % 64 == 0) now = wallClockMicros();
      iface.advanceClock(now);
      source.clearRecords();
      source.handleDatagram(d.data(), d.size(), exporter, now);
      iface.processFlowRecords(source.records());
    });
    report(w.name, "collector+engine", records, secs);
    std::printf("%-11s %-18s %u active flows, %u hosts, %llu flow records accounted\n", w.name.c_str(), "", iface.activeFlows(),
                iface.activeHosts(), (unsigned long long)iface.stats().flow_records);
  }
}

// A second thread sends the datagrams over loopback as fast as the socket takes them; this one
// receives with the collector source and feeds the engine.
void overUdp(const Workload& w, const Options& o) {
  NetflowSource source("bench", "127.0.0.1:0");
  NetworkInterface iface(engineConfig());
  const uint16_t port = source.port();
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> sent{0};
  std::thread sender([&] {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sendto(fd, w.datagrams[0].data(), w.datagrams[0].size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    while (!stop.load()) {
      for (size_t i = 1; i < w.datagrams.size() && !stop.load(); ++i) {
        if (sendto(fd, w.datagrams[i].data(), w.datagrams[i].size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to)) > 0)
          sent.fetch_add(1, std::memory_order_relaxed);
      }
    }
    close(fd);
  });
  PacketRef pkt;
  uint64_t records = 0;
  const auto t0 = Clock::now();
  const double cpu0 = threadCpuSeconds();
  while (std::chrono::duration<double>(Clock::now() - t0).count() < o.seconds) {
    const ReadResult r = source.next(pkt);
    if (r == ReadResult::Records) {
      iface.advanceClock(wallClockMicros());
      iface.processFlowRecords(source.records());
      records += source.records().size();
    }
  }
  const double elapsed = threadCpuSeconds() - cpu0;  // the receiving thread's (kernel time included)
  stop = true;
  sender.join();
  report(w.name, "udp+engine", records, elapsed);
  const auto stats = source.collectorStats();
  std::printf("%-11s %-18s %llu datagrams sent, %llu received, %llu dropped by the socket (buffer %u bytes)\n",
              w.name.c_str(), "", (unsigned long long)sent.load(), (unsigned long long)stats->messages,
              (unsigned long long)stats->socket_drops, stats->receive_buffer);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--flows") o.flows = uint32_t(std::stoul(next()));
    else if (a == "--updates") o.updates = uint32_t(std::stoul(next()));
    else if (a == "--seconds") o.seconds = std::stod(next());
    else if (a == "--udp") o.udp = true;
    else if (a == "--only") o.only = next();
    else if (a == "--stage") o.stage = next();
    else {
      std::fprintf(stderr,
                   "usage: %s [--flows N] [--updates N] [--seconds S] [--udp] [--only ipfix|v9]\n"
                   "          [--stage parse|collector|engine]\n"
                   "Pin it to one core for per-core figures: taskset -c 1 %s\n",
                   argv[0], argv[0]);
      return 2;
    }
  }
  std::printf("netlens-collect-bench: %u flows x %u updates, >= %.1f s per figure\n", o.flows, o.updates, o.seconds);
  for (bool ipfix : {true, false}) {
    if (!o.only.empty() && o.only != (ipfix ? "ipfix" : "v9")) continue;
    const Workload w = build(ipfix, o);
    size_t bytes = 0;
    for (const Bytes& d : w.datagrams) bytes += d.size();
    std::printf("%-11s %zu datagrams of %.0f records, %.0f bytes each on average\n", w.name.c_str(),
                w.datagrams.size() - 1, double(w.records) / double(w.datagrams.size() - 1),
                double(bytes) / double(w.datagrams.size()));
    inProcess(w, o);
    if (o.udp) overUdp(w, o);
  }
  return 0;
}
