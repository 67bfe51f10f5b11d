#pragma once
// ActivityMap: for each local host of one interface, one bit per second in which it sent or
// received anything, as Roaring bitmaps of epoch seconds. The current hour is in memory; each
// finished hour is one file (<dir>/<hour start>.act) holding every host's bitmap, and files
// older than the retention are removed. Written by the time-series writer thread, read by web
// threads (a mutex between them; the packet thread never takes it).
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/host.hpp"

struct roaring_bitmap_s;

namespace netlens::store {

struct HostKeyHash {
  size_t operator()(const HostKey& k) const { return size_t(k.hash()); }
};

struct HostActivity {
  HostKey key;
  uint64_t seconds = 0;                             // active seconds in the range
  std::vector<std::pair<uint32_t, uint32_t>> runs;  // [first second, length] of each active stretch
};

class ActivityMap {
 public:
  ActivityMap(std::string dir, uint32_t keep_hours);
  ~ActivityMap();
  ActivityMap(const ActivityMap&) = delete;
  ActivityMap& operator=(const ActivityMap&) = delete;

  // Writer thread: these hosts were active in `second` (seconds arrive in order).
  void add(uint32_t second, const std::vector<HostKey>& hosts);
  // Writes the current hour to disk (it stays in memory).
  void flush();

  // Web threads: activity of the given hosts in [from, to] (all hosts active then when `hosts`
  // is empty, at most `limit`, the most active first).
  std::vector<HostActivity> query(const std::vector<HostKey>& hosts, uint32_t from, uint32_t to, size_t limit) const;
  uint64_t bytesOnDisk() const;

 private:
  using Chunk = std::unordered_map<HostKey, roaring_bitmap_s*, HostKeyHash>;
  void persistLocked(uint32_t hour, const Chunk& chunk) const;
  void dropLocked(Chunk& c);
  std::string pathOf(uint32_t hour) const;
  bool loadHour(uint32_t hour, Chunk& out) const;

  std::string dir_;
  uint32_t keep_hours_;
  mutable std::mutex mu_;
  uint32_t hour_ = 0;  // start of the hour in memory
  Chunk current_;
  bool dirty_ = false;
};

}  // namespace netlens::store
