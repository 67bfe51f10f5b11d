#pragma once
// HostKeeper: keeps the state of purged local hosts in the NameStore (SQLite or Redis) and gives
// it back when the host comes back, without the packet thread ever touching the store: it hands
// saves and loads to the keeper's own thread (a bounded queue; a full queue drops and counts),
// and reads the loaded states from its HostStates on its tick.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "enrich/name_store.hpp"

namespace netlens::enrich {

struct RestoredHost {
  IpAddress ip;
  uint16_t vlan = 0;
  HostState state;
};

class HostStates {
 public:
  void push(RestoredHost h) {
    std::lock_guard lock(mu_);
    if (items_.size() < 65536) items_.push_back(std::move(h));
  }
  void drain(std::vector<RestoredHost>& out) {
    std::lock_guard lock(mu_);
    out.swap(items_);
    items_.clear();
  }

 private:
  std::mutex mu_;
  std::vector<RestoredHost> items_;
};

class HostKeeper {
 public:
  HostKeeper(NameStore* store, int64_t keep_s, size_t max_queue = 16384);
  ~HostKeeper();
  HostKeeper(const HostKeeper&) = delete;
  HostKeeper& operator=(const HostKeeper&) = delete;

  bool save(const std::string& iface, const IpAddress& ip, uint16_t vlan, const HostState& s);
  bool load(const std::string& iface, const IpAddress& ip, uint16_t vlan, std::shared_ptr<HostStates> to);
  uint64_t dropped() const;

 private:
  struct Op {
    bool save;
    std::string iface;
    IpAddress ip;
    uint16_t vlan;
    HostState state;
    std::shared_ptr<HostStates> to;
  };
  void work();
  NameStore* store_;
  int64_t keep_s_;
  size_t max_queue_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Op> queue_;
  uint64_t dropped_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace netlens::enrich
