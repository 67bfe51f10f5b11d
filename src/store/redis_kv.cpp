#include <hiredis/hiredis.h>

#include <charconv>
#include <chrono>
#include <mutex>
#include <stdexcept>

#include "store/kv_store.hpp"

namespace netlens::store {

namespace {

// Debian's hiredis is 0.14: the synchronous API with redisConnectWithTimeout/redisCommand.
class RedisKv final : public KvStore {
 public:
  explicit RedisKv(const std::string& spec) {
    std::string rest = spec;
    if (const auto at = rest.rfind('@'); at != std::string::npos) {
      const std::string db = rest.substr(at + 1);
      auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), db_);
      if (ec != std::errc() || end != db.data() + db.size() || db.empty() || db_ < 0 || db_ > 1000)
        throw std::invalid_argument("-r: '" + spec + "': the database after '@' must be a number");
      rest = rest.substr(0, at);
    }
    if (!rest.empty() && rest.front() == '/') {
      socket_ = rest;
    } else {
      host_ = rest;
      if (const auto colon = rest.rfind(':'); colon != std::string::npos && rest.find(':') == colon) {
        host_ = rest.substr(0, colon);
        const std::string p = rest.substr(colon + 1);
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port_);
        if (ec != std::errc() || end != p.data() + p.size() || port_ <= 0 || port_ > 65535)
          throw std::invalid_argument("-r: '" + spec + "': bad port");
      }
      if (host_.empty()) throw std::invalid_argument("-r: '" + spec + "' names no host");
    }
    where_ = socket_.empty() ? host_ + ":" + std::to_string(port_) + "/" + std::to_string(db_) : socket_ + "/" + std::to_string(db_);
    std::lock_guard lock(mu_);
    connect();
  }
  ~RedisKv() override {
    if (c_) redisFree(c_);
  }

  bool set(const std::string& key, const std::string& value, int64_t ttl_s) override {
    std::lock_guard lock(mu_);
    redisReply* r = ttl_s > 0 ? command("SET %b %b EX %lld", key.data(), key.size(), value.data(), value.size(), (long long)ttl_s)
                              : command("SET %b %b", key.data(), key.size(), value.data(), value.size());
    const bool ok = r && r->type == REDIS_REPLY_STATUS;
    if (r) freeReplyObject(r);
    return ok;
  }
  std::optional<std::string> get(const std::string& key) override {
    std::lock_guard lock(mu_);
    redisReply* r = command("GET %b", key.data(), key.size());
    std::optional<std::string> out;
    if (r && r->type == REDIS_REPLY_STRING) out = std::string(r->str, r->len);
    if (r) freeReplyObject(r);
    return out;
  }
  bool remove(const std::string& key) override {
    std::lock_guard lock(mu_);
    redisReply* r = command("DEL %b", key.data(), key.size());
    const bool ok = r && r->type == REDIS_REPLY_INTEGER && r->integer > 0;
    if (r) freeReplyObject(r);
    return ok;
  }
  std::vector<std::pair<std::string, std::string>> scan(const std::string& prefix) override {
    std::vector<std::pair<std::string, std::string>> out;
    std::lock_guard lock(mu_);
    std::string cursor = "0";
    const std::string match = prefix + "*";
    std::vector<std::string> keys;
    do {
      redisReply* r = command("SCAN %s MATCH %b COUNT 1000", cursor.c_str(), match.data(), match.size());
      if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
        if (r) freeReplyObject(r);
        return out;
      }
      cursor.assign(r->element[0]->str, r->element[0]->len);
      for (size_t i = 0; i < r->element[1]->elements; ++i)
        keys.emplace_back(r->element[1]->element[i]->str, r->element[1]->element[i]->len);
      freeReplyObject(r);
    } while (cursor != "0" && keys.size() < 1'000'000);
    for (const std::string& k : keys) {
      redisReply* r = command("GET %b", k.data(), k.size());
      if (r && r->type == REDIS_REPLY_STRING) out.emplace_back(k, std::string(r->str, r->len));
      if (r) freeReplyObject(r);
    }
    return out;
  }
  KvStatus status() override {
    std::lock_guard lock(mu_);
    // Absent or gone: try again (at most every few seconds) so that the status is current.
    if (!c_) connect();
    else if (redisReply* r = command("PING")) freeReplyObject(r);
    KvStatus s = status_;
    s.backend = "redis";
    s.where = where_;
    s.available = c_ != nullptr;
    return s;
  }

 private:
  void connect() {
    const auto now = std::chrono::steady_clock::now();
    if (attempted_ && now - last_attempt_ < std::chrono::seconds(2)) return;
    attempted_ = true;
    last_attempt_ = now;
    const timeval tv{0, 500'000};
    redisContext* c = socket_.empty() ? redisConnectWithTimeout(host_.c_str(), port_, tv)
                                      : redisConnectUnixWithTimeout(socket_.c_str(), tv);
    if (!c || c->err) {
      status_.last_error = c ? c->errstr : "cannot allocate a Redis context";
      if (c) redisFree(c);
      return;
    }
    redisSetTimeout(c, tv);
    if (db_ != 0) {
      redisReply* r = static_cast<redisReply*>(redisCommand(c, "SELECT %d", db_));
      const bool ok = r && r->type == REDIS_REPLY_STATUS;
      if (!ok) status_.last_error = r && r->type == REDIS_REPLY_ERROR ? std::string(r->str, r->len) : "SELECT failed";
      if (r) freeReplyObject(r);
      if (!ok) {
        redisFree(c);
        return;
      }
    }
    if (ever_connected_) ++status_.reconnects;
    ever_connected_ = true;
    c_ = c;
    status_.last_error.clear();
  }
  // One command; on a broken connection the context is dropped (reconnected later).
  template <typename... A>
  redisReply* command(const char* fmt, A... args) {
    if (!c_) connect();
    if (!c_) {
      ++status_.failed_ops;
      return nullptr;
    }
    auto* r = static_cast<redisReply*>(redisCommand(c_, fmt, args...));
    if (!r || c_->err) {
      status_.last_error = c_->err ? c_->errstr : "no reply";
      ++status_.failed_ops;
      if (r) freeReplyObject(r);
      redisFree(c_);
      c_ = nullptr;
      return nullptr;
    }
    return r;
  }

  std::string host_, socket_, where_;
  int port_ = 6379;
  int db_ = 0;
  std::mutex mu_;
  redisContext* c_ = nullptr;
  bool attempted_ = false, ever_connected_ = false;
  std::chrono::steady_clock::time_point last_attempt_{};
  KvStatus status_;
};

}  // namespace

std::unique_ptr<KvStore> openRedisKv(const std::string& spec) { return std::make_unique<RedisKv>(spec); }

}  // namespace netlens::store
