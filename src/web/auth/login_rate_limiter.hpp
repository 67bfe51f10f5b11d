#pragma once
// LoginRateLimiter: refuses login attempts from a client address, or for a user name, that has
// failed `max_failures` times within the last `window` (a sliding window: an attempt is allowed
// again once the oldest of those failures is older than the window). The caller asks allow()
// before checking the password and records the outcome after.
//
// Memory is bounded: at most `max_tracked_keys` addresses and names are tracked, the least
// recently failed forgotten first. User names are compared without ASCII case, as the user
// store does. Thread-safe. For IPv6 clients the HTTP layer may pass the /64 as the address.
#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/timestamp.hpp"

namespace netlens::web {

struct RateLimitOptions {
  unsigned max_failures = 5;
  std::chrono::seconds window{5 * 60};
  size_t max_tracked_keys = 10000;
};

class LoginRateLimiter {
 public:
  explicit LoginRateLimiter(RateLimitOptions options = {});

  bool allow(std::string_view client_address, std::string_view user_name, Micros now) {
    return retryAfter(client_address, user_name, now) == 0;
  }
  // How long until allow() says yes: 0 when it does now (for a Retry-After header).
  Micros retryAfter(std::string_view client_address, std::string_view user_name, Micros now);
  void recordFailure(std::string_view client_address, std::string_view user_name, Micros now);
  // Forgets the failures of both the address and the name.
  void recordSuccess(std::string_view client_address, std::string_view user_name, Micros now);
  size_t trackedKeys() const;

 private:
  struct Tracker {
    std::deque<Micros> failures;  // the latest max_failures, oldest first
    std::list<std::string>::iterator recency;
  };
  void prune(Tracker& t, Micros now) const;
  Micros blockedFor(const std::string& key, Micros now);
  void fail(const std::string& key, Micros now);

  RateLimitOptions options_;
  Micros window_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Tracker> trackers_;
  std::list<std::string> recency_;  // most recently failed first
};

}  // namespace netlens::web
