// netlens-ts-bench: the cost of writing time series.
//
//   netlens-ts-bench make OUT.pcap [HOSTS [MINUTES]]
//     writes a capture of HOSTS local hosts (10.0.0.0/8, default 100,000) over MINUTES minutes of
//     packet time (default 65): every host sends one packet a minute, a DNS query and an NTP
//     request in turn (to 198.18.0.0/15 servers), spread evenly over the minute.
//   netlens-ts-bench run PCAP [RUNS [TIERS]]
//     reads PCAP with the engine (local network 10.0.0.0/8) RUNS times without and RUNS times with
//     the time-series writer (a fresh data directory each time), alternately, and prints the
//     packet thread's throughput of each, the difference, the writer's RRD updates per second,
//     its drain time after the input ended, dropped samples and bytes on disk per local host.
//     TIERS is --timeseries-tiers' syntax (default 1:1d,3600:7d,86400:30d: the default tiers
//     would preallocate about 0.5 MB per host).
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "capture/pcap_file_source.hpp"
#include "engine/network_interface.hpp"
#include "store/series_sampler.hpp"
#include "store/timeseries_store.hpp"

namespace {

using Bytes = std::vector<uint8_t>;
namespace fs = std::filesystem;

void put16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
void put32(Bytes& b, uint32_t v) {
  put16(b, uint16_t(v >> 16));
  put16(b, uint16_t(v));
}

uint16_t checksum(const uint8_t* p, size_t n) {
  uint32_t s = 0;
  for (size_t i = 0; i + 1 < n; i += 2) s += uint32_t(p[i]) << 8 | p[i + 1];
  if (n & 1) s += uint32_t(p[n - 1]) << 8;
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return uint16_t(~s);
}

Bytes udpFrame(uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport, const Bytes& payload) {
  Bytes f = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, uint8_t(src >> 16), uint8_t(src >> 8), uint8_t(src), 0x02};
  put16(f, 0x0800);
  const size_t ip = f.size();
  f.push_back(0x45);
  f.push_back(0);
  put16(f, uint16_t(20 + 8 + payload.size()));
  put32(f, 0);
  f.push_back(64);
  f.push_back(17);
  put16(f, 0);
  put32(f, src);
  put32(f, dst);
  const uint16_t c = checksum(f.data() + ip, 20);
  f[ip + 10] = uint8_t(c >> 8);
  f[ip + 11] = uint8_t(c);
  put16(f, sport);
  put16(f, dport);
  put16(f, uint16_t(8 + payload.size()));
  put16(f, 0);
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

Bytes dnsQuery(uint32_t host, uint16_t id) {
  Bytes b;
  put16(b, id);
  put16(b, 0x0100);
  put16(b, 1);
  put16(b, 0);
  put16(b, 0);
  put16(b, 0);
  char label[16];
  const int n = std::snprintf(label, sizeof(label), "h%u", host);  // (GCC 12 warns falsely on string +)
  b.push_back(uint8_t(n));
  b.insert(b.end(), label, label + n);
  for (const char* l : {"example", "com"}) {
    b.push_back(uint8_t(std::strlen(l)));
    b.insert(b.end(), l, l + std::strlen(l));
  }
  b.push_back(0);
  put16(b, 1);
  put16(b, 1);
  return b;
}

Bytes ntpRequest() {
  Bytes b(48, 0);
  b[0] = 0x23;  // version 4, client
  return b;
}

int make(const char* path, uint32_t hosts, uint32_t minutes) {
  FILE* f = std::fopen(path, "wb");
  if (!f) {
    std::perror(path);
    return 1;
  }
  const uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
  std::fwrite(header, 4, 6, f);
  const uint64_t base = 1767225600ULL * 1000000;  // 2026-01-01 00:00:00 UTC
  const Bytes ntp = ntpRequest();
  uint64_t packets = 0, bytes = 0;
  for (uint32_t m = 0; m < minutes; ++m) {
    for (uint32_t i = 0; i < hosts; ++i) {
      const uint32_t src = (10u << 24) + i + 1;
      const uint64_t ts = base + uint64_t(m) * 60'000'000 + uint64_t(i) * 60'000'000 / hosts;
      const bool dns = (m + i) % 2 == 0;
      const uint32_t server = (198u << 24 | 18u << 16) + (dns ? 0 : 256) + 1 + i % 250;
      const Bytes frame = dns ? udpFrame(src, server, uint16_t(20000 + i % 40000), 53, dnsQuery(i, uint16_t(m)))
                              : udpFrame(src, server, 123, 123, ntp);
      const uint32_t rec[4] = {uint32_t(ts / 1000000), uint32_t(ts % 1000000), uint32_t(frame.size()), uint32_t(frame.size())};
      std::fwrite(rec, 4, 4, f);
      std::fwrite(frame.data(), 1, frame.size(), f);
      ++packets;
      bytes += frame.size();
    }
  }
  std::fclose(f);
  std::printf("wrote %s: %u local hosts, %u minutes of packet time, %lu packets, %lu bytes\n", path, hosts, minutes,
              (unsigned long)packets, (unsigned long)bytes);
  return 0;
}

double threadCpu() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

double loadAverage() {
  double l = 0;
  if (FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &l) != 1) l = 0;
    std::fclose(f);
  }
  return l;
}

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

