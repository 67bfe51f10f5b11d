#include "web/web_auth.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "core/json_writer.hpp"
#include "enrich/name_store.hpp"
#include "store/timeseries_config.hpp"

namespace netlens::web {

namespace {

constexpr const char* kCookie = "netlens_session";
thread_local Caller tl_caller;

void sendJson(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json");
}
void sendError(httplib::Response& res, int status, const std::string& message) {
  ApiResult r = apiError(status, message);
  sendJson(res, r.status, r.body);
}

std::string cookieValue(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    if (part.compare(0, name.size() + 1, name + "=") == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return {};
}

std::string base64Decode(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = val(c);
    if (v < 0) break;  // '=' padding or garbage ends the value
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::string percentEncode(std::string_view in) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_') {
      out.push_back(char(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

bool isPage(const std::string& path) {
  return path == "/" || (path.size() > 5 && path.compare(path.size() - 5, 5, ".html") == 0);
}

// Served to anyone: the login page, its assets, and the login call itself.
bool isPublic(const httplib::Request& req) {
  const std::string& p = req.path;
  if (p == "/login.html" || p == "/api/v1/login") return true;
  if (p.compare(0, 5, "/api/") == 0 || p.compare(0, 5, "/lua/") == 0 || p == "/metrics") return false;  // APIs
  return !isPage(p);
}

bool changesState(const httplib::Request& req) { return req.method != "GET" && req.method != "HEAD"; }

void writeUser(JsonWriter& w, const User& u) {
  w.beginObject().field("user", u.name).field("role", roleName(u.role));
  w.field("must_change_password", u.must_change_password);
  w.key("allowed_interfaces").beginArray();
  for (const auto& i : u.allowed_interfaces) w.value(i);
  w.endArray().key("allowed_networks").beginArray();
  for (const auto& n : u.allowed_networks) w.value(n.toString());
  w.endArray();
}

std::optional<nlohmann::json> jsonBody(const httplib::Request& req, httplib::Response& res) {
  try {
    auto j = nlohmann::json::parse(req.body);
    if (!j.is_object()) throw std::invalid_argument("not an object");
    return j;
  } catch (const std::exception&) {
    sendError(res, 400, "the request body must be a JSON object");
    return std::nullopt;
  }
}

std::string stringField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> stringList(const nlohmann::json& j, const char* key, bool& ok) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end()) return out;
  if (!it->is_array()) {
    ok = false;
    return out;
  }
  for (const auto& v : *it) {
    if (!v.is_string()) {
      ok = false;
      return out;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

int statusFor(const AuthError& e) {
  switch (e.code) {
    case AuthErrc::NotFound: return 404;
    case AuthErrc::AlreadyExists: case AuthErrc::Conflict: case AuthErrc::LastAdministrator: return 409;
    case AuthErrc::WrongPassword: return 403;
    default: return 400;
  }
}

std::string sessionCookie(const std::string& id, bool https, int max_age) {
  return std::string(kCookie) + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age) +
         (https ? "; Secure" : "");
}

}  // namespace

// The preferences the engine applies at run time, with their bounds.
struct RuntimeKey {
  const char* key;
  std::optional<uint32_t> RuntimeSettings::*field;
};
constexpr RuntimeKey kTimeouts[] = {{"flow_idle_timeout", &RuntimeSettings::flow_idle_s},
                                    {"tcp_closed_timeout", &RuntimeSettings::tcp_closed_s},
                                    {"local_host_idle_timeout", &RuntimeSettings::local_host_idle_s},
                                    {"remote_host_idle_timeout", &RuntimeSettings::remote_host_idle_s}};
constexpr const char* kLocalHostApps = "local_host_applications";
constexpr const char* kDnsMode = "dns_resolution_mode";

// Checks a runtime preference's value; empty when fine, else what is wrong.
std::string checkRuntimePreference(const std::string& key, const nlohmann::json& v) {
  for (const RuntimeKey& k : kTimeouts)
    if (key == k.key && !(v.is_number_unsigned() && v.get<uint64_t>() >= 1 && v.get<uint64_t>() <= 86400))
      return key + " must be a number of seconds from 1 to 86400";
  if (key == kLocalHostApps && !v.is_boolean()) return key + " must be true or false";
  if (key == kDnsMode && !(v.is_string() && enrich::parseNameMode(v.get<std::string>())))
    return key + " must be \"decode\", \"local\", \"all\" or \"none\"";
  return {};
}

WebAuth::WebAuth(const WebOptions& options) : disabled_(options.disable_login), settings_(options.settings) {
  if (disabled_) return;
  const std::string dir = effectiveDataDir(options.data_dir);
  try {
    store_ = std::make_unique<UserStore>(dir);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("users database: ") + e.what() + " (choose another directory with -d)");
  }
  // With Redis (-r), preferences are shared through it: what Redis holds wins at start, and
  // every change is written to both (the local database keeps working when Redis is away).
  if (options.name_store && options.name_store->status().backend == "redis") {
    shared_prefs_ = options.name_store;
    for (const auto& [key, text] : shared_prefs_->loadPreferences()) {
      const auto v = nlohmann::json::parse(text, nullptr, false);
      if (v.is_discarded() || !checkRuntimePreference(key, v).empty()) continue;
      (void)store_->setPreference(key, text);
    }
  }
}

std::string effectiveDataDir(const std::string& configured) {
  // Like a system service when run as root; in the user's own data directory otherwise.
  return configured.empty() ? store::defaultDataDir() : configured;
}

RuntimeSettings WebAuth::storedSettings() {
  RuntimeSettings rs;
  if (!store_) return rs;
  for (const auto& [key, text] : store_->listPreferences()) {
    const auto v = nlohmann::json::parse(text, nullptr, false);
    if (v.is_discarded() || !checkRuntimePreference(key, v).empty()) continue;
    for (const RuntimeKey& k : kTimeouts)
      if (key == k.key) rs.*(k.field) = v.get<uint32_t>();
    if (key == kLocalHostApps) rs.local_host_apps = v.get<bool>();
    if (key == kDnsMode) rs.name_mode = enrich::parseNameMode(v.get<std::string>());
  }
  return rs;
}

const Caller& WebAuth::current() { return tl_caller; }

Visibility WebAuth::visibility() {
  const User& u = tl_caller.user;
  if (u.allowed_networks.empty()) return Visibility{};
  return Visibility{[u](const IpAddress& ip) { return u.canSeeAddress(ip); }};
}

std::optional<Caller> WebAuth::identify(const httplib::Request& req, httplib::Response& res) {
  const Micros now = wallClockMicros();
  if (const std::string id = cookieValue(req, kCookie); !id.empty()) {
    if (auto s = sessions_.lookup(id)) {
      if (auto u = store_->getUser(s->user)) return Caller{*u, id};
    }
  }
  const std::string auth = req.get_header_value("Authorization");
  if (auth.compare(0, 7, "Bearer ") == 0) {
    if (auto u = store_->userForApiToken(auth.substr(7))) return Caller{*u, {}};
    sendError(res, 401, "invalid API token");
    return std::nullopt;
  }
  if (auth.compare(0, 6, "Basic ") == 0) {
    const std::string decoded = base64Decode(std::string_view(auth).substr(6));
    const auto colon = decoded.find(':');
    const std::string name = decoded.substr(0, colon);
    if (!limiter_.allow(req.remote_addr, name, now)) {
      res.set_header("Retry-After", std::to_string(limiter_.retryAfter(req.remote_addr, name, now) / kMicrosPerSecond + 1));
      sendError(res, 429, "too many failed logins; try again later");
      return std::nullopt;
    }
    if (colon != std::string::npos) {
      if (auto u = store_->authenticate(name, decoded.substr(colon + 1))) {
        limiter_.recordSuccess(req.remote_addr, name, now);
        return Caller{*u, {}};
      }
    }
    limiter_.recordFailure(req.remote_addr, name, now);
    sendError(res, 401, "wrong user name or password");
    return std::nullopt;
  }
  if (isPage(req.path)) {
    res.status = 302;
    res.set_header("Location", "/login.html?next=" + percentEncode(req.path));
    return std::nullopt;
  }
  sendError(res, 401, "authentication required: log in, or use HTTP Basic or an API token");
  return std::nullopt;
}

httplib::Server::HandlerResponse WebAuth::gate(const httplib::Request& req, httplib::Response& res) {
  using HR = httplib::Server::HandlerResponse;
  if (disabled_) {
    tl_caller = Caller{User{"admin", Role::Admin}, {}};
    return HR::Unhandled;
  }
  tl_caller = Caller{};
  if (isPublic(req)) return HR::Unhandled;
  auto caller = identify(req, res);
  if (!caller) return HR::Handled;
  if (changesState(req) && !caller->session_id.empty() &&
      !sessions_.checkCsrf(caller->session_id, req.get_header_value("X-CSRF-Token"))) {
    sendError(res, 403, "missing or wrong X-CSRF-Token header");
    return HR::Handled;
  }
  if (caller->user.must_change_password && req.path != "/api/v1/me" && req.path != "/api/v1/me/password" &&
      req.path != "/api/v1/logout") {
    if (isPage(req.path)) {
      res.status = 302;
      res.set_header("Location", "/login.html?change=1");
    } else {
      sendError(res, 403, "the password must be changed first (POST /api/v1/me/password)");
    }
    return HR::Handled;
  }
  tl_caller = std::move(*caller);
  return HR::Unhandled;
}

void WebAuth::login(const httplib::Request& req, httplib::Response& res, bool https) {
  if (disabled_) return sendError(res, 400, "login is disabled on this netlens (--disable-login)");
  auto body = jsonBody(req, res);
  if (!body) return;
  const std::string name = stringField(*body, "user"), password = stringField(*body, "password");
  const Micros now = wallClockMicros();
  if (!limiter_.allow(req.remote_addr, name, now)) {
    res.set_header("Retry-After", std::to_string(limiter_.retryAfter(req.remote_addr, name, now) / kMicrosPerSecond + 1));
    return sendError(res, 429, "too many failed logins; try again later");
  }
  auto user = store_->authenticate(name, password);
  if (!user) {
    limiter_.recordFailure(req.remote_addr, name, now);
    return sendError(res, 401, "wrong user name or password");
  }
  limiter_.recordSuccess(req.remote_addr, name, now);
  const NewSession s = sessions_.create(user->name);
  res.set_header("Set-Cookie", sessionCookie(s.id, https, 12 * 3600));
  std::string out;
  JsonWriter w(out);
  writeUser(w, *user);
  w.field("csrf_token", s.csrf_token).endObject();
  sendJson(res, 200, out);
}

void WebAuth::routes(httplib::Server& s, bool https) {
  s.Post("/api/v1/login", [this, https](const httplib::Request& req, httplib::Response& res) { login(req, res, https); });
  s.Post("/api/v1/logout", [this, https](const httplib::Request&, httplib::Response& res) {
    if (!tl_caller.session_id.empty()) sessions_.destroy(tl_caller.session_id);
    res.set_header("Set-Cookie", sessionCookie("", https, 0));
    sendJson(res, 200, "{\"logged_out\":true}");
  });
  s.Get("/api/v1/me", [this](const httplib::Request&, httplib::Response& res) {
    std::string out;
    JsonWriter w(out);
    writeUser(w, tl_caller.user);
    // A page opened in a new tab learns its session's CSRF token here.
    if (!tl_caller.session_id.empty())
      if (auto session = sessions_.lookup(tl_caller.session_id)) w.field("csrf_token", session->csrf_token);
    w.endObject();
    sendJson(res, 200, out);
  });
  s.Post("/api/v1/me/password", [this, https](const httplib::Request& req, httplib::Response& res) {
    if (disabled_) return sendError(res, 400, "login is disabled on this netlens (--disable-login)");
    auto body = jsonBody(req, res);
    if (!body) return;
    auto r = store_->changePassword(tl_caller.user.name, stringField(*body, "old"), stringField(*body, "new"));
    if (!r) return sendError(res, statusFor(r.error()), r.error().message);
    // Every other session of this user ends; this one continues under a new id.
    sessions_.destroyAllFor(tl_caller.user.name);
    const NewSession fresh = sessions_.create(tl_caller.user.name);
    res.set_header("Set-Cookie", sessionCookie(fresh.id, https, 12 * 3600));
    sendJson(res, 200, "{\"changed\":true,\"csrf_token\":\"" + fresh.csrf_token + "\"}");
  });

  auto adminOnly = [this](httplib::Response& res) {
    if (disabled_) {
      sendError(res, 400, "login is disabled on this netlens (--disable-login): there are no users");
      return false;
    }
    if (!tl_caller.user.isAdmin()) {
      sendError(res, 403, "administrators only");
      return false;
    }
    return true;
  };
  s.Get("/api/v1/users", [this, adminOnly](const httplib::Request&, httplib::Response& res) {
    if (!adminOnly(res)) return;
    std::string out;
    JsonWriter w(out);
    w.beginArray();
    for (const User& u : store_->listUsers()) {
      writeUser(w, u);
      w.endObject();
    }
    w.endArray();
    sendJson(res, 200, out);
  });
  s.Post("/api/v1/users", [this, adminOnly](const httplib::Request& req, httplib::Response& res) {
    if (!adminOnly(res)) return;
    auto body = jsonBody(req, res);
    if (!body) return;
    NewUser nu;
    nu.name = stringField(*body, "user");
    nu.password = stringField(*body, "password");
    const std::string role = stringField(*body, "role");
    auto parsed = parseRole(role.empty() ? "viewer" : role);
    if (!parsed) return sendError(res, 400, "role must be 'administrator' or 'viewer', not '" + role + "'");
    nu.role = *parsed;
    bool ok = true;
    nu.allowed_interfaces = stringList(*body, "allowed_interfaces", ok);
    nu.allowed_networks = stringList(*body, "allowed_networks", ok);
    if (!ok) return sendError(res, 400, "allowed_interfaces and allowed_networks must be lists of strings");
    auto r = store_->addUser(nu);
    if (!r) return sendError(res, statusFor(r.error()), r.error().message);
    std::string out;
    JsonWriter w(out);
    writeUser(w, r.value());
    w.endObject();
    sendJson(res, 201, out);
  });
  s.Put(R"(/api/v1/users/([^/]+))", [this, adminOnly](const httplib::Request& req, httplib::Response& res) {
    if (!adminOnly(res)) return;
    auto body = jsonBody(req, res);
    if (!body) return;
    const std::string name = req.matches[1];
    if (body->contains("role")) {
      auto role = parseRole(stringField(*body, "role"));
      if (!role) return sendError(res, 400, "role must be 'administrator' or 'viewer'");
      if (auto r = store_->setRole(name, *role); !r) return sendError(res, statusFor(r.error()), r.error().message);
    }
    if (body->contains("allowed_interfaces") || body->contains("allowed_networks")) {
      bool ok = true;
      auto ifs = stringList(*body, "allowed_interfaces", ok);
      auto nets = stringList(*body, "allowed_networks", ok);
      if (!ok) return sendError(res, 400, "allowed_interfaces and allowed_networks must be lists of strings");
      if (auto r = store_->setAllowed(name, ifs, nets); !r) return sendError(res, statusFor(r.error()), r.error().message);
    }
    if (body->contains("password")) {
      if (auto r = store_->setPassword(name, stringField(*body, "password")); !r)
        return sendError(res, statusFor(r.error()), r.error().message);
      sessions_.destroyAllFor(name);
    }
    auto u = store_->getUser(name);
    if (!u) return sendError(res, 404, "no user '" + name + "'");
    std::string out;
    JsonWriter w(out);
    writeUser(w, *u);
    w.endObject();
    sendJson(res, 200, out);
  });
  s.Delete(R"(/api/v1/users/([^/]+))", [this, adminOnly](const httplib::Request& req, httplib::Response& res) {
    if (!adminOnly(res)) return;
    const std::string name = req.matches[1];
    if (auto r = store_->removeUser(name); !r) return sendError(res, statusFor(r.error()), r.error().message);
    sessions_.destroyAllFor(name);
    sendJson(res, 200, "{\"removed\":true}");
  });
  s.Post("/api/v1/me/tokens", [this](const httplib::Request& req, httplib::Response& res) {
    if (disabled_) return sendError(res, 400, "login is disabled on this netlens (--disable-login)");
    auto body = jsonBody(req, res);
    if (!body) return;
    auto r = store_->createApiToken(tl_caller.user.name, stringField(*body, "label"));
    if (!r) return sendError(res, statusFor(r.error()), r.error().message);
    std::string out;
    JsonWriter w(out);
    w.beginObject().field("id", r->info.id).field("label", r->info.label).field("token", r->token).endObject();
    sendJson(res, 201, out);
  });
  s.Get("/api/v1/me/tokens", [this](const httplib::Request&, httplib::Response& res) {
    if (disabled_) return sendError(res, 400, "login is disabled on this netlens (--disable-login)");
    auto r = store_->listApiTokens(tl_caller.user.name);
    if (!r) return sendError(res, statusFor(r.error()), r.error().message);
    std::string out;
    JsonWriter w(out);
    w.beginArray();
    for (const ApiTokenInfo& t : r.value())  // the secrets are not stored: never listed
      w.beginObject().field("id", t.id).field("label", t.label).field("created", t.created_unix).endObject();
    w.endArray();
    sendJson(res, 200, out);
  });
  s.Delete(R"(/api/v1/me/tokens/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (disabled_) return sendError(res, 400, "login is disabled on this netlens (--disable-login)");
    auto r = store_->revokeApiToken(tl_caller.user.name, std::stoll(req.matches[1]));
    if (!r) return sendError(res, statusFor(r.error()), r.error().message);
    sendJson(res, 200, "{\"revoked\":true}");
  });
  s.Get("/api/v1/preferences", [this, adminOnly](const httplib::Request&, httplib::Response& res) {
    if (!adminOnly(res)) return;
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : store_->listPreferences()) {
      std::string key;
      JsonWriter(key).value(k);
      out += (first ? "" : ",") + key + ":" + v;
      first = false;
    }
    sendJson(res, 200, out + "}");
  });
  s.Delete(R"(/api/v1/preferences/([A-Za-z0-9_.-]+))", [this, adminOnly](const httplib::Request& req, httplib::Response& res) {
    if (!adminOnly(res)) return;
    auto r = store_->removePreference(std::string(req.matches[1]));
    if (!r) return sendError(res, statusFor(r.error()), r.error().message);
    if (shared_prefs_) shared_prefs_->removePreference(std::string(req.matches[1]));
    sendJson(res, 200, "{\"removed\":true}");
  });
  s.Put(R"(/api/v1/preferences/([A-Za-z0-9_.-]+))", [this, adminOnly](const httplib::Request& req, httplib::Response& res) {
    if (!adminOnly(res)) return;
    const std::string key = req.matches[1];
    const auto value = nlohmann::json::parse(req.body, nullptr, false);
    if (value.is_discarded()) return sendError(res, 400, "the body must be the preference's JSON value");
    if (std::string problem = checkRuntimePreference(key, value); !problem.empty()) return sendError(res, 400, problem);
    auto r = store_->setPreference(key, req.body);
    if (!r) return sendError(res, statusFor(r.error()), r.error().message);
    if (shared_prefs_) shared_prefs_->setPreference(key, req.body);
    // Applied at once: the packet threads pick the settings up between packets.
    if (settings_) settings_->publish(storedSettings());
    sendJson(res, 200, "{\"saved\":true}");
  });
}

}  // namespace netlens::web
