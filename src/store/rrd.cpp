#include "store/rrd.hpp"

#include <rrd.h>

#include <filesystem>

namespace netlens::store {

namespace {
std::string takeError() {
  std::string e = rrd_test_error() ? rrd_get_error() : "unknown RRD error";
  rrd_clear_error();
  return e;
}
}  // namespace

bool rrdCreate(const std::string& path, uint32_t step, time_t last_up, std::span<const DsSpec> ds,
               const std::vector<Tier>& tiers, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::vector<std::string> args;
  for (const DsSpec& d : ds)
    args.push_back(std::string("DS:") + d.name + (d.gauge ? ":GAUGE:" : ":ABSOLUTE:") + std::to_string(kHeartbeat) + ":0:U");
  // AVERAGE of the step's rates: a row times its step is the amount in that row.
  for (const auto& [per_row, rows] : archivesFor(step, tiers))
    args.push_back("RRA:AVERAGE:0.5:" + std::to_string(per_row) + ":" + std::to_string(rows));
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  if (rrd_create_r(path.c_str(), step, last_up, int(argv.size()), argv.data()) != 0) {
    if (error) *error = path + ": " + takeError();
    return false;
  }
  return true;
}

bool rrdUpdate(const std::string& path, const std::vector<std::string>& updates, std::string* error) {
  if (updates.empty()) return true;
  std::vector<const char*> argv;
  argv.reserve(updates.size());
  for (const std::string& u : updates) argv.push_back(u.c_str());
  if (rrd_updatex_r(path.c_str(), nullptr, RRD_SKIP_PAST_UPDATES, int(argv.size()), argv.data()) != 0) {
    if (error) *error = path + ": " + takeError();
    return false;
  }
  return true;
}

time_t rrdLast(const std::string& path) {
  const time_t t = rrd_last_r(path.c_str());
  if (t < 0) rrd_clear_error();
  return t;
}

std::optional<RrdData> rrdFetch(const std::string& path, time_t from, time_t to, unsigned long resolution,
                                std::string* error) {
  time_t start = from, end = to;
  unsigned long step = resolution ? resolution : 1, ds_cnt = 0;
  char** names = nullptr;
  rrd_value_t* data = nullptr;
  if (rrd_fetch_r(path.c_str(), "AVERAGE", &start, &end, &step, &ds_cnt, &names, &data) != 0) {
    if (error) *error = takeError();
    return std::nullopt;
  }
  RrdData out;
  out.start = start;
  out.step = step;
  for (unsigned long i = 0; i < ds_cnt; ++i) {
    out.ds.emplace_back(names[i]);
    rrd_freemem(names[i]);
  }
  rrd_freemem(names);
  const size_t rows = step ? size_t((end - start) / time_t(step)) : 0;
  out.values.assign(data, data + rows * ds_cnt);
  rrd_freemem(data);
  return out;
}

}  // namespace netlens::store
