#pragma once
// KvStore: the small key-value store behind what netlens keeps across restarts (aliases, the
// reverse resolver's answers, the state of purged local hosts). Two implementations: the
// embedded one (SQLite, <data_dir>/names.db) and Redis (-r). Thread-safe; may block for a
// short, bounded time (Redis: a connect/command timeout), so never called on a packet thread.
// A Redis that is absent or goes away is retried; meanwhile reads find nothing and writes are
// dropped and counted (netlens goes on without them).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace netlens::store {

struct KvStatus {
  std::string backend;      // "sqlite" or "redis"
  std::string where;        // file, or host:port/db, or the socket
  bool available = true;
  std::string last_error;
  uint64_t failed_ops = 0;  // operations lost while unavailable
  uint64_t reconnects = 0;
};

class KvStore {
 public:
  virtual ~KvStore() = default;
  // ttl_s 0: no expiry.
  virtual bool set(const std::string& key, const std::string& value, int64_t ttl_s = 0) = 0;
  virtual std::optional<std::string> get(const std::string& key) = 0;
  virtual bool remove(const std::string& key) = 0;
  // Every key with the prefix and its value (unexpired).
  virtual std::vector<std::pair<std::string, std::string>> scan(const std::string& prefix) = 0;
  virtual KvStatus status() = 0;
};

// <data_dir>/names.db; throws std::runtime_error when it cannot be opened.
std::unique_ptr<KvStore> openSqliteKv(const std::filesystem::path& data_dir);
// "HOST[:PORT][@DB]" or a unix socket path (starts with '/'); throws std::invalid_argument for a
// malformed spec. Never fails for an unreachable server: it is retried.
std::unique_ptr<KvStore> openRedisKv(const std::string& spec);

}  // namespace netlens::store
