#pragma once
// ReverseResolver: active reverse DNS (address -> name) off the packet path. A few worker
// threads take addresses from a bounded queue, ask the DNS (a PTR query to a configured server
// with netlens's own small client, or the system's resolver through getnameinfo), and post the
// answers to the asker's ResolveResults, which the packet thread drains on its tick. Answers
// are cached with an expiry (failures too, for less time). A slow or absent DNS server only
// makes answers late: submit() never waits for one.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/ip_address.hpp"

namespace netlens::enrich {

struct ResolveResult {
  IpAddress ip;
  uint16_t vlan = 0;
  std::string name;  // empty: the DNS has no name for it
};

// Where answers for one asker (an interface) go; drained by the asker's own thread.
class ResolveResults {
 public:
  void push(ResolveResult r) {
    std::lock_guard lock(mu_);
    if (items_.size() < kMax) items_.push_back(std::move(r));
  }
  void drain(std::vector<ResolveResult>& out) {
    std::lock_guard lock(mu_);
    out.swap(items_);
    items_.clear();
  }

 private:
  static constexpr size_t kMax = 65536;
  std::mutex mu_;
  std::vector<ResolveResult> items_;
};

struct ResolverOptions {
  std::string server;  // "ADDRESS[:PORT]" ([v6]:port); empty: the system's resolver
  unsigned threads = 2;
  size_t max_queue = 4096;
  size_t max_cache = 65536;
  std::chrono::seconds ttl{3600};          // how long a found name is kept
  std::chrono::seconds negative_ttl{300};  // how long "no name" is kept
  std::chrono::milliseconds timeout{1500};  // per query (one retry)
};

struct ResolverStats {
  uint64_t queries = 0;      // asked of the DNS
  uint64_t answered = 0;     // with a name
  uint64_t no_name = 0;      // NXDOMAIN / no PTR
  uint64_t failed = 0;       // timeout, unreachable, malformed answer
  uint64_t cache_hits = 0;
  uint64_t queue_full = 0;   // submissions refused
  uint64_t cache_entries = 0;
  uint64_t queued = 0;
};

class ReverseResolver {
 public:
  explicit ReverseResolver(ResolverOptions options);  // throws std::invalid_argument for a bad server
  ~ReverseResolver();
  ReverseResolver(const ReverseResolver&) = delete;
  ReverseResolver& operator=(const ReverseResolver&) = delete;

  // Asks for the name of ip; the answer goes to `to` (at once when cached). False when the
  // queue is full (counted). Never blocks on I/O.
  bool submit(const IpAddress& ip, uint16_t vlan, std::shared_ptr<ResolveResults> to);
  // A cached name (empty optional: not cached; empty string: cached as nameless).
  std::optional<std::string> cached(const IpAddress& ip) const;
  // Fills the cache (from a persistent store at start); expires_unix in seconds.
  void preload(const IpAddress& ip, const std::string& name, int64_t expires_unix);
  // Called on a worker thread for every fresh answer (to persist it); set before use.
  std::function<void(const IpAddress&, const std::string&, int64_t expires_unix)> on_answer;

  ResolverStats stats() const;

 private:
  struct Request {
    IpAddress ip;
    uint16_t vlan;
    std::shared_ptr<ResolveResults> to;
  };
  struct CacheEntry {
    std::string name;
    int64_t expires_unix;
  };
  struct IpHash {
    size_t operator()(const IpAddress& ip) const { return size_t(ip.hash()); }
  };
  void work();
  std::optional<std::string> lookup(const IpAddress& ip, bool& failed);
  std::optional<std::string> queryServer(const IpAddress& ip, bool& failed);
  std::optional<std::string> querySystem(const IpAddress& ip, bool& failed);
  void remember(const IpAddress& ip, const std::string& name, int64_t expires_unix);

  ResolverOptions options_;
  std::vector<uint8_t> server_addr_;  // sockaddr storage for queryServer
  int server_family_ = 0;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request> queue_;
  std::unordered_set<IpAddress, IpHash> in_flight_;
  std::unordered_map<IpAddress, CacheEntry, IpHash> cache_;
  ResolverStats stats_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::atomic<uint16_t> next_id_{1};
};

}  // namespace netlens::enrich
