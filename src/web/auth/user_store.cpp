#include "web/auth/user_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <system_error>

#include "web/auth/crypto.hpp"
#include "web/auth/json_validate.hpp"
#include "web/auth/sqlite.hpp"

namespace netlens::web {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTokenPrefix = "nlt_";
constexpr size_t kTokenRandomBytes = 32;
constexpr size_t kMaxLabelLength = 128;
constexpr size_t kMaxKeyLength = 128;
constexpr size_t kMaxInterfaceNameLength = 256;
constexpr size_t kMaxAllowedEntries = 1024;

constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('administrator', 'viewer')),
  must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE user_interfaces (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (user_id, position)
);
CREATE TABLE user_networks (
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  cidr TEXT NOT NULL,
  PRIMARY KEY (user_id, position)
);
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash BLOB NOT NULL UNIQUE,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX api_tokens_by_user ON api_tokens(user_id);
CREATE TABLE preferences (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
)sql";

AuthError invalid(std::string message) { return authError(AuthErrc::InvalidArgument, std::move(message)); }

AuthError noSuchUser(std::string_view name) {
  return authError(AuthErrc::NotFound, "no user named '" + std::string(name) + "'");
}

// Echoes refused input in a message, shortened: it may be long or odd.
std::string shown(std::string_view text) {
  constexpr size_t kMax = 64;
  std::string out = "'";
  for (char c : text.substr(0, kMax)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  if (text.size() > kMax) out += "...";
  return out + "'";
}

bool hasControlCharacters(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::optional<AuthError> checkUserName(std::string_view name) {
  if (name.empty()) return invalid("the user name is empty");
  if (name.size() > UserStore::kMaxNameLength)
    return invalid("the user name is longer than " + std::to_string(UserStore::kMaxNameLength) + " characters");
  const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-' || c == '@';
  });
  if (!allowed) return invalid("the user name " + shown(name) + " may only have letters, digits and . _ - @");
  return std::nullopt;
}

std::optional<AuthError> checkNewPassword(std::string_view password) {
  if (password.size() < UserStore::kMinPasswordLength)
    return invalid("the password must have at least " + std::to_string(UserStore::kMinPasswordLength) +
                   " characters");
  if (password.size() > UserStore::kMaxPasswordLength)
    return invalid("the password is longer than " + std::to_string(UserStore::kMaxPasswordLength) + " characters");
  return std::nullopt;
}

std::optional<AuthError> checkInterfaces(const std::vector<std::string>& interfaces) {
  if (interfaces.size() > kMaxAllowedEntries) return invalid("too many allowed interfaces");
  for (const auto& name : interfaces) {
    if (name.empty()) return invalid("an allowed interface name is empty");
    if (name.size() > kMaxInterfaceNameLength || hasControlCharacters(name))
      return invalid("the interface name " + shown(name) + " is too long or has control characters");
  }
  return std::nullopt;
}

Result<std::vector<Cidr>> parseNetworks(const std::vector<std::string>& texts) {
  if (texts.size() > kMaxAllowedEntries) return invalid("too many allowed networks");
  std::vector<Cidr> networks;
  for (const auto& text : texts) {
    auto cidr = Cidr::parse(text);
    if (!cidr)
      return invalid(shown(text) + " is not a network in CIDR notation (e.g. 192.168.1.0/24 or fd00::/8)");
    networks.push_back(*cidr);
  }
  return networks;
}

template <typename T, typename Same>
std::vector<T> withoutDuplicates(const std::vector<T>& items, Same same) {
  std::vector<T> out;
  for (const auto& item : items)
    if (std::none_of(out.begin(), out.end(), [&](const T& kept) { return same(kept, item); })) out.push_back(item);
  return out;
}

std::optional<AuthError> checkPreferenceKey(std::string_view key) {
  if (key.empty()) return invalid("the preference key is empty");
  if (key.size() > kMaxKeyLength) return invalid("the preference key is too long");
  const bool allowed = std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
  if (!allowed) return invalid("the preference key " + shown(key) + " may only have letters, digits and . _ -");
  return std::nullopt;
}

std::optional<AuthError> checkLabel(std::string_view label) {
  if (label.empty()) return invalid("the token label is empty");
  if (label.size() > kMaxLabelLength || hasControlCharacters(label))
    return invalid("the token label is longer than 128 characters or has control characters");
  return std::nullopt;
}

}  // namespace

