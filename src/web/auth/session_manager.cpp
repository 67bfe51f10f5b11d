#include "web/auth/session_manager.hpp"

#include <algorithm>

#include "web/auth/crypto.hpp"

namespace netlens::web {
namespace {

constexpr size_t kSecretBytes = 32;

Micros micros(std::chrono::seconds s) { return Micros(s.count()) * kMicrosPerSecond; }

}  // namespace

SessionManager::SessionManager(SessionOptions options, Clock clock)
    : options_(options), clock_(clock ? std::move(clock) : Clock(wallClockMicros)) {
  ensureSodium();
  if (options_.max_sessions == 0) options_.max_sessions = 1;
}

Micros SessionManager::deadline(const Session& s) const {
  return std::min(s.last_used + micros(options_.idle_timeout), s.created + micros(options_.absolute_lifetime));
}

NewSession SessionManager::create(std::string_view user) {
  NewSession created{randomHex(kSecretBytes), randomHex(kSecretBytes)};
  const Micros now = clock_();
  Session session{std::string(user), created.csrf_token, now, now, 0};
  session.expires = deadline(session);
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= options_.max_sessions) evictOne(now);
  sessions_[fastHash(created.id)] = std::move(session);
  return created;
}

void SessionManager::evictOne(Micros now) {
  auto victim = sessions_.end();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->second.expires <= now) {
      victim = it;
      break;
    }
    if (victim == sessions_.end() || it->second.last_used < victim->second.last_used) victim = it;
  }
  if (victim != sessions_.end()) sessions_.erase(victim);
}

std::optional<Session> SessionManager::lookup(std::string_view id) {
  if (id.size() != 2 * kSecretBytes) return std::nullopt;
  const std::string key = fastHash(id);
  const Micros now = clock_();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  Session& s = it->second;
  if (s.expires <= now) {
    sessions_.erase(it);
    return std::nullopt;
  }
  s.last_used = std::max(s.last_used, now);
  s.expires = deadline(s);
  return s;
}

bool SessionManager::destroy(std::string_view id) {
  if (id.size() != 2 * kSecretBytes) return false;
  const std::string key = fastHash(id);
  std::lock_guard lock(mutex_);
  return sessions_.erase(key) == 1;
}

size_t SessionManager::destroyAllFor(std::string_view user) {
  std::lock_guard lock(mutex_);
  return std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user == user; });
}

bool SessionManager::checkCsrf(std::string_view id, std::string_view token) {
  if (id.size() != 2 * kSecretBytes) return false;
  const std::string key = fastHash(id);
  const Micros now = clock_();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end() || it->second.expires <= now) return false;
  return constantTimeEquals(it->second.csrf_token, token);
}

size_t SessionManager::expire() {
  const Micros now = clock_();
  std::lock_guard lock(mutex_);
  return std::erase_if(sessions_, [&](const auto& kv) { return kv.second.expires <= now; });
}

size_t SessionManager::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace netlens::web
