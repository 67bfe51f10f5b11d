#include "enrich/name_store.hpp"

#include <sys/stat.h>

#include "web/auth/sqlite.hpp"

namespace netlens::enrich {

using web::sqlite::Statement;

NameStore::NameStore(const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) throw std::runtime_error("cannot create " + data_dir.string() + ": " + ec.message());
  const auto file = data_dir / kFileName;
  db_ = std::make_unique<web::sqlite::Database>(file);
  ::chmod(file.c_str(), 0600);
  db_->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            "CREATE TABLE IF NOT EXISTS aliases (ip TEXT NOT NULL, vlan INTEGER NOT NULL, alias TEXT NOT NULL,"
            " PRIMARY KEY (ip, vlan));"
            "CREATE TABLE IF NOT EXISTS resolved (ip TEXT PRIMARY KEY, name TEXT NOT NULL, expires INTEGER NOT NULL);");
}

NameStore::~NameStore() = default;

AliasMap NameStore::loadAliases() {
  std::lock_guard lock(mu_);
  AliasMap m;
  Statement st(*db_, "SELECT ip, vlan, alias FROM aliases");
  while (st.step()) {
    const auto ip = IpAddress::parse(st.text(0));
    if (ip) m[AliasKey{*ip, uint16_t(st.integer(1))}] = st.text(2);
  }
  return m;
}

void NameStore::setAlias(const IpAddress& ip, uint16_t vlan, const std::string& alias) {
  std::lock_guard lock(mu_);
  Statement(*db_, "INSERT INTO aliases (ip, vlan, alias) VALUES (?, ?, ?) "
                  "ON CONFLICT (ip, vlan) DO UPDATE SET alias = excluded.alias")
      .bind(1, ip.toString())
      .bind(2, int64_t(vlan))
      .bind(3, alias)
      .run();
}

void NameStore::removeAlias(const IpAddress& ip, uint16_t vlan) {
  std::lock_guard lock(mu_);
  Statement(*db_, "DELETE FROM aliases WHERE ip = ? AND vlan = ?").bind(1, ip.toString()).bind(2, int64_t(vlan)).run();
}

std::vector<StoredName> NameStore::loadResolved(int64_t now_unix) {
  std::lock_guard lock(mu_);
  Statement(*db_, "DELETE FROM resolved WHERE expires <= ?").bind(1, now_unix).run();
  std::vector<StoredName> out;
  Statement st(*db_, "SELECT ip, name, expires FROM resolved");
  while (st.step())
    if (const auto ip = IpAddress::parse(st.text(0))) out.push_back({*ip, st.text(1), st.integer(2)});
  return out;
}

void NameStore::saveResolved(const IpAddress& ip, const std::string& name, int64_t expires_unix) {
  std::lock_guard lock(mu_);
  Statement(*db_, "INSERT INTO resolved (ip, name, expires) VALUES (?, ?, ?) "
                  "ON CONFLICT (ip) DO UPDATE SET name = excluded.name, expires = excluded.expires")
      .bind(1, ip.toString())
      .bind(2, name)
      .bind(3, expires_unix)
      .run();
}

}  // namespace netlens::enrich
