#include "web/auth/login_rate_limiter.hpp"

#include <algorithm>

namespace netlens::web {
namespace {

constexpr size_t kMaxKeyBytes = 256;  // longer names are cut: they are junk anyway

std::string addressKey(std::string_view address) {
  if (address.empty()) return {};
  return "a:" + std::string(address.substr(0, kMaxKeyBytes));
}

std::string nameKey(std::string_view name) {
  if (name.empty()) return {};
  std::string key = "u:";
  for (char c : name.substr(0, kMaxKeyBytes)) key += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  return key;
}

}  // namespace

LoginRateLimiter::LoginRateLimiter(RateLimitOptions options)
    : options_(options), window_(Micros(options.window.count()) * kMicrosPerSecond) {
  if (options_.max_failures == 0) options_.max_failures = 1;
  if (options_.max_tracked_keys < 2) options_.max_tracked_keys = 2;
}

void LoginRateLimiter::prune(Tracker& t, Micros now) const {
  while (!t.failures.empty() && t.failures.front() + window_ <= now) t.failures.pop_front();
}

Micros LoginRateLimiter::blockedFor(const std::string& key, Micros now) {
  if (key.empty()) return 0;
  auto it = trackers_.find(key);
  if (it == trackers_.end()) return 0;
  prune(it->second, now);
  if (it->second.failures.empty()) {
    recency_.erase(it->second.recency);
    trackers_.erase(it);
    return 0;
  }
  if (it->second.failures.size() < options_.max_failures) return 0;
  return it->second.failures.front() + window_ - now;
}

void LoginRateLimiter::fail(const std::string& key, Micros now) {
  if (key.empty()) return;
  auto it = trackers_.find(key);
  if (it == trackers_.end()) {
    if (trackers_.size() >= options_.max_tracked_keys) {
      trackers_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.push_front(key);
    it = trackers_.emplace(key, Tracker{{}, recency_.begin()}).first;
  } else {
    recency_.splice(recency_.begin(), recency_, it->second.recency);
  }
  Tracker& t = it->second;
  prune(t, now);
  t.failures.push_back(now);
  while (t.failures.size() > options_.max_failures) t.failures.pop_front();
}

Micros LoginRateLimiter::retryAfter(std::string_view client_address, std::string_view user_name, Micros now) {
  std::lock_guard lock(mutex_);
  return std::max(blockedFor(addressKey(client_address), now), blockedFor(nameKey(user_name), now));
}

void LoginRateLimiter::recordFailure(std::string_view client_address, std::string_view user_name, Micros now) {
  std::lock_guard lock(mutex_);
  fail(addressKey(client_address), now);
  fail(nameKey(user_name), now);
}

void LoginRateLimiter::recordSuccess(std::string_view client_address, std::string_view user_name, Micros) {
  std::lock_guard lock(mutex_);
  for (const auto& key : {addressKey(client_address), nameKey(user_name)}) {
    auto it = trackers_.find(key);
    if (it == trackers_.end()) continue;
    recency_.erase(it->second.recency);
    trackers_.erase(it);
  }
}

size_t LoginRateLimiter::trackedKeys() const {
  std::lock_guard lock(mutex_);
  return trackers_.size();
}

}  // namespace netlens::web
