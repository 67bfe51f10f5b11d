#include "store/timeseries_store.hpp"

#include <pwd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/l4_protocol.hpp"

namespace netlens::store {

namespace fs = std::filesystem;

namespace {
constexpr DsSpec kTrafficDs[] = {{"bytes", false}, {"packets", false}};
constexpr DsSpec kStatsDs[] = {{"flows", true}, {"hosts", true}, {"local_hosts", true}, {"drops", false}};
constexpr DsSpec kBytesDs[] = {{"bytes", false}};
constexpr DsSpec kHostDs[] = {{"bytes_sent", false}, {"bytes_rcvd", false}, {"packets", false}, {"flows", true}};
// A round takes what is queued, up to this many samples: when the writer lags behind (a capture
// file read faster than real time), one rrd_update then carries several steps of a file.
constexpr size_t kMaxSamplesPerRound = 4'000'000;
constexpr uint64_t kMaxPoints = 20000;

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }
}  // namespace

std::string encodeName(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '_' || c == '-') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (out.empty() || out == "." || out == "..") out = "%" + out;  // never a special name
  return out;
}

std::string decodeName(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit((unsigned char)s[i + 1]) && std::isxdigit((unsigned char)s[i + 2])) {
      out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (s[i] != '%') {
      out += s[i];
    }
  }
  return out;
}

std::string hostKeyText(const HostKey& k) {
  return k.vlan ? k.ip.toString() + "@" + std::to_string(k.vlan) : k.ip.toString();
}

std::optional<HostKey> parseHostKeyText(std::string_view s) {
  uint16_t vlan = 0;
  if (const auto at = s.find('@'); at != std::string_view::npos) {
    const std::string v(s.substr(at + 1));
    char* end = nullptr;
    const unsigned long n = std::strtoul(v.c_str(), &end, 10);
    if (v.empty() || *end || n > 4095) return std::nullopt;
    vlan = uint16_t(n);
    s = s.substr(0, at);
  }
  auto ip = IpAddress::parse(s);
  if (!ip) return std::nullopt;
  return HostKey{*ip, vlan};
}

TimeseriesStore::TimeseriesStore(TimeseriesConfig config, std::vector<std::string> interface_names)
    : config_(std::move(config)) {
  for (const std::string& n : interface_names) {
    IfaceState s;
    s.dir = config_.dir + "/" + encodeName(n);
    s.activity = std::make_unique<ActivityMap>(s.dir + "/activity", config_.activity_keep_hours);
    uint32_t start = 0;
    if (std::ifstream(s.dir + "/data_start") >> start) s.data_start = start;
    ifaces_.push_back(std::move(s));
  }
  stats_.queue_limit = config_.queue_limit;
}

TimeseriesStore::~TimeseriesStore() { stop(); }

void TimeseriesStore::prepare() {
  std::error_code ec;
  fs::create_directories(config_.dir, ec);
  if (ec) throw std::runtime_error("time series: cannot create " + config_.dir + ": " + ec.message());
  prepared_ = true;
}

void TimeseriesStore::start() {
  if (!prepared_) prepare();
  thread_ = std::thread([this] {
    // The writer yields to the packet threads when they compete for a core.
    setpriority(PRIO_PROCESS, pid_t(syscall(SYS_gettid)), 19);
    run();
  });
}