uint64_t duBytes(const fs::path& dir) {
  uint64_t n = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st;
    if (it->is_regular_file(ec) && ::stat(it->path().c_str(), &st) == 0) n += uint64_t(st.st_blocks) * 512;
  }
  return n;
}

struct RunResult {
  uint64_t packets = 0;
  double seconds = 0;        // packet loop, until the end of input is handled
  double cpu = 0;            // the packet thread's CPU time in that loop
  double drain_seconds = 0;  // the writer, after the end of input
  netlens::store::WriterStats writer;
  uint32_t local_hosts = 0;
  uint64_t disk = 0, host_disk = 0, activity_disk = 0;
};

RunResult runOnce(const std::string& pcap, bool with_writer, const std::vector<netlens::store::Tier>& tiers,
                  const std::string& dir) {
  using namespace netlens;
  EngineConfig cfg;
  cfg.name = "bench";
  cfg.expire_idle = false;
  cfg.local_networks = {*Cidr::parse("10.0.0.0/8")};
  cfg.lifecycle.max_flows = 1 << 20;
  cfg.lifecycle.max_hosts = 1 << 20;
  auto src = openPcapFileSource(pcap, CaptureOptions{});
  if (!src) throw std::runtime_error(pcap + ": not a classic pcap file");
  NetworkInterface iface(cfg);
  std::unique_ptr<store::TimeseriesStore> ts;
  std::unique_ptr<store::SeriesSampler> sampler;
  if (with_writer) {
    store::TimeseriesConfig tc;
    tc.dir = dir;
    tc.tiers = tiers;
    tc.queue_limit = 20'000'000;
    ts = std::make_unique<store::TimeseriesStore>(tc, std::vector<std::string>{"bench"});
    // NETLENS_TS_BENCH_SAMPLER_ONLY=1: no writer thread (the packet thread's own share of the cost).
    if (!std::getenv("NETLENS_TS_BENCH_SAMPLER_ONLY")) ts->start();
    sampler = std::make_unique<store::SeriesSampler>(0, *ts, tc.host_step, true);
    iface.addTickObserver(sampler.get());
  }
  RunResult r;
  PacketRef pkt;
  const double t0 = now(), c0 = threadCpu();
  while (src->next(pkt) == ReadResult::Packet) {
    iface.processPacket(pkt);
    ++r.packets;
  }
  iface.finish();
  r.seconds = now() - t0;
  r.cpu = threadCpu() - c0;
  r.local_hosts = iface.activeLocalHosts();
  if (ts) {
    const double t1 = now();
    ts->stop();
    r.drain_seconds = now() - t1;
    r.writer = ts->stats();
    const double t2 = now();
    r.disk = duBytes(dir);
    r.host_disk = duBytes(fs::path(dir) / "bench" / "hosts");
    r.activity_disk = duBytes(fs::path(dir) / "bench" / "activity");
    std::printf("  (measuring the disk took %.1f s)\n", now() - t2);
  }
  return r;
}

