#pragma once
// UserStore: netlens's users, API tokens and preferences in one SQLite file,
// <data_dir>/netlens.db (WAL mode, schema versioned with PRAGMA user_version, created on first
// open with the default user admin/admin who must change the password at first login).
//
// Passwords are stored only as libsodium crypto_pwhash_str hashes; API tokens only as a
// BLAKE2b hash (a token is 32 random bytes, shown once at creation). Thread-safe: one mutex
// guards the connection, and the slow password hashing runs outside it.
//
// Expected refusals (bad input, unknown user, last administrator, wrong password) come back as
// Result errors with a message for the user; database failures are thrown as StorageError, and
// a database that cannot be opened or has an unknown schema makes the constructor throw.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "web/auth/password_hasher.hpp"
#include "web/auth/result.hpp"
#include "web/auth/user.hpp"

namespace netlens::web {

namespace sqlite {
class Database;
}

struct UserStoreOptions {
  PasswordHashParams hashing = PasswordHashParams::interactive();
  unsigned max_concurrent_hashes = 4;  // each hash holds hashing.memlimit bytes while it runs
  std::function<int64_t()> clock_unix;  // seconds since the epoch; empty: the system clock
};

struct NewUser {
  std::string name;
  std::string password;
  Role role = Role::Viewer;
  bool must_change_password = false;
  std::vector<std::string> allowed_interfaces;  // empty: all
  std::vector<std::string> allowed_networks;    // CIDR texts; empty: all
};

struct ApiTokenInfo {
  int64_t id = 0;
  std::string user;
  std::string label;
  int64_t created_unix = 0;
};

struct NewApiToken {
  ApiTokenInfo info;
  std::string token;  // the only time the secret is available: it is not stored
};

class UserStore {
 public:
  static constexpr const char* kFileName = "netlens.db";
  static constexpr int kSchemaVersion = 1;
  static constexpr size_t kMinPasswordLength = 8;
  static constexpr size_t kMaxPasswordLength = 1024;
  static constexpr size_t kMaxNameLength = 64;
  static constexpr size_t kMaxPreferenceBytes = 64 * 1024;

  // Creates data_dir (0700) when missing and the database file (0600) when new.
  explicit UserStore(const std::filesystem::path& data_dir, UserStoreOptions options = {});
  ~UserStore();
  UserStore(const UserStore&) = delete;
  UserStore& operator=(const UserStore&) = delete;

  const std::filesystem::path& databasePath() const { return db_path_; }

  // The user when the password is theirs; nullopt otherwise (unknown names take as long as
  // wrong passwords). Rate limiting is the caller's (LoginRateLimiter).
  std::optional<User> authenticate(std::string_view name, std::string_view password);

  std::optional<User> getUser(std::string_view name);
  std::vector<User> listUsers();  // by name

  // Names: 1-64 characters among letters, digits and . _ - @ (no ':' for HTTP Basic);
  // unique regardless of case. Passwords: 8-1024 bytes.
  Result<User> addUser(const NewUser& user);
  // Refused for the last administrator. Also removes the user's API tokens; the caller ends
  // their sessions (SessionManager::destroyAllFor).
  Result<void> removeUser(std::string_view name);
  // Refused when it would demote the last administrator.
  Result<void> setRole(std::string_view name, Role role);
  // Replaces both lists (empty lists: no restriction). Networks are CIDR texts.
  Result<void> setAllowed(std::string_view name, const std::vector<std::string>& interfaces,
                          const std::vector<std::string>& networks);
  // The user's own change: checks the current password, wants a new one of 8 bytes or more that
  // differs from it, and clears must_change_password.
  Result<void> changePassword(std::string_view name, std::string_view old_password,
                              std::string_view new_password);
  // An administrator's reset; by default the user must change it at next login.
  Result<void> setPassword(std::string_view name, std::string_view new_password,
                           bool must_change_password = true);

  // A new token for the user ("nlt_" + 64 hex digits); the label says what it is for (1-128
  // characters).
  Result<NewApiToken> createApiToken(std::string_view user, std::string_view label);
  // Only the owner's tokens: another user's id is NotFound.
  Result<void> revokeApiToken(std::string_view user, int64_t token_id);
  Result<std::vector<ApiTokenInfo>> listApiTokens(std::string_view user);
  std::optional<User> userForApiToken(std::string_view token);

  // Preferences: key (1-128 characters among letters, digits and . _ -) -> one JSON value.
  std::optional<std::string> getPreference(std::string_view key);
  Result<void> setPreference(std::string_view key, std::string_view json_value);
  Result<void> removePreference(std::string_view key);
  std::vector<std::pair<std::string, std::string>> listPreferences();  // by key

 private:
  struct StoredCredentials {
    int64_t id;
    std::string name;
    std::string password_hash;
  };

  int64_t now() const;
  void migrate();
  void createDefaultAdminIfEmpty();
  std::optional<StoredCredentials> credentials(std::string_view name);
  std::optional<User> loadUser(int64_t id);
  std::optional<int64_t> userId(std::string_view name);
  int64_t countAdmins();
  void writeAllowed(int64_t id, const std::vector<std::string>& interfaces, const std::vector<Cidr>& networks);
  // Replaces the hash only if it is still `expected` (a concurrent change wins, we report it).
  bool replaceHash(int64_t id, const std::string& expected, const std::string& replacement,
                   std::optional<bool> must_change);
  const std::string& dummyHash();

  std::filesystem::path db_path_;
  UserStoreOptions options_;
  PasswordHasher hasher_;
  std::mutex mutex_;  // guards db_
  std::unique_ptr<sqlite::Database> db_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace netlens::web