UserStore::UserStore(const fs::path& data_dir, UserStoreOptions options)
    : options_(std::move(options)), hasher_(options_.hashing, options_.max_concurrent_hashes) {
  if (data_dir.empty()) throw std::invalid_argument("the data directory is empty");
  std::error_code ec;
  if (fs::create_directories(data_dir, ec))
    fs::permissions(data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) throw std::runtime_error("cannot create the data directory " + data_dir.string() + ": " + ec.message());
  db_path_ = data_dir / kFileName;

  // The file holds password hashes: create it readable by its owner only (SQLite gives its
  // -wal and -shm files the same permissions).
  const int fd = ::open(db_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error("cannot open " + db_path_.string() + ": " + std::generic_category().message(errno));
  ::close(fd);

  try {
    db_ = std::make_unique<sqlite::Database>(db_path_);
    db_->exec("PRAGMA foreign_keys = ON");
    {
      sqlite::Statement wal(*db_, "PRAGMA journal_mode = WAL");
      if (!wal.step() || wal.text(0) != "wal") throw StorageError("cannot switch to WAL journal mode");
    }
    db_->exec("PRAGMA synchronous = NORMAL");
    migrate();
    createDefaultAdminIfEmpty();
  } catch (const StorageError& e) {
    throw StorageError(db_path_.string() + ": " + e.what());
  }
}

UserStore::~UserStore() = default;

int64_t UserStore::now() const {
  if (options_.clock_unix) return options_.clock_unix();
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void UserStore::migrate() {
  int64_t version;
  {
    sqlite::Statement st(*db_, "PRAGMA user_version");
    version = st.step() ? st.integer(0) : 0;
  }
  if (version > kSchemaVersion)
    throw StorageError("the database has schema version " + std::to_string(version) +
                       ", newer than this netlens knows (" + std::to_string(kSchemaVersion) + ")");
  // Each step brings the schema from version N to N + 1 in one transaction.
  if (version < 1) {
    sqlite::Transaction tx(*db_);
    db_->exec(kSchemaV1);
    db_->exec("PRAGMA user_version = 1");
    tx.commit();
  }
}

void UserStore::createDefaultAdminIfEmpty() {
  {
    sqlite::Statement count(*db_, "SELECT COUNT(*) FROM users");
    if (count.step() && count.integer(0) > 0) return;
  }
  const std::string hash = hasher_.hash("admin");
  sqlite::Transaction tx(*db_);
  sqlite::Statement count(*db_, "SELECT COUNT(*) FROM users");
  if (count.step() && count.integer(0) > 0) return;  // another process was first
  const int64_t t = now();
  sqlite::Statement insert(*db_,
                           "INSERT INTO users (name, password_hash, role, must_change_password, created_at, "
                           "updated_at) VALUES ('admin', ?, 'administrator', 1, ?, ?)");
  insert.bind(1, hash).bind(2, t).bind(3, t).run();
  tx.commit();
}

const std::string& UserStore::dummyHash() {
  std::call_once(dummy_once_, [this] { dummy_hash_ = hasher_.hash(randomHex(16)); });
  return dummy_hash_;
}

std::optional<UserStore::StoredCredentials> UserStore::credentials(std::string_view name) {
  if (checkUserName(name)) return std::nullopt;
  std::lock_guard lock(mutex_);
  sqlite::Statement st(*db_, "SELECT id, name, password_hash FROM users WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return StoredCredentials{st.integer(0), st.text(1), st.text(2)};
}

std::optional<int64_t> UserStore::userId(std::string_view name) {
  sqlite::Statement st(*db_, "SELECT id FROM users WHERE name = ?");
  st.bind(1, name);
  if (!st.step()) return std::nullopt;
  return st.integer(0);
}

std::optional<User> UserStore::loadUser(int64_t id) {
  User user;
  {
    sqlite::Statement st(*db_,
                         "SELECT name, role, must_change_password, created_at, updated_at FROM users WHERE id = ?");
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    user.name = st.text(0);
    auto role = parseRole(st.text(1));
    if (!role) throw StorageError("user " + user.name + " has an unknown role in the database");
    user.role = *role;
    user.must_change_password = st.integer(2) != 0;
    user.created_unix = st.integer(3);
    user.updated_unix = st.integer(4);
  }
  {
    sqlite::Statement st(*db_, "SELECT name FROM user_interfaces WHERE user_id = ? ORDER BY position");
    st.bind(1, id);
    while (st.step()) user.allowed_interfaces.push_back(st.text(0));
  }
  {
    sqlite::Statement st(*db_, "SELECT cidr FROM user_networks WHERE user_id = ? ORDER BY position");
    st.bind(1, id);
    while (st.step()) {
      // A restriction that cannot be read must not turn into "sees everything".
      auto cidr = Cidr::parse(st.text(0));
      if (!cidr) throw StorageError("user " + user.name + " has a malformed allowed network in the database");
      user.allowed_networks.push_back(*cidr);
    }
  }
  return user;
}

int64_t UserStore::countAdmins() {
  sqlite::Statement st(*db_, "SELECT COUNT(*) FROM users WHERE role = 'administrator'");
  return st.step() ? st.integer(0) : 0;
}

void UserStore::writeAllowed(int64_t id, const std::vector<std::string>& interfaces,
                             const std::vector<Cidr>& networks) {
  sqlite::Statement(*db_, "DELETE FROM user_interfaces WHERE user_id = ?").bind(1, id).run();
  sqlite::Statement(*db_, "DELETE FROM user_networks WHERE user_id = ?").bind(1, id).run();
  int64_t position = 0;
  for (const auto& name : withoutDuplicates(interfaces, std::equal_to<>())) {
    sqlite::Statement(*db_, "INSERT INTO user_interfaces (user_id, position, name) VALUES (?, ?, ?)")
        .bind(1, id)
        .bind(2, position++)
        .bind(3, name)
        .run();
  }
  position = 0;
  auto same_network = [](const Cidr& a, const Cidr& b) { return a.network == b.network && a.prefix == b.prefix; };
  for (const auto& net : withoutDuplicates(networks, same_network)) {
    sqlite::Statement(*db_, "INSERT INTO user_networks (user_id, position, cidr) VALUES (?, ?, ?)")
        .bind(1, id)
        .bind(2, position++)
        .bind(3, net.toString())
        .run();
  }
}

bool UserStore::replaceHash(int64_t id, const std::string& expected, const std::string& replacement,
                            std::optional<bool> must_change) {
  sqlite::Statement st(*db_,
                       "UPDATE users SET password_hash = ?, must_change_password = COALESCE(?, must_change_password), "
                       "updated_at = ? WHERE id = ? AND password_hash = ?");
  st.bind(1, replacement);
  if (must_change)
    st.bind(2, int64_t(*must_change));
  else
    st.bindNull(2);
  st.bind(3, now()).bind(4, id).bind(5, expected).run();
  return db_->changes() == 1;
}

std::optional<User> UserStore::authenticate(std::string_view name, std::string_view password) {
  if (password.size() > kMaxPasswordLength) return std::nullopt;
  auto stored = credentials(name);
  if (!stored) {
    // Spend the time a real check takes, so that response times do not reveal user names.
    hasher_.verify(dummyHash(), password);
    return std::nullopt;
  }
  if (!hasher_.verify(stored->password_hash, password)) return std::nullopt;
  if (hasher_.needsRehash(stored->password_hash)) {
    // Made with other parameters (older settings): upgrade it now that we know the password.
    const std::string upgraded = hasher_.hash(password);
    std::lock_guard lock(mutex_);
    replaceHash(stored->id, stored->password_hash, upgraded, std::nullopt);
  }
  std::lock_guard lock(mutex_);
  return loadUser(stored->id);
}

std::optional<User> UserStore::getUser(std::string_view name) {
  if (checkUserName(name)) return std::nullopt;
  std::lock_guard lock(mutex_);
  auto id = userId(name);
  return id ? loadUser(*id) : std::nullopt;
}

std::vector<User> UserStore::listUsers() {
  std::lock_guard lock(mutex_);
  std::vector<int64_t> ids;
  {
    sqlite::Statement st(*db_, "SELECT id FROM users ORDER BY name");
    while (st.step()) ids.push_back(st.integer(0));
  }
  std::vector<User> users;
  for (int64_t id : ids)
    if (auto user = loadUser(id)) users.push_back(std::move(*user));
  return users;
}

Result<User> UserStore::addUser(const NewUser& user) {
  if (auto e = checkUserName(user.name)) return *e;
  if (auto e = checkNewPassword(user.password)) return *e;
  if (auto e = checkInterfaces(user.allowed_interfaces)) return *e;
  auto networks = parseNetworks(user.allowed_networks);
  if (!networks) return networks.error();

  const std::string hash = hasher_.hash(user.password);
  std::lock_guard lock(mutex_);
  sqlite::Transaction tx(*db_);
  if (userId(user.name)) return authError(AuthErrc::AlreadyExists, "a user named '" + user.name + "' exists");
  const int64_t t = now();
  sqlite::Statement insert(*db_,
                           "INSERT INTO users (name, password_hash, role, must_change_password, created_at, "
                           "updated_at) VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind(1, user.name)
      .bind(2, hash)
      .bind(3, roleName(user.role))
      .bind(4, int64_t(user.must_change_password))
      .bind(5, t)
      .bind(6, t)
      .run();
  const int64_t id = db_->lastInsertRowId();
  writeAllowed(id, user.allowed_interfaces, networks.value());
  tx.commit();
  return *loadUser(id);
}

Result<void> UserStore::removeUser(std::string_view name) {
  if (auto e = checkUserName(name)) return *e;
  std::lock_guard lock(mutex_);
  sqlite::Transaction tx(*db_);
  auto id = userId(name);
  if (!id) return noSuchUser(name);
  auto user = loadUser(*id);
  if (user->isAdmin() && countAdmins() <= 1)
    return authError(AuthErrc::LastAdministrator,
                     "'" + user->name + "' is the last administrator and cannot be removed");
  sqlite::Statement(*db_, "DELETE FROM users WHERE id = ?").bind(1, *id).run();
  tx.commit();
  return {};
}

Result<void> UserStore::setRole(std::string_view name, Role role) {
  if (auto e = checkUserName(name)) return *e;
  std::lock_guard lock(mutex_);
  sqlite::Transaction tx(*db_);
  auto id = userId(name);
  if (!id) return noSuchUser(name);
  auto user = loadUser(*id);
  if (user->role == role) return {};
  if (user->isAdmin() && countAdmins() <= 1)
    return authError(AuthErrc::LastAdministrator,
                     "'" + user->name + "' is the last administrator and must stay one");
  sqlite::Statement(*db_, "UPDATE users SET role = ?, updated_at = ? WHERE id = ?")
      .bind(1, roleName(role))
      .bind(2, now())
      .bind(3, *id)
      .run();
  tx.commit();
  return {};
}

Result<void> UserStore::setAllowed(std::string_view name, const std::vector<std::string>& interfaces,
                                   const std::vector<std::string>& networks) {
  if (auto e = checkUserName(name)) return *e;
  if (auto e = checkInterfaces(interfaces)) return *e;
  auto parsed = parseNetworks(networks);
  if (!parsed) return parsed.error();
  std::lock_guard lock(mutex_);
  sqlite::Transaction tx(*db_);
  auto id = userId(name);
  if (!id) return noSuchUser(name);
  writeAllowed(*id, interfaces, parsed.value());
  sqlite::Statement(*db_, "UPDATE users SET updated_at = ? WHERE id = ?").bind(1, now()).bind(2, *id).run();
  tx.commit();
  return {};
}

Result<void> UserStore::changePassword(std::string_view name, std::string_view old_password,
                                       std::string_view new_password) {
  if (auto e = checkUserName(name)) return *e;
  if (auto e = checkNewPassword(new_password)) return *e;
  if (old_password.size() > kMaxPasswordLength)
    return authError(AuthErrc::WrongPassword, "the current password is wrong");
  auto stored = credentials(name);
  if (!stored) return noSuchUser(name);
  if (!hasher_.verify(stored->password_hash, old_password))
    return authError(AuthErrc::WrongPassword, "the current password is wrong");
  if (constantTimeEquals(old_password, new_password))
    return invalid("the new password must differ from the current one");
  const std::string hash = hasher_.hash(new_password);
  std::lock_guard lock(mutex_);
  if (!replaceHash(stored->id, stored->password_hash, hash, false))
    return authError(AuthErrc::Conflict, "the password was changed meanwhile: try again");
  return {};
}

Result<void> UserStore::setPassword(std::string_view name, std::string_view new_password,
                                    bool must_change_password) {
  if (auto e = checkUserName(name)) return *e;
  if (auto e = checkNewPassword(new_password)) return *e;
  {
    std::lock_guard lock(mutex_);
    if (!userId(name)) return noSuchUser(name);
  }
  const std::string hash = hasher_.hash(new_password);
  std::lock_guard lock(mutex_);
  sqlite::Statement st(*db_,
                       "UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE name = ?");
  st.bind(1, hash).bind(2, int64_t(must_change_password)).bind(3, now()).bind(4, name).run();
  if (db_->changes() != 1) return noSuchUser(name);  // removed while we were hashing
  return {};
}

Result<NewApiToken> UserStore::createApiToken(std::string_view user, std::string_view label) {
  if (auto e = checkUserName(user)) return *e;
  if (auto e = checkLabel(label)) return *e;
  std::string token = std::string(kTokenPrefix) + randomHex(kTokenRandomBytes);
  std::lock_guard lock(mutex_);
  auto id = userId(user);
  if (!id) return noSuchUser(user);
  const int64_t t = now();
  sqlite::Statement(*db_, "INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)")
      .bind(1, *id)
      .bindBlob(2, fastHash(token))
      .bind(3, label)
      .bind(4, t)
      .run();
  NewApiToken created;
  created.info = ApiTokenInfo{db_->lastInsertRowId(), loadUser(*id)->name, std::string(label), t};
  created.token = std::move(token);
  return created;
}

Result<void> UserStore::revokeApiToken(std::string_view user, int64_t token_id) {
  if (auto e = checkUserName(user)) return *e;
  std::lock_guard lock(mutex_);
  auto id = userId(user);
  if (!id) return noSuchUser(user);
  sqlite::Statement(*db_, "DELETE FROM api_tokens WHERE id = ? AND user_id = ?").bind(1, token_id).bind(2, *id).run();
  if (db_->changes() != 1)
    return authError(AuthErrc::NotFound,
                     "user '" + std::string(user) + "' has no API token " + std::to_string(token_id));
  return {};
}

Result<std::vector<ApiTokenInfo>> UserStore::listApiTokens(std::string_view user) {
  if (auto e = checkUserName(user)) return *e;
  std::lock_guard lock(mutex_);
  sqlite::Statement st(*db_,
                       "SELECT t.id, u.name, t.label, t.created_at FROM api_tokens t JOIN users u ON u.id = t.user_id "
                       "WHERE u.name = ? ORDER BY t.id");
  st.bind(1, user);
  std::vector<ApiTokenInfo> tokens;
  while (st.step()) tokens.push_back(ApiTokenInfo{st.integer(0), st.text(1), st.text(2), st.integer(3)});
  if (tokens.empty() && !userId(user)) return noSuchUser(user);
  return tokens;
}

std::optional<User> UserStore::userForApiToken(std::string_view token) {
  if (token.size() != kTokenPrefix.size() + 2 * kTokenRandomBytes ||
      token.substr(0, kTokenPrefix.size()) != kTokenPrefix)
    return std::nullopt;
  // Looked up by hash: the index reveals nothing about the token through timing.
  const std::string hash = fastHash(token);
  std::lock_guard lock(mutex_);
  sqlite::Statement st(*db_, "SELECT user_id FROM api_tokens WHERE token_hash = ?");
  st.bindBlob(1, hash);
  if (!st.step()) return std::nullopt;
  const int64_t id = st.integer(0);
  return loadUser(id);
}

std::optional<std::string> UserStore::getPreference(std::string_view key) {
  if (checkPreferenceKey(key)) return std::nullopt;
  std::lock_guard lock(mutex_);
  sqlite::Statement st(*db_, "SELECT value FROM preferences WHERE key = ?");
  st.bind(1, key);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

Result<void> UserStore::setPreference(std::string_view key, std::string_view json_value) {
  if (auto e = checkPreferenceKey(key)) return *e;
  if (json_value.size() > kMaxPreferenceBytes)
    return invalid("the value of " + shown(key) + " is larger than " + std::to_string(kMaxPreferenceBytes) + " bytes");
  std::string why;
  if (!isValidJson(json_value, &why)) return invalid("the value of " + shown(key) + " is not JSON: " + why);
  std::lock_guard lock(mutex_);
  sqlite::Statement(*db_,
                    "INSERT INTO preferences (key, value, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
      .bind(1, key)
      .bind(2, json_value)
      .bind(3, now())
      .run();
  return {};
}

Result<void> UserStore::removePreference(std::string_view key) {
  if (auto e = checkPreferenceKey(key)) return *e;
  std::lock_guard lock(mutex_);
  sqlite::Statement(*db_, "DELETE FROM preferences WHERE key = ?").bind(1, key).run();
  if (db_->changes() != 1) return authError(AuthErrc::NotFound, "no preference " + shown(key));
  return {};
}

std::vector<std::pair<std::string, std::string>> UserStore::listPreferences() {
  std::lock_guard lock(mutex_);
  sqlite::Statement st(*db_, "SELECT key, value FROM preferences ORDER BY key");
  std::vector<std::pair<std::string, std::string>> out;
  while (st.step()) out.emplace_back(st.text(0), st.text(1));
  return out;
}

}  // namespace netlens::web