void TimeseriesStore::giveTo(const std::string& user) {
  const passwd* pw = getpwnam(user.c_str());
  if (!pw) return;  // dropPrivileges says what is wrong
  std::error_code ec;
  if (::chown(config_.dir.c_str(), pw->pw_uid, pw->pw_gid) != 0) return;
  for (auto it = fs::recursive_directory_iterator(config_.dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (::lchown(it->path().c_str(), pw->pw_uid, pw->pw_gid) != 0) break;
}

void TimeseriesStore::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool TimeseriesStore::offer(std::unique_ptr<SeriesBatch> batch) {
  const size_t cost = batch->cost();
  {
    std::lock_guard lock(mu_);
    ++stats_.batches;
    if (stopping_ || queued_cost_ + cost > config_.queue_limit) {
      ++stats_.dropped_batches;
      stats_.dropped_samples += cost;
      return false;
    }
    queued_cost_ += cost;
    stats_.queue_peak = std::max<uint64_t>(stats_.queue_peak, queued_cost_);
    queue_.push_back(std::move(batch));
  }
  cv_.notify_one();
  return true;
}

WriterStats TimeseriesStore::stats() const {
  std::lock_guard lock(mu_);
  WriterStats s = stats_;
  s.queued_samples = queued_cost_;
  return s;
}

bool TimeseriesStore::idle() const {
  std::lock_guard lock(mu_);
  return queue_.empty() && !busy_;
}

void TimeseriesStore::run() {
  auto last_activity_flush = std::chrono::steady_clock::now();
  for (;;) {
    std::vector<std::unique_ptr<SeriesBatch>> work;
    bool stopping = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(5), [&] { return stopping_ || !queue_.empty(); });
      stopping = stopping_;
      size_t taken = 0;
      while (!queue_.empty() && taken < kMaxSamplesPerRound) {
        taken += queue_.front()->cost();
        queued_cost_ -= queue_.front()->cost();
        work.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      busy_ = !work.empty();
    }
    const auto t0 = std::chrono::steady_clock::now();
    for (auto& b : work) process(*b);
    flushFiles();
    forgetIdle(newest_);
    for (IfaceState& s : ifaces_) {
      if (s.data_end == s.written_end) continue;
      s.written_end = s.data_end;
      std::ofstream(s.dir + "/data_end", std::ios::trunc) << s.written_end << "\n";
    }
    const auto now = std::chrono::steady_clock::now();
    const bool last_round = stopping && work.empty();
    if (last_round || now - last_activity_flush > std::chrono::seconds(30)) {
      for (IfaceState& s : ifaces_) s.activity->flush();
      last_activity_flush = now;
    }
    w_.writer_busy_seconds += seconds(std::chrono::steady_clock::now() - t0);
    {
      std::lock_guard lock(mu_);
      stats_.rrd_updates += w_.rrd_updates;
      stats_.rrd_update_calls += w_.rrd_update_calls;
      stats_.files_created += w_.files_created;
      stats_.skipped_past += w_.skipped_past;
      stats_.errors += w_.errors;
      stats_.writer_busy_seconds += w_.writer_busy_seconds;
      if (!w_.last_error.empty()) stats_.last_error = w_.last_error;
      w_ = WriterStats{};
      busy_ = false;
    }
    if (last_round) return;
  }
}

void TimeseriesStore::noteError(const std::string& e) {
  ++w_.errors;
  w_.last_error = e;
}

uint32_t TimeseriesStore::coarsest() const {
  uint32_t c = 1;
  for (const Tier& t : config_.tiers) c = std::max(c, t.resolution);
  return std::min<uint32_t>(c, kHeartbeat);
}

void TimeseriesStore::addUpdate(uint32_t iface, const std::string& path, uint32_t step, std::span<const DsSpec> ds,
                                uint32_t start, std::initializer_list<uint64_t> values) {
  auto [it, inserted] = files_.try_emplace(path);
  FileState& f = it->second;
  bool fresh = false;
  if (inserted) {
    f.iface = iface;
    f.ds = ds;
    std::error_code ec;
    if (fs::exists(path, ec)) {
      const time_t last = rrdLast(path);
      f.last = last > 0 ? uint32_t(last) : 0;
    } else {
      // The file starts at the beginning of its coarsest row, zeros until the first value: every
      // consolidated row is then complete (none unknown for lack of data before the start).
      const uint32_t begin = start / coarsest() * coarsest();
      std::string error;
      if (!rrdCreate(path, step, begin, ds, config_.tiers, &error)) {
        noteError(error);
        files_.erase(it);
        return;
      }
      ++w_.files_created;
      f.last = begin;
      fresh = true;
    }
  }
  const uint32_t end = start + step;
  f.touched = end;
  newest_ = std::max(newest_, end);
  if (end <= f.last) {
    ++w_.skipped_past;
    return;
  }
  auto text = [&](uint32_t t, bool fill) {
    std::string u = std::to_string(t);
    size_t i = 0;
    for (uint64_t v : values) {
      u += ':';
      // A gap: no traffic, the same levels (none before the first value).
      u += (fill && (!ds[i].gauge || fresh)) ? "0" : std::to_string(v);
      ++i;
    }
    return u;
  };
  if (start > f.last) f.pending.push_back(text(start, true));
  f.pending.push_back(text(end, false));
  f.last = end;
}

void TimeseriesStore::forgetIdle(uint32_t now) {
  if (now < last_sweep_ + 600) return;
  last_sweep_ = now;
  std::erase_if(files_, [&](const auto& kv) { return kv.second.pending.empty() && kv.second.touched + 3600 < now; });
  for (IfaceState& s : ifaces_) std::erase_if(s.hosts, [&](const auto& kv) { return kv.second.seen + 3600 < now; });
}

void TimeseriesStore::flushFiles() {
  for (auto& [path, f] : files_) {
    if (f.pending.empty()) continue;
    std::string error;
    ++w_.rrd_update_calls;
    if (rrdUpdate(path, f.pending, &error)) w_.rrd_updates += f.pending.size();
    else noteError(error);
    f.pending.clear();
  }
}

void TimeseriesStore::padToCoarsestRow(uint32_t iface) {
  const uint32_t c = coarsest();
  for (auto& [path, f] : files_) {
    if (f.iface != iface || f.last % c == 0) continue;
    std::string u = std::to_string((f.last / c + 1) * c);
    for (size_t i = 0; i < f.ds.size(); ++i) u += ":0";
    f.pending.push_back(std::move(u));
    f.last = (f.last / c + 1) * c;
  }
}

void TimeseriesStore::process(SeriesBatch& b) {
  if (b.iface >= ifaces_.size()) return;
  IfaceState& st = ifaces_[b.iface];
  const std::string& dir = st.dir;
  const uint32_t i = b.iface;
  if (b.has_second) {
    if (st.data_start == 0) {
      st.data_start = b.second;
      std::error_code ec;
      fs::create_directories(dir, ec);
      std::ofstream(dir + "/data_start", std::ios::trunc) << b.second << "\n";
    }
    addUpdate(i, dir + "/traffic.rrd", 1, kTrafficDs, b.second, {b.bytes, b.packets});
    st.activity->add(b.second, b.active_hosts);
  }
  auto appName = [&](uint16_t id) { return b.names ? std::string(b.names->protocol(id)) : std::to_string(id); };
  if (b.minute) {
    const MinuteSample& m = *b.minute;
    addUpdate(i, dir + "/stats.rrd", 60, kStatsDs, m.start, {m.flows, m.hosts, m.local_hosts, m.drops});
    for (const auto& [id, bytes] : m.app_bytes)
      addUpdate(i, dir + "/app/" + encodeName(appName(id)) + ".rrd", 60, kBytesDs, m.start, {bytes});
    for (const auto& [proto, bytes] : m.l4_bytes)
      addUpdate(i, dir + "/l4/" + encodeName(l4ProtocolName(proto)) + ".rrd", 60, kBytesDs, m.start, {bytes});
  }
  if (b.host_step) {
    const HostStepSample& hs = *b.host_step;
    auto delta = [](uint64_t now, uint64_t before) { return now >= before ? now - before : now; };
    for (const HostSample& h : hs.hosts) {
      HostState& prev = st.hosts[h.key];
      if (prev.first_seen != h.first_seen) prev = HostState{0, h.first_seen};  // a new host, or back after expiring
      prev.seen = hs.start + hs.step;
      const uint64_t ds = delta(h.sent_bytes, prev.sent), dr = delta(h.rcvd_bytes, prev.rcvd),
                     dp = delta(h.packets, prev.packets);
      const std::string hdir = dir + "/hosts/" + encodeName(hostKeyText(h.key));
      // Idle hosts are not written: the next update fills the gap with zeros.
      if (ds || dr || dp || h.active_flows != prev.flows)
        addUpdate(i, hdir + "/host.rrd", hs.step, kHostDs, hs.start, {ds, dr, dp, h.active_flows});
      for (uint32_t i = h.apps_begin; i < h.apps_end; ++i) {
        const auto [id, bytes] = hs.apps[i];
        uint64_t before = 0;
        for (auto& [pid, pb] : prev.apps)
          if (pid == id) before = pb;
        const uint64_t d = delta(bytes, before);
        if (d) addUpdate(i, hdir + "/app/" + encodeName(appName(id)) + ".rrd", hs.step, kBytesDs, hs.start, {d});
      }
      prev.sent = h.sent_bytes;
      prev.rcvd = h.rcvd_bytes;
      prev.packets = h.packets;
      prev.flows = h.active_flows;
      prev.apps.assign(hs.apps.begin() + h.apps_begin, hs.apps.begin() + h.apps_end);
    }
  }
  if (b.has_second && b.second + 1 > st.data_end) {
    st.data_end = b.second + 1;
  }
  if (b.end_of_file) padToCoarsestRow(i);
}

// ---- readers ------------------------------------------------------------------------------

std::string TimeseriesStore::ifaceDir(uint32_t iface) const { return iface < ifaces_.size() ? ifaces_[iface].dir : ""; }

const ActivityMap* TimeseriesStore::activity(uint32_t iface) const {
  return iface < ifaces_.size() ? ifaces_[iface].activity.get() : nullptr;
}

std::optional<SeriesData> TimeseriesStore::fetch(uint32_t iface, const SeriesRef& ref, uint32_t from, uint32_t to,
                                                 uint32_t resolution, std::string* error) const {
  const std::string dir = ifaceDir(iface);
  if (dir.empty()) {
    *error = "no such interface";
    return std::nullopt;
  }
  std::string path;
  std::vector<std::string> ds;  // summed
  SeriesData out;
  const std::string& m = ref.metric;
  auto named = [&](const char* prefix, std::string& name) {
    const size_t n = std::strlen(prefix);
    if (m.compare(0, n, prefix) != 0 || m.size() == n) return false;
    name = m.substr(n);
    return true;
  };
  std::string name;
  if (ref.kind == "interface") {
    if (m == "bytes" || m == "packets") path = dir + "/traffic.rrd", ds = {m}, out.unit = m;
    else if (m == "flows" || m == "hosts" || m == "local_hosts") path = dir + "/stats.rrd", ds = {m}, out.unit = m == "flows" ? "flows" : "hosts", out.gauge = true;
    else if (m == "drops") path = dir + "/stats.rrd", ds = {m}, out.unit = "packets";
    else if (named("app:", name)) path = dir + "/app/" + encodeName(name) + ".rrd", ds = {"bytes"}, out.unit = "bytes";
    else if (named("l4:", name)) path = dir + "/l4/" + encodeName(name) + ".rrd", ds = {"bytes"}, out.unit = "bytes";
  } else if (ref.kind == "host") {
    const std::string hdir = dir + "/hosts/" + encodeName(ref.key);
    if (m == "bytes") path = hdir + "/host.rrd", ds = {"bytes_sent", "bytes_rcvd"}, out.unit = "bytes";
    else if (m == "bytes_sent" || m == "bytes_rcvd") path = hdir + "/host.rrd", ds = {m}, out.unit = "bytes";
    else if (m == "packets") path = hdir + "/host.rrd", ds = {m}, out.unit = "packets";
    else if (m == "flows") path = hdir + "/host.rrd", ds = {m}, out.unit = "flows", out.gauge = true;
    else if (named("app:", name)) path = hdir + "/app/" + encodeName(name) + ".rrd", ds = {"bytes"}, out.unit = "bytes";
  }
  if (path.empty()) {
    *error = "unknown metric '" + m + "' for a " + ref.kind;
    return std::nullopt;
  }
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    *error = "no series " + m + " for " + ref.kind + (ref.key.empty() ? "" : " " + ref.key) + " (yet)";
    return std::nullopt;
  }
  const time_t last = rrdLast(path);
  out.last_update = last > 0 ? uint32_t(last) : 0;
  out.data_end = ifaces_[iface].data_end.load();
  out.data_start = ifaces_[iface].data_start.load();
  if (out.data_end == 0) std::ifstream(dir + "/data_end") >> out.data_end;  // written by an earlier run
  if (to == 0) to = out.data_end && out.data_end < out.last_update ? out.data_end : out.last_update;
  if (from == 0 || from >= to) from = to > 3600 ? to - 3600 : 0;
  // Nothing is kept before the longest retention or after the newest row.
  uint64_t keep = 0;
  for (const Tier& t : config_.tiers) keep = std::max(keep, t.keep + t.resolution);
  if (out.last_update > keep && from < out.last_update - keep) from = uint32_t(out.last_update - keep);
  if (to > out.last_update + 86400) to = out.last_update + 86400;
  if (from >= to) from = to > 1 ? to - 1 : 0;
  out.from = from;
  out.to = to;
  if (resolution == 0) resolution = std::max<uint32_t>(1, (to - from) / 1000);
  // A bounded answer, whatever the range: at most kMaxPoints rows.
  resolution = std::max<uint32_t>(resolution, uint32_t((uint64_t(to - from) + kMaxPoints - 1) / kMaxPoints));
  auto data = rrdFetch(path, from, to, resolution, error);
  if (!data) return std::nullopt;
  std::vector<size_t> cols;
  for (const std::string& d : ds)
    for (size_t i = 0; i < data->ds.size(); ++i)
      if (data->ds[i] == d) cols.push_back(i);
  out.step = uint32_t(data->step);
  const size_t rows = data->rows();
  out.points.reserve(rows);
  for (size_t r = 0; r < rows; ++r) {
    // Row r covers (start + r*step, start + (r+1)*step]: the interval that starts at start + r*step
    // (an update at time T stored the step [T - step, T)).
    const uint32_t t = uint32_t(data->start + time_t(r * data->step));
    double v = 0;
    for (size_t c : cols) v += data->values[r * data->ds.size() + c];
    if (t + out.step <= from || t > to) continue;
    // Before the interface's first second nothing was seen: unknown rather than the zeros the
    // file starts with (they only complete its first consolidated rows).
    if (t + out.step <= out.data_start) v = NAN;
    out.points.emplace_back(t, v);
  }
  return out;
}

