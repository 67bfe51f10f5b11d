#pragma once
// Thin wrapper over librrd's thread-safe calls (rrd_create_r, rrd_updatex_r, rrd_fetch_r).
#include <ctime>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "store/timeseries_config.hpp"

namespace netlens::store {

struct DsSpec {
  const char* name;
  bool gauge;  // GAUGE (a level) or ABSOLUTE (an amount in the step, stored as a rate per second)
};

// Heartbeat of every data source: gaps longer than this become unknown instead of zero.
inline constexpr unsigned kHeartbeat = 86400;

// Creates `path` (and its directories); its first step starts after `last_up`.
bool rrdCreate(const std::string& path, uint32_t step, time_t last_up, std::span<const DsSpec> ds,
               const std::vector<Tier>& tiers, std::string* error);
// Updates "TIME:V1:V2..." in order; updates not after the file's last one are skipped.
bool rrdUpdate(const std::string& path, const std::vector<std::string>& updates, std::string* error);
time_t rrdLast(const std::string& path);

struct RrdData {
  time_t start = 0;  // rows cover (start, start+step], (start+step, start+2*step], ...
  unsigned long step = 1;
  std::vector<std::string> ds;
  std::vector<double> values;  // rows × ds, NaN where unknown
  size_t rows() const { return ds.empty() ? 0 : values.size() / ds.size(); }
};
// AVERAGE rows covering [from, to] at the finest archive with a step of at least `resolution`
// that holds the range (librrd's choice).
std::optional<RrdData> rrdFetch(const std::string& path, time_t from, time_t to, unsigned long resolution,
                                std::string* error);

}  // namespace netlens::store
