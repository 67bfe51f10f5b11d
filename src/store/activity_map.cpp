#include "store/activity_map.hpp"

#include <roaring/roaring.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace netlens::store {

namespace fs = std::filesystem;

namespace {
constexpr char kMagic[8] = {'N', 'L', 'A', 'C', 'T', '1', '\n', 0};

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof(v));
}
template <typename T>
bool get(const std::string& in, size_t& pos, T& v) {
  if (pos + sizeof(T) > in.size()) return false;
  std::memcpy(&v, in.data() + pos, sizeof(T));
  pos += sizeof(T);
  return true;
}
}  // namespace

ActivityMap::ActivityMap(std::string dir, uint32_t keep_hours) : dir_(std::move(dir)), keep_hours_(std::max(24u, keep_hours)) {}

ActivityMap::~ActivityMap() {
  std::lock_guard lock(mu_);
  dropLocked(current_);
}

void ActivityMap::dropLocked(Chunk& c) {
  for (auto& [k, bm] : c) roaring_bitmap_free(bm);
  c.clear();
}

std::string ActivityMap::pathOf(uint32_t hour) const { return dir_ + "/" + std::to_string(hour) + ".act"; }

void ActivityMap::add(uint32_t second, const std::vector<HostKey>& hosts) {
  const uint32_t hour = second / 3600 * 3600;
  std::lock_guard lock(mu_);
  if (hour != hour_) {
    if (hour < hour_) return;  // the engine's clock never goes back; ignore if it ever did
    if (dirty_) persistLocked(hour_, current_);
    dropLocked(current_);
    hour_ = hour;
    dirty_ = false;
    loadHour(hour, current_);  // a restart within the hour keeps what was written before it
    // Retention: hours older than keep_hours before the newest one go.
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir_, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.size() < 5 || name.substr(name.size() - 4) != ".act") continue;
      const unsigned long h = std::strtoul(name.c_str(), nullptr, 10);
      if (h + uint64_t(keep_hours_) * 3600 <= hour) fs::remove(it->path(), ec);
    }
  }
  for (const HostKey& k : hosts) {
    auto [it, inserted] = current_.try_emplace(k, nullptr);
    if (inserted) it->second = roaring_bitmap_create();
    roaring_bitmap_add(it->second, second);
  }
  if (!hosts.empty()) dirty_ = true;
}

void ActivityMap::flush() {
  std::lock_guard lock(mu_);
  if (dirty_) persistLocked(hour_, current_);
  dirty_ = false;
}

void ActivityMap::persistLocked(uint32_t hour, const Chunk& chunk) const {
  std::string out(kMagic, sizeof(kMagic));
  put<uint32_t>(out, hour);
  put<uint32_t>(out, uint32_t(chunk.size()));
  std::vector<char> buf;
  for (const auto& [key, bm] : chunk) {
    roaring_bitmap_run_optimize(bm);
    put<uint8_t>(out, key.ip.version());
    out.append(reinterpret_cast<const char*>(key.ip.data()), 16 - (key.ip.version() == 4 ? 12 : 0));
    put<uint16_t>(out, key.vlan);
    buf.resize(roaring_bitmap_portable_size_in_bytes(bm));
    const size_t n = roaring_bitmap_portable_serialize(bm, buf.data());
    put<uint32_t>(out, uint32_t(n));
    out.append(buf.data(), n);
  }
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const std::string path = pathOf(hour), tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(out.data(), std::streamsize(out.size()));
    if (!f) return;
  }
  fs::rename(tmp, path, ec);
}

