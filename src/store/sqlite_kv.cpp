#include <sys/stat.h>

#include <chrono>
#include <mutex>
#include <stdexcept>

#include "store/kv_store.hpp"
#include "web/auth/sqlite.hpp"

namespace netlens::store {

namespace {
using web::sqlite::Statement;

int64_t nowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class SqliteKv final : public KvStore {
 public:
  explicit SqliteKv(const std::filesystem::path& dir) : file_(dir / "names.db") {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
    db_ = std::make_unique<web::sqlite::Database>(file_);
    ::chmod(file_.c_str(), 0600);
    db_->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
              "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires INTEGER NOT NULL);");
    Statement(*db_, "DELETE FROM kv WHERE expires != 0 AND expires <= ?").bind(1, nowUnix()).run();
  }
  bool set(const std::string& key, const std::string& value, int64_t ttl_s) override {
    return guarded([&] {
      Statement(*db_, "INSERT INTO kv (key, value, expires) VALUES (?, ?, ?) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires")
          .bind(1, key)
          .bind(2, value)
          .bind(3, ttl_s > 0 ? nowUnix() + ttl_s : int64_t(0))
          .run();
    });
  }
  std::optional<std::string> get(const std::string& key) override {
    std::optional<std::string> out;
    guarded([&] {
      Statement st(*db_, "SELECT value FROM kv WHERE key = ? AND (expires = 0 OR expires > ?)");
      st.bind(1, key).bind(2, nowUnix());
      if (st.step()) out = st.text(0);
    });
    return out;
  }
  bool remove(const std::string& key) override {
    bool removed = false;
    guarded([&] {
      Statement(*db_, "DELETE FROM kv WHERE key = ?").bind(1, key).run();
      removed = db_->changes() > 0;
    });
    return removed;
  }
  std::vector<std::pair<std::string, std::string>> scan(const std::string& prefix) override {
    std::vector<std::pair<std::string, std::string>> out;
    guarded([&] {
      // Keys are compared as text: [prefix, prefix + U+10FFFF) holds exactly those with the prefix.
      Statement st(*db_, "SELECT key, value FROM kv WHERE key >= ? AND key < ? AND (expires = 0 OR expires > ?)");
      st.bind(1, prefix).bind(2, prefix + "\xF4\x8F\xBF\xBF").bind(3, nowUnix());
      while (st.step()) out.emplace_back(st.text(0), st.text(1));
    });
    return out;
  }
  KvStatus status() override {
    std::lock_guard lock(mu_);
    KvStatus s = status_;
    s.backend = "sqlite";
    s.where = file_.string();
    return s;
  }

 private:
  template <typename F>
  bool guarded(F&& f) {
    std::lock_guard lock(mu_);
    try {
      f();
      status_.available = true;
      return true;
    } catch (const std::exception& e) {
      status_.last_error = e.what();
      ++status_.failed_ops;
      return false;
    }
  }
  std::filesystem::path file_;
  std::mutex mu_;
  std::unique_ptr<web::sqlite::Database> db_;
  KvStatus status_;
};
}  // namespace

std::unique_ptr<KvStore> openSqliteKv(const std::filesystem::path& data_dir) { return std::make_unique<SqliteKv>(data_dir); }

}  // namespace netlens::store
