#pragma once
// SessionManager: browser sessions in memory. A session id and its CSRF token are 32 random
// bytes each, in hex. A session ends after `idle_timeout` without use (each lookup refreshes it)
// and in any case `absolute_lifetime` after login. Sessions are keyed by a hash of their id, so
// the table's lookups reveal nothing about valid ids through timing. Thread-safe. The cookie
// (HttpOnly, SameSite, Secure) is the HTTP layer's.
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/timestamp.hpp"

namespace netlens::web {

struct SessionOptions {
  std::chrono::seconds idle_timeout{30 * 60};
  std::chrono::seconds absolute_lifetime{12 * 3600};
  // At most this many live sessions: when full, expired ones go first, then the least recently
  // used.
  size_t max_sessions = 10000;
};

struct Session {
  std::string user;
  std::string csrf_token;
  Micros created = 0;
  Micros last_used = 0;
  Micros expires = 0;  // the earlier of the idle and the absolute deadline
};

struct NewSession {
  std::string id;  // the cookie's value
  std::string csrf_token;
};

class SessionManager {
 public:
  using Clock = std::function<Micros()>;

  explicit SessionManager(SessionOptions options = {}, Clock clock = wallClockMicros);

  NewSession create(std::string_view user);
  // The session when the id is live; refreshes its idle deadline.
  std::optional<Session> lookup(std::string_view id);
  bool destroy(std::string_view id);
  // Ends every session of the user (password change, removal); returns how many. Sessions are
  // created with the stored name (User::name), which is what to pass here.
  size_t destroyAllFor(std::string_view user);
  // True when the id is a live session and `token` is its CSRF token (constant-time compare).
  // Does not refresh the session.
  bool checkCsrf(std::string_view id, std::string_view token);
  // Drops expired sessions; returns how many.
  size_t expire();
  size_t size() const;

 private:
  Micros deadline(const Session& s) const;
  void evictOne(Micros now);

  SessionOptions options_;
  Clock clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Session> sessions_;  // key: BLAKE2b of the id
};

}  // namespace netlens::web
