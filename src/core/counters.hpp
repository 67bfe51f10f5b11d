#pragma once
#include <cstdint>

namespace netlens {

// Packets and bytes of some traffic; the unit every statistic is built from.
struct TrafficCounter {
  uint64_t packets = 0;
  uint64_t bytes = 0;

  void add(uint64_t pkts, uint64_t byts) {
    packets += pkts;
    bytes += byts;
  }
  void add(const TrafficCounter& o) { add(o.packets, o.bytes); }
  TrafficCounter operator-(const TrafficCounter& o) const { return {packets - o.packets, bytes - o.bytes}; }
  bool empty() const { return packets == 0 && bytes == 0; }
};

// Per-second rates derived on each tick from the difference of two totals.
struct Throughput {
  double bps = 0;  // bits per second
  double pps = 0;  // packets per second
};

}  // namespace netlens
