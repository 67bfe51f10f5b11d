#pragma once
// The summary line of a series as ntopng users know it: total, average, minimum and maximum
// with their times, and the 95th percentile.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace netlens::store {

struct SeriesSummary {
  size_t points = 0;  // known points (unknown ones are left out of everything)
  std::optional<double> total;  // amount over the range: Σ rate × step (counters only)
  double average = 0;
  double min = 0, max = 0;
  uint32_t min_time = 0, max_time = 0;  // the first point with that value
  double p95 = 0;  // nearest-rank 95th percentile of the points' values
};

// points: [time, value] with values as rates per second (counters) or levels (gauges).
SeriesSummary summarize(const std::vector<std::pair<uint32_t, double>>& points, uint32_t step, bool gauge);

}  // namespace netlens::store
