// Geolocation lookups on one core: what GeoDatabases::lookupBatch costs per address with the
// installed databases, for random public IPv4 addresses (each looked up once, as the engine
// does for a new host), in batches of the sizes the engine sees (a few hosts per tick on a
// quiet link, 64 on a busy one), with and without the per-thread cache of /24 answers and
// database records (random addresses rarely share a /24, but often a city or an AS).
//
//   netlens-geo-bench [--dir DIR] [--addresses N]
//
// Prints figures only (thread CPU time, nanoseconds per address).
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "enrich/geoip.hpp"
#include "thread_clock.hpp"

using namespace netlens;

using netlens::bench::threadCpuSeconds;

int main(int argc, char** argv) {
  std::string dir = NETLENS_DEFAULT_GEOIP_DIR;
  size_t n = 200000;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) dir = argv[++i];
    else if (!std::strcmp(argv[i], "--addresses") && i + 1 < argc) n = std::strtoul(argv[++i], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: netlens-geo-bench [--dir DIR] [--addresses N]\n");
      return 2;
    }
  }
  const double t_open = threadCpuSeconds();
  std::vector<std::string> problems;
  auto geo = GeoDatabases::openDir(dir, &problems);
  const double open_s = threadCpuSeconds() - t_open;
  for (const auto& p : problems) std::fprintf(stderr, "geo-bench: %s\n", p.c_str());
  if (geo->empty()) {
    std::fprintf(stderr, "geo-bench: no databases in %s\n", dir.c_str());
    return 1;
  }
  std::printf("databases in %s (opened in %.1f ms CPU):\n", dir.c_str(), open_s * 1e3);
  for (const auto& d : geo->describe()) std::printf("  %s\n", d.c_str());
  std::mt19937 rng(42);
  std::vector<IpAddress> ips;
  ips.reserve(n);
  while (ips.size() < n) {
    const uint32_t a = rng();
    const uint8_t top = uint8_t(a >> 24);
    if (top == 0 || top == 10 || top == 127 || top >= 224) continue;  // keep to public-looking space
    ips.push_back(IpAddress::v4(a));
  }
  std::vector<GeoInfo> out(64);
  std::vector<GeoText> names(64);
  for (bool cached : {false, true}) {
    for (size_t batch : {size_t(1), size_t(8), size_t(64)}) {
      GeoLookupCache cache;
      size_t located = 0;
      const double t0 = threadCpuSeconds();
      for (size_t i = 0; i < ips.size(); i += batch) {
        const size_t k = std::min(batch, ips.size() - i);
        geo->lookupBatch(&ips[i], k, out.data(), names.data(), cached ? &cache : nullptr);
        for (size_t j = 0; j < k; ++j) located += out[j].hasCountry();
      }
      const double s = threadCpuSeconds() - t0;
      std::printf("batch %2zu, %s: %6.0f ns per address (%zu addresses, %zu with a country, %.3f s)\n", batch,
                  cached ? "prefix+record cache" : "no cache           ", s * 1e9 / double(ips.size()), ips.size(),
                  located, s);
    }
  }
  return 0;
}
