#pragma once
// Configuration of the time series (RRD files) and host activity maps kept under the data
// directory.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netlens::store {

// One retention tier: rows of `resolution` seconds kept for `keep` seconds.
struct Tier {
  uint32_t resolution = 1;
  uint64_t keep = 86400;
  friend bool operator==(const Tier&, const Tier&) = default;
};

struct TimeseriesConfig {
  bool enabled = true;
  std::string dir;  // <data dir>/timeseries
  // Defaults (as ntopng users know them): raw for 1 day, 1-minute for 30 days, 1-hour for
  // 100 days, 1-day for 365 days. The first tier is the raw one (each series' own step).
  std::vector<Tier> tiers{{1, 86400}, {60, 30 * 86400ULL}, {3600, 100 * 86400ULL}, {86400, 365 * 86400ULL}};
  uint32_t host_step = 300;       // local host series: 300 (5 minutes) or 60
  size_t queue_limit = 4'000'000;  // samples waiting for the writer; more are dropped (counted)
  uint32_t activity_keep_hours = 7 * 24;  // host activity maps kept on disk (at least 24)
};

// "1:1d,60:30d,3600:100d,86400:365d" (resolution in seconds : retention with s/m/h/d/w/y).
// Empty optional and *error set when the text is not a valid tier list.
std::optional<std::vector<Tier>> parseTiers(const std::string& text, std::string* error);

// The RRAs of a series with base step `step`: (steps per row, rows) pairs. A tier finer than or
// equal to the step becomes the raw archive (keeping the longest of those retentions).
std::vector<std::pair<uint32_t, uint64_t>> archivesFor(uint32_t step, const std::vector<Tier>& tiers);

// Where netlens keeps its own data when -d is not given: $NETLENS_DATA_DIR when set, else
// /var/lib/netlens for root and the user's XDG data directory for others.
std::string defaultDataDir();

}  // namespace netlens::store