int run(const std::string& pcap, int runs, const std::string& tier_spec) {
  std::string error;
  auto tiers = netlens::store::parseTiers(tier_spec, &error);
  if (!tiers) {
    std::fprintf(stderr, "netlens-ts-bench: tiers: %s\n", error.c_str());
    return 2;
  }
  // The data directory: $NETLENS_TS_BENCH_DIR, else /dev/shm (memory: the writer's own cost, not
  // the disk's; the files are removed after each run).
  const char* where = std::getenv("NETLENS_TS_BENCH_DIR");
  const fs::path base = fs::path(where && *where ? where : fs::exists("/dev/shm") ? "/dev/shm" : fs::temp_directory_path().c_str()) /
                        ("netlens-ts-bench-" + std::to_string(::getpid()));
  std::printf("data directory: %s\n", base.c_str());
  double best_without = 1e99, best_with = 1e99, cpu_without = 1e99, cpu_with = 1e99;
  RunResult last;
  uint64_t packets = 0;
  for (int i = 0; i < runs; ++i) {
    const RunResult a = runOnce(pcap, false, *tiers, "");
    best_without = std::min(best_without, a.seconds);
    cpu_without = std::min(cpu_without, a.cpu);
    packets = a.packets;
    std::printf("run %d without writer: %lu packets in %.3f s = %.0f packets/s (packet thread CPU %.3f s; load average %.1f)\n",
                i + 1, (unsigned long)a.packets, a.seconds, double(a.packets) / a.seconds, a.cpu, loadAverage());
    std::fflush(stdout);
    const fs::path dir = base / ("run" + std::to_string(i));
    const RunResult b = runOnce(pcap, true, *tiers, dir.string());
    best_with = std::min(best_with, b.seconds);
    cpu_with = std::min(cpu_with, b.cpu);
    std::printf("run %d with writer:    %lu packets in %.3f s = %.0f packets/s (packet thread CPU %.3f s; load average %.1f); writer: %lu RRD updates in %.1f s busy "
                "(%.0f updates/s), drained %.1f s after the input ended, queue peak %lu samples, %lu dropped, %lu errors%s%s\n",
                i + 1, (unsigned long)b.packets, b.seconds, double(b.packets) / b.seconds, b.cpu, loadAverage(),
                (unsigned long)b.writer.rrd_updates,
                b.writer.writer_busy_seconds, double(b.writer.rrd_updates) / std::max(1e-9, b.writer.writer_busy_seconds),
                b.drain_seconds, (unsigned long)b.writer.queue_peak, (unsigned long)b.writer.dropped_samples, (unsigned long)b.writer.errors,
                b.writer.errors ? ": " : "", b.writer.last_error.c_str());
    std::fflush(stdout);
    last = b;
    const double t3 = now();
    std::error_code ec;
    fs::remove_all(dir, ec);
    std::printf("  (removing the files took %.1f s)\n", now() - t3);
  }
  std::error_code ec;
  fs::remove_all(base, ec);
  const double slow = (best_with - best_without) / best_without * 100;
  std::printf("\nbest of %d: without writer %.0f packets/s, with writer %.0f packets/s: %+.1f%% packet-thread wall time\n", runs,
              double(packets) / best_without, double(packets) / best_with, slow);
  std::printf("packet thread CPU time: %.3f s without, %.3f s with the writer: %+.1f%% (what the writer costs the packet "
              "thread itself; the wall-time difference adds the competition for cores)\n",
              cpu_without, cpu_with, (cpu_with - cpu_without) / cpu_without * 100);
  std::printf("writer: %lu RRD updates (%lu update calls, %lu files), %.0f updates/s while busy\n",
              (unsigned long)last.writer.rrd_updates, (unsigned long)last.writer.rrd_update_calls,
              (unsigned long)last.writer.files_created,
              double(last.writer.rrd_updates) / std::max(1e-9, last.writer.writer_busy_seconds));
  std::printf("disk: %lu local hosts, %.1f MB in all, %.0f bytes of RRD files per local host (tiers %s), "
              "%.0f bytes of activity maps per local host\n",
              (unsigned long)last.local_hosts, double(last.disk) / 1e6,
              double(last.host_disk) / std::max(1u, last.local_hosts), tier_spec.c_str(),
              double(last.activity_disk) / std::max(1u, last.local_hosts));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  try {
    if (mode == "make" && argc >= 3)
      return make(argv[2], argc > 3 ? uint32_t(std::stoul(argv[3])) : 100000, argc > 4 ? uint32_t(std::stoul(argv[4])) : 65);
    if (mode == "run" && argc >= 3)
      return run(argv[2], argc > 3 ? std::stoi(argv[3]) : 3, argc > 4 ? argv[4] : "1:1d,3600:7d,86400:30d");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "netlens-ts-bench: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "usage: netlens-ts-bench make OUT.pcap [HOSTS [MINUTES]]\n       netlens-ts-bench run PCAP [RUNS [TIERS]]\n");
  return 2;
}