bool ActivityMap::loadHour(uint32_t hour, Chunk& out) const {
  std::ifstream f(pathOf(hour), std::ios::binary);
  if (!f) return false;
  const std::string in((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (in.size() < sizeof(kMagic) + 8 || std::memcmp(in.data(), kMagic, sizeof(kMagic)) != 0) return false;
  size_t pos = sizeof(kMagic);
  uint32_t file_hour = 0, count = 0;
  get(in, pos, file_hour);
  get(in, pos, count);
  for (uint32_t i = 0; i < count; ++i) {
    uint8_t version = 0;
    uint16_t vlan = 0;
    uint32_t len = 0;
    if (!get(in, pos, version) || (version != 4 && version != 6)) return false;
    const size_t alen = version == 4 ? 4 : 16;
    if (pos + alen > in.size()) return false;
    const IpAddress ip = version == 4 ? IpAddress::v4(reinterpret_cast<const uint8_t*>(in.data() + pos))
                                      : IpAddress::v6(reinterpret_cast<const uint8_t*>(in.data() + pos));
    pos += alen;
    if (!get(in, pos, vlan) || !get(in, pos, len) || pos + len > in.size()) return false;
    roaring_bitmap_t* bm = roaring_bitmap_portable_deserialize_safe(in.data() + pos, len);
    pos += len;
    if (!bm) return false;
    auto [it, inserted] = out.try_emplace(HostKey{ip, vlan}, bm);
    if (!inserted) roaring_bitmap_free(bm);
  }
  return true;
}

std::vector<HostActivity> ActivityMap::query(const std::vector<HostKey>& hosts, uint32_t from, uint32_t to,
                                             size_t limit) const {
  std::unordered_map<HostKey, roaring_bitmap_t*, HostKeyHash> acc;
  auto merge = [&](const Chunk& c) {
    auto one = [&](const HostKey& k, const roaring_bitmap_t* bm) {
      auto [it, inserted] = acc.try_emplace(k, nullptr);
      if (inserted) it->second = roaring_bitmap_create();
      roaring_bitmap_or_inplace(it->second, bm);
    };
    if (hosts.empty()) {
      for (const auto& [k, bm] : c) one(k, bm);
    } else {
      for (const HostKey& k : hosts)
        if (auto it = c.find(k); it != c.end()) one(k, it->second);
    }
  };
  if (to < from) return {};
  for (uint64_t hour = from / 3600 * 3600; hour <= to; hour += 3600) {
    {
      std::lock_guard lock(mu_);
      if (hour == hour_ && !current_.empty()) {
        merge(current_);
        continue;
      }
    }
    Chunk c;
    if (loadHour(uint32_t(hour), c)) merge(c);
    for (auto& [k, bm] : c) roaring_bitmap_free(bm);
  }
  std::vector<HostActivity> out;
  roaring_bitmap_t* range = roaring_bitmap_create();
  roaring_bitmap_add_range(range, from, uint64_t(to) + 1);
  auto emit = [&](const HostKey& k, roaring_bitmap_t* bm) {
    HostActivity a;
    a.key = k;
    if (bm) {
      roaring_bitmap_and_inplace(bm, range);
      a.seconds = roaring_bitmap_get_cardinality(bm);
      roaring_uint32_iterator_t* it = roaring_create_iterator(bm);
      while (it->has_value) {
        const uint32_t v = it->current_value;
        if (!a.runs.empty() && a.runs.back().first + a.runs.back().second == v) ++a.runs.back().second;
        else a.runs.emplace_back(v, 1);
        roaring_advance_uint32_iterator(it);
      }
      roaring_free_uint32_iterator(it);
    }
    if (a.seconds > 0 || !hosts.empty()) out.push_back(std::move(a));
  };
  if (hosts.empty()) {
    for (auto& [k, bm] : acc) emit(k, bm);
  } else {
    for (const HostKey& k : hosts) {
      auto it = acc.find(k);
      emit(k, it == acc.end() ? nullptr : it->second);
    }
  }
  roaring_bitmap_free(range);
  for (auto& [k, bm] : acc) roaring_bitmap_free(bm);
  if (hosts.empty()) {
    std::sort(out.begin(), out.end(), [](const HostActivity& a, const HostActivity& b) {
      return a.seconds != b.seconds ? a.seconds > b.seconds : a.key.ip < b.key.ip;
    });
    if (out.size() > limit) out.resize(limit);
  }
  return out;
}

uint64_t ActivityMap::bytesOnDisk() const {
  uint64_t n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator(dir_, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) n += it->file_size(ec);
  return n;
}

}  // namespace netlens::store