std::vector<std::string> TimeseriesStore::metrics(uint32_t iface, const std::string& kind, const std::string& key) const {
  std::vector<std::string> out;
  const std::string dir = ifaceDir(iface);
  if (dir.empty()) return out;
  std::error_code ec;
  auto listDir = [&](const std::string& d, const char* prefix) {
    std::vector<std::string> names;
    for (auto it = fs::directory_iterator(d, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const std::string f = it->path().filename().string();
      if (f.size() > 4 && f.substr(f.size() - 4) == ".rrd") names.push_back(prefix + decodeName(f.substr(0, f.size() - 4)));
    }
    ec.clear();
    std::sort(names.begin(), names.end());
    out.insert(out.end(), names.begin(), names.end());
  };
  if (kind == "interface") {
    if (fs::exists(dir + "/traffic.rrd", ec)) out.insert(out.end(), {"bytes", "packets"});
    if (fs::exists(dir + "/stats.rrd", ec)) out.insert(out.end(), {"flows", "hosts", "local_hosts", "drops"});
    listDir(dir + "/app", "app:");
    listDir(dir + "/l4", "l4:");
  } else if (kind == "host") {
    const std::string hdir = dir + "/hosts/" + encodeName(key);
    if (fs::exists(hdir + "/host.rrd", ec)) out.insert(out.end(), {"bytes", "bytes_sent", "bytes_rcvd", "packets", "flows"});
    listDir(hdir + "/app", "app:");
  }
  return out;
}

uint64_t TimeseriesStore::bytesOnDisk(uint32_t iface) const {
  uint64_t n = 0;
  std::error_code ec;
  const std::string dir = ifaceDir(iface);
  if (dir.empty()) return 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) n += it->file_size(ec);
  return n;
}

}  // namespace netlens::store
