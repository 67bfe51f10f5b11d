#include "store/series_summary.hpp"

#include <algorithm>
#include <cmath>

namespace netlens::store {

SeriesSummary summarize(const std::vector<std::pair<uint32_t, double>>& points, uint32_t step, bool gauge) {
  SeriesSummary s;
  std::vector<double> known;
  known.reserve(points.size());
  double sum = 0;
  for (const auto& [t, v] : points) {
    if (std::isnan(v)) continue;
    if (known.empty() || v < s.min) s.min = v, s.min_time = t;
    if (known.empty() || v > s.max) s.max = v, s.max_time = t;
    known.push_back(v);
    sum += v;
  }
  s.points = known.size();
  if (known.empty()) {
    if (!gauge) s.total = 0;
    return s;
  }
  s.average = sum / double(known.size());
  // Amounts are whole numbers: the rounding of rate × step is removed by rounding the total.
  if (!gauge) s.total = std::round(sum * double(step));
  const size_t rank = size_t(std::ceil(0.95 * double(known.size())));  // nearest rank, 1-based
  std::nth_element(known.begin(), known.begin() + long(rank - 1), known.end());
  s.p95 = known[rank - 1];
  return s;
}

}  // namespace netlens::store
