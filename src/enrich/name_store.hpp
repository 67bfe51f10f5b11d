#pragma once
// NameStore: what netlens keeps about names across restarts, in the embedded store
// <data_dir>/names.db (SQLite, WAL): the aliases administrators set, and the reverse
// resolver's answers with their expiry. Thread-safe (one mutex around the connection); never
// used from a packet thread.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "enrich/alias_table.hpp"

namespace netlens::web::sqlite {
class Database;
}

namespace netlens::enrich {

struct StoredName {
  IpAddress ip;
  std::string name;  // empty: the DNS has none
  int64_t expires_unix = 0;
};

class NameStore {
 public:
  static constexpr const char* kFileName = "names.db";
  explicit NameStore(const std::filesystem::path& data_dir);  // throws with the reason
  ~NameStore();

  AliasMap loadAliases();
  void setAlias(const IpAddress& ip, uint16_t vlan, const std::string& alias);
  void removeAlias(const IpAddress& ip, uint16_t vlan);

  std::vector<StoredName> loadResolved(int64_t now_unix);  // unexpired answers only
  void saveResolved(const IpAddress& ip, const std::string& name, int64_t expires_unix);

 private:
  std::mutex mu_;
  std::unique_ptr<web::sqlite::Database> db_;
};

}  // namespace netlens::enrich
