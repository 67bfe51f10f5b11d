#include "store/timeseries_config.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <sstream>

namespace netlens::store {

std::optional<std::vector<Tier>> parseTiers(const std::string& text, std::string* error) {
  std::vector<Tier> tiers;
  std::istringstream in(text);
  std::string item;
  auto fail = [&](const std::string& why) -> std::optional<std::vector<Tier>> {
    if (error) *error = why;
    return std::nullopt;
  };
  while (std::getline(in, item, ',')) {
    const auto colon = item.find(':');
    if (colon == std::string::npos) return fail("'" + item + "' is not RESOLUTION:RETENTION (e.g. 60:30d)");
    uint32_t res = 0;
    const std::string r = item.substr(0, colon), k = item.substr(colon + 1);
    auto [re, rec] = std::from_chars(r.data(), r.data() + r.size(), res);
    if (rec != std::errc() || re != r.data() + r.size() || res == 0 || res > 86400 * 7)
      return fail("'" + r + "' is not a resolution in seconds (1 to 604800)");
    uint64_t keep = 0;
    auto [ke, kec] = std::from_chars(k.data(), k.data() + k.size(), keep);
    uint64_t unit = 1;
    if (kec == std::errc() && ke + 1 == k.data() + k.size()) {
      switch (*ke) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        case 'w': unit = 7 * 86400; break;
        case 'y': unit = 365 * 86400; break;
        default: return fail("'" + k + "': unknown unit (s, m, h, d, w, y)");
      }
    } else if (kec != std::errc() || ke != k.data() + k.size()) {
      return fail("'" + k + "' is not a retention (e.g. 30d)");
    }
    keep *= unit;
    if (keep < res || keep > 20ULL * 365 * 86400) return fail("retention '" + k + "' must be at least the resolution and at most 20y");
    if (!tiers.empty() && res <= tiers.back().resolution) return fail("tiers must go from fine to coarse");
    tiers.push_back({res, keep});
  }
  if (tiers.empty()) return fail("no tier given");
  return tiers;
}

std::vector<std::pair<uint32_t, uint64_t>> archivesFor(uint32_t step, const std::vector<Tier>& tiers) {
  std::vector<std::pair<uint32_t, uint64_t>> out;
  uint64_t raw_rows = 0;
  for (const Tier& t : tiers) {
    if (t.resolution <= step) {
      raw_rows = std::max(raw_rows, (t.keep + step - 1) / step);
      continue;
    }
    const uint32_t per_row = (t.resolution + step - 1) / step;
    out.emplace_back(per_row, std::max<uint64_t>(1, t.keep / (uint64_t(per_row) * step)));
  }
  if (raw_rows == 0) raw_rows = std::max<uint64_t>(1, tiers.empty() ? 1 : tiers.front().keep / step);
  out.insert(out.begin(), {1, raw_rows});
  return out;
}

std::string defaultDataDir() {
  if (const char* env = std::getenv("NETLENS_DATA_DIR"); env && *env) return env;
  const char* home = std::getenv("HOME");
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (geteuid() == 0 || !home) return "/var/lib/netlens";
  return (xdg && *xdg ? std::string(xdg) : std::string(home) + "/.local/share") + "/netlens";
}

}  // namespace netlens::store
