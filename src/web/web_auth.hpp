#pragma once
// WebAuth: who is calling. Sessions (HttpOnly, SameSite cookie + CSRF token), HTTP Basic and
// per-user API tokens, login rate limiting, the forced first password change, and the user,
// token and preference administration routes. With --disable-login every caller is an
// unrestricted administrator.
#include <httplib.h>

#include <memory>
#include <optional>
#include <string>

#include "web/api_v1.hpp"
#include "web/auth/login_rate_limiter.hpp"
#include "web/auth/session_manager.hpp"
#include "web/auth/user_store.hpp"
#include "web/web_server.hpp"

namespace netlens::web {

struct Caller {
  User user;
  std::string session_id;  // empty when authenticated per request (Basic, token)
};

class WebAuth {
 public:
  explicit WebAuth(const WebOptions& options);

  // Runs before routing: lets public resources through, authenticates everything else
  // (answering 401/302/403 itself when it must) and remembers the caller for the handlers.
  httplib::Server::HandlerResponse gate(const httplib::Request& req, httplib::Response& res);
  void routes(httplib::Server& s, bool https);

  // The caller of the request being handled on this thread.
  static const Caller& current();
  static Visibility visibility();
  // The runtime settings stored as preferences (what applies at start-up).
  RuntimeSettings storedSettings();

 private:
  std::optional<Caller> identify(const httplib::Request& req, httplib::Response& res);
  void login(const httplib::Request& req, httplib::Response& res, bool https);

  bool disabled_;
  std::unique_ptr<UserStore> store_;
  SessionManager sessions_;
  LoginRateLimiter limiter_;
  SettingsChannel* settings_;
  enrich::NameStore* shared_prefs_ = nullptr;  // Redis: preferences shared through it
};

}  // namespace netlens::web
