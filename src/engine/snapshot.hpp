#pragma once
// What readers (the REST API, the web pages, exporters, Lua) see of an interface: plain copies
// taken on the packet thread, never pointers into the live tables. A SnapshotChannel hands
// them over: a reader asks, the packet thread answers between two packets (or on its idle
// timeout), and a snapshot younger than the channel's freshness is shared by every reader.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/network_interface.hpp"

namespace netlens {

struct InterfaceSnapshot {
  Micros taken_at = 0;   // engine clock (packet time for files)
  Micros taken_wall = 0;
  InterfaceSummary summary;
  std::vector<Flow> flows;  // without nDPI state
  std::vector<Host> hosts;
};

std::shared_ptr<const InterfaceSnapshot> takeSnapshot(const NetworkInterface& iface, bool with_entries = true);

// Borrowed rows, iterated as values: what queries read, either from a snapshot or, on the
// packet thread itself, straight from the live tables (then valid only until the next packet).
template <typename T>
class RowRefs {
 public:
  struct iterator {
    typename std::vector<const T*>::const_iterator it;
    const T& operator*() const { return **it; }
    iterator& operator++() {
      ++it;
      return *this;
    }
    bool operator!=(const iterator& o) const { return it != o.it; }
  };
  iterator begin() const { return {rows.begin()}; }
  iterator end() const { return {rows.end()}; }
  size_t size() const { return rows.size(); }
  std::vector<const T*> rows;
};

struct QueryView {
  Micros taken_at = 0;
  InterfaceSummary summary;
  RowRefs<Flow> flows;
  RowRefs<Host> hosts;
  const NetworkInterface* live = nullptr;  // liveView only: the tables themselves (ASes, countries, host indices)
};

QueryView viewOf(const InterfaceSnapshot& snapshot);
// On the packet thread only: the live tables (flows and/or hosts as asked).
QueryView liveView(const NetworkInterface& iface, bool flows, bool hosts);

class SnapshotChannel {
 public:
  explicit SnapshotChannel(std::chrono::milliseconds freshness = std::chrono::milliseconds(1000))
      : freshness_(freshness) {}

  // Reader side: the latest snapshot if fresh enough, else asks the packet thread for a new one
  // and waits at most `timeout` (then returns the latest one, possibly stale or null).
  // Without entries the snapshot has the summary only (no flows, no hosts): cheap to take
  // whatever the size of the tables.
  std::shared_ptr<const InterfaceSnapshot> get(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000),
                                               bool entries = true);
  std::shared_ptr<const InterfaceSnapshot> summary(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
    return get(timeout, false);
  }

  // Runs `job` on the packet thread between two packets and waits for it at most `timeout`.
  // For queries that only need a few rows of large tables: no copy of the tables at all. The
  // job must own what it uses (it may run after a timed-out caller has gone).
  using Job = std::function<void(const NetworkInterface&)>;
  bool run(Job job, std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

  // Packet-thread side: cheap when nobody asked.
  bool wanted() const {
    return want_full_.load(std::memory_order_relaxed) || want_summary_.load(std::memory_order_relaxed) ||
           jobs_pending_.load(std::memory_order_relaxed);
  }
  void serve(const NetworkInterface& iface);

 private:
  std::chrono::milliseconds freshness_;
  std::atomic<bool> want_full_{false};
  std::atomic<bool> want_summary_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<const InterfaceSnapshot> latest_full_;
  std::shared_ptr<const InterfaceSnapshot> latest_summary_;  // the newer of the two kinds
  uint64_t generation_ = 0;
  struct PendingJob {
    Job job;
    bool done = false;
  };
  std::atomic<bool> jobs_pending_{false};
  std::vector<std::shared_ptr<PendingJob>> jobs_;
};

}  // namespace netlens
