#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.hpp"
#include "web/auth/user_store.hpp"

namespace netlens::web {
namespace {

using testing::TempDir;

UserStoreOptions fastOptions() {
  UserStoreOptions options;
  options.hashing = PasswordHashParams::minimum();
  return options;
}

// A second, independent connection to the database file, as the sqlite3 shell would open it.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("cannot open " + file.string());
  }
  ~RawDb() { sqlite3_close(db_); }
  // Every row of the query, its columns as raw bytes.
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db_));
    std::vector<std::vector<std::string>> out;
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const void* bytes = sqlite3_column_blob(st, c);
        row.emplace_back(bytes ? static_cast<const char*>(bytes) : "", size_t(sqlite3_column_bytes(st, c)));
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    return out;
  }
  void exec(const std::string& sql) {
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_ = nullptr;
};

std::string fileBytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

NewUser viewer(std::string name, std::string password = "viewer-password") {
  NewUser user;
  user.name = std::move(name);
  user.password = std::move(password);
  user.role = Role::Viewer;
  return user;
}

NewUser admin(std::string name, std::string password = "admin-password") {
  NewUser user = viewer(std::move(name), std::move(password));
  user.role = Role::Admin;
  return user;
}

class UserStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<UserStore> open(UserStoreOptions options = fastOptions()) {
    return std::make_unique<UserStore>(dir_.path() / "data", std::move(options));
  }
  std::filesystem::path dbFile() const { return dir_.path() / "data" / "netlens.db"; }

  TempDir dir_;
};

TEST_F(UserStoreTest, FirstOpenCreatesSchemaWalAndDefaultAdmin) {
  auto store = open();
  EXPECT_EQ(store->databasePath(), dbFile());
  ASSERT_TRUE(std::filesystem::exists(dbFile()));
  struct stat st {};
  ASSERT_EQ(::stat(dbFile().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the database holds password hashes";

  RawDb raw(dbFile());
  EXPECT_EQ(raw.rows("PRAGMA journal_mode")[0][0], "wal");
  EXPECT_EQ(raw.rows("PRAGMA user_version")[0][0], std::to_string(UserStore::kSchemaVersion));

  auto users = store->listUsers();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].name, "admin");
  EXPECT_EQ(users[0].role, Role::Admin);
  EXPECT_TRUE(users[0].must_change_password);
  EXPECT_TRUE(users[0].allowed_interfaces.empty());
  EXPECT_TRUE(users[0].allowed_networks.empty());
}

TEST_F(UserStoreTest, DefaultAdminMustChangePasswordAndThenNoLonger) {
  auto store = open();
  auto user = store->authenticate("admin", "admin");
  ASSERT_TRUE(user);
  EXPECT_TRUE(user->must_change_password);

  auto too_short = store->changePassword("admin", "admin", "short");
  ASSERT_FALSE(too_short);
  EXPECT_EQ(too_short.error().code, AuthErrc::InvalidArgument);
  EXPECT_NE(too_short.error().message.find("at least 8"), std::string::npos) << too_short.error().message;

  auto wrong_old = store->changePassword("admin", "not-admin", "a much better one");
  ASSERT_FALSE(wrong_old);
  EXPECT_EQ(wrong_old.error().code, AuthErrc::WrongPassword);

  ASSERT_TRUE(store->changePassword("admin", "admin", "a much better one"));
  EXPECT_FALSE(store->authenticate("admin", "admin"));
  user = store->authenticate("admin", "a much better one");
  ASSERT_TRUE(user);
  EXPECT_FALSE(user->must_change_password);

  auto same = store->changePassword("admin", "a much better one", "a much better one");
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().code, AuthErrc::InvalidArgument);

  // Reopening does not bring the default password back.
  store.reset();
  store = open();
  EXPECT_FALSE(store->authenticate("admin", "admin"));
  EXPECT_TRUE(store->authenticate("admin", "a much better one"));
  EXPECT_EQ(store->listUsers().size(), 1u);
}

TEST_F(UserStoreTest, AuthenticateRightAndWrongPasswords) {
  auto store = open();
  ASSERT_TRUE(store->addUser(viewer("alice", "correct horse battery")));
  auto alice = store->authenticate("alice", "correct horse battery");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->role, Role::Viewer);
  EXPECT_FALSE(alice->must_change_password);
  EXPECT_FALSE(store->authenticate("alice", "correct horse batter"));
  EXPECT_FALSE(store->authenticate("alice", "Correct horse battery"));
  EXPECT_FALSE(store->authenticate("alice", ""));
  EXPECT_FALSE(store->authenticate("alice", std::string(5000, 'x')));
  EXPECT_FALSE(store->authenticate("nobody", "correct horse battery"));
  EXPECT_FALSE(store->authenticate("", "correct horse battery"));
  EXPECT_FALSE(store->authenticate("bad name:with colon", "x"));
  // Names are unique regardless of case; the stored spelling is what comes back.
  auto upper = store->authenticate("ALICE", "correct horse battery");
  ASSERT_TRUE(upper);
  EXPECT_EQ(upper->name, "alice");
}

TEST_F(UserStoreTest, HashesAreSaltedAndNeverThePassword) {
  auto store = open();
  ASSERT_TRUE(store->addUser(viewer("alice", "same password 123")));
  ASSERT_TRUE(store->addUser(viewer("bob", "same password 123")));
  RawDb raw(dbFile());
  auto rows = raw.rows("SELECT name, password_hash FROM users WHERE name IN ('alice', 'bob') ORDER BY name");
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    EXPECT_EQ(row[1].rfind("$argon2id$", 0), 0u) << row[1];
    EXPECT_EQ(row[1].find("same password 123"), std::string::npos);
    EXPECT_EQ(crypto_pwhash_str_verify(row[1].c_str(), "same password 123", 17), 0);
  }
  EXPECT_NE(rows[0][1], rows[1][1]) << "equal passwords must give different hashes (salt)";
}

TEST_F(UserStoreTest, HashesMadeWithOtherParametersAreUpgradedAtLogin) {
  {
    auto store = open();
    ASSERT_TRUE(store->addUser(viewer("alice", "upgrade me please")));
  }
  std::string before = RawDb(dbFile()).rows("SELECT password_hash FROM users WHERE name = 'alice'")[0][0];
  UserStoreOptions stronger = fastOptions();
  stronger.hashing.opslimit += 1;
  auto store = open(stronger);
  ASSERT_TRUE(store->authenticate("alice", "upgrade me please"));
  std::string after = RawDb(dbFile()).rows("SELECT password_hash FROM users WHERE name = 'alice'")[0][0];
  EXPECT_NE(before, after);
  EXPECT_NE(after.find("t=" + std::to_string(stronger.hashing.opslimit)), std::string::npos) << after;
  EXPECT_TRUE(store->authenticate("alice", "upgrade me please"));
}

TEST_F(UserStoreTest, RolesAndLastAdministratorProtection) {
  auto store = open();
  auto last = store->removeUser("admin");
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().code, AuthErrc::LastAdministrator);
  auto demote = store->setRole("admin", Role::Viewer);
  ASSERT_FALSE(demote);
  EXPECT_EQ(demote.error().code, AuthErrc::LastAdministrator);
  EXPECT_EQ(store->getUser("admin")->role, Role::Admin);

  ASSERT_TRUE(store->addUser(viewer("vera")));
  ASSERT_TRUE(store->setRole("vera", Role::Admin));
  EXPECT_EQ(store->getUser("vera")->role, Role::Admin);
  // Two administrators now: either may go, but not both.
  ASSERT_TRUE(store->setRole("admin", Role::Viewer));
  EXPECT_EQ(store->getUser("admin")->role, Role::Viewer);
  EXPECT_FALSE(store->setRole("vera", Role::Viewer));
  EXPECT_TRUE(store->setRole("vera", Role::Admin)) << "no change is fine";
  ASSERT_TRUE(store->removeUser("admin"));
  EXPECT_FALSE(store->getUser("admin"));
  EXPECT_EQ(store->removeUser("vera").error().code, AuthErrc::LastAdministrator);
  EXPECT_EQ(store->removeUser("admin").error().code, AuthErrc::NotFound);
  EXPECT_EQ(store->setRole("ghost", Role::Admin).error().code, AuthErrc::NotFound);

  // No user left would recreate admin/admin; with vera present, reopening must not.
  store.reset();
  store = open();
  EXPECT_FALSE(store->getUser("admin"));
}

TEST_F(UserStoreTest, AllowedInterfacesAndNetworksAreStoredAndFilter) {
  int64_t clock = 1'700'000'000;
  UserStoreOptions options = fastOptions();
  options.clock_unix = [&] { return clock; };
  auto store = open(options);
  NewUser nu = viewer("lan-only");
  nu.allowed_interfaces = {"eth1", "eth1", "/captures/office.pcap"};
  nu.allowed_networks = {"192.168.1.9/24", "fd00::/8"};
  auto added = store->addUser(nu);
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_EQ(added->created_unix, clock);
  EXPECT_EQ(added->allowed_interfaces, (std::vector<std::string>{"eth1", "/captures/office.pcap"}));
  ASSERT_EQ(added->allowed_networks.size(), 2u);
  EXPECT_EQ(added->allowed_networks[0].toString(), "192.168.1.0/24");

  auto user = store->authenticate("lan-only", "viewer-password");
  ASSERT_TRUE(user);
  EXPECT_TRUE(user->canSeeInterface("eth1"));
  EXPECT_TRUE(user->canSeeInterface("/captures/office.pcap"));
  EXPECT_FALSE(user->canSeeInterface("eth0"));
  EXPECT_TRUE(user->canSeeAddress(*IpAddress::parse("192.168.1.200")));
  EXPECT_TRUE(user->canSeeAddress(*IpAddress::parse("fd00::1")));
  EXPECT_FALSE(user->canSeeAddress(*IpAddress::parse("10.0.0.1")));

  clock += 60;
  ASSERT_TRUE(store->setAllowed("lan-only", {"eth0"}, {"10.0.0.0/8"}));
  user = store->getUser("lan-only");
  EXPECT_EQ(user->updated_unix, clock);
  EXPECT_EQ(user->created_unix, clock - 60);
  EXPECT_TRUE(user->canSeeInterface("eth0"));
  EXPECT_FALSE(user->canSeeInterface("eth1"));
  EXPECT_TRUE(user->canSeeAddress(*IpAddress::parse("10.1.2.3")));
  EXPECT_FALSE(user->canSeeAddress(*IpAddress::parse("192.168.1.200")));

  ASSERT_TRUE(store->setAllowed("lan-only", {}, {}));
  user = store->getUser("lan-only");
  EXPECT_TRUE(user->canSeeInterface("anything"));
  EXPECT_TRUE(user->canSeeAddress(*IpAddress::parse("8.8.8.8")));

  auto bad = store->setAllowed("lan-only", {"eth0"}, {"10.0.0.0/8", "10.0.0.0/33"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, AuthErrc::InvalidArgument);
  EXPECT_NE(bad.error().message.find("'10.0.0.0/33' is not a network"), std::string::npos) << bad.error().message;
  EXPECT_TRUE(store->getUser("lan-only")->allowed_interfaces.empty()) << "a refused change changes nothing";
  EXPECT_FALSE(store->setAllowed("lan-only", {""}, {}));
  EXPECT_FALSE(store->setAllowed("lan-only", {"eth\n0"}, {}));
  EXPECT_EQ(store->setAllowed("ghost", {}, {}).error().code, AuthErrc::NotFound);
}

TEST_F(UserStoreTest, BadInputIsRefusedWithAMessage) {
  auto store = open();
  struct Case {
    NewUser user;
    const char* expected;
  };
  NewUser bad_net = viewer("netty");
  bad_net.allowed_networks = {"192.168.1.0/24", "not-a-network"};
  NewUser empty_iface = viewer("iffy");
  empty_iface.allowed_interfaces = {""};
  std::vector<Case> cases = {
      {viewer(""), "empty"},
      {viewer("has space"), "may only have"},
      {viewer("colon:name"), "may only have"},
      {viewer(std::string(65, 'a')), "longer than 64"},
      {viewer("shorty", "1234567"), "at least 8"},
      {viewer("huge", std::string(2000, 'p')), "longer than 1024"},
      {bad_net, "'not-a-network' is not a network in CIDR notation"},
      {empty_iface, "interface name is empty"},
  };
  for (const auto& c : cases) {
    auto result = store->addUser(c.user);
    ASSERT_FALSE(result) << c.user.name;
    EXPECT_EQ(result.error().code, AuthErrc::InvalidArgument);
    EXPECT_NE(result.error().message.find(c.expected), std::string::npos) << result.error().message;
  }
  EXPECT_EQ(store->listUsers().size(), 1u) << "nothing refused was stored";

  ASSERT_TRUE(store->addUser(viewer("dup")));
  auto dup = store->addUser(viewer("DUP"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, AuthErrc::AlreadyExists);
  EXPECT_EQ(store->removeUser("").error().code, AuthErrc::InvalidArgument);
  EXPECT_EQ(store->setPassword("dup", "short").error().code, AuthErrc::InvalidArgument);
  EXPECT_EQ(store->setPassword("ghost", "long enough!").error().code, AuthErrc::NotFound);
  EXPECT_EQ(store->changePassword("ghost", "whatever", "long enough!").error().code, AuthErrc::NotFound);
  EXPECT_EQ(store->createApiToken("dup", "").error().code, AuthErrc::InvalidArgument);
  EXPECT_EQ(store->createApiToken("ghost", "label").error().code, AuthErrc::NotFound);
  EXPECT_EQ(store->setPreference("", "1").error().code, AuthErrc::InvalidArgument);
  EXPECT_EQ(store->setPreference("bad key", "1").error().code, AuthErrc::InvalidArgument);
  auto not_json = store->setPreference("ui.theme", "dark");
  ASSERT_FALSE(not_json);
  EXPECT_NE(not_json.error().message.find("not JSON"), std::string::npos) << not_json.error().message;
  EXPECT_FALSE(store->setPreference("big", "\"" + std::string(UserStore::kMaxPreferenceBytes, 'x') + "\""));
  EXPECT_FALSE(store->getPreference("ui.theme"));

  // A refused Result says so instead of handing out a value that is not there.
  EXPECT_THROW((void)store->addUser(viewer("")).value(), std::logic_error);
}

TEST_F(UserStoreTest, AdministratorPasswordResetForcesAChange) {
  auto store = open();
  ASSERT_TRUE(store->addUser(viewer("alice", "first password")));
  ASSERT_TRUE(store->setPassword("alice", "temporary password"));
  EXPECT_FALSE(store->authenticate("alice", "first password"));
  auto alice = store->authenticate("alice", "temporary password");
  ASSERT_TRUE(alice);
  EXPECT_TRUE(alice->must_change_password);
  ASSERT_TRUE(store->changePassword("alice", "temporary password", "my own password"));
  EXPECT_FALSE(store->getUser("alice")->must_change_password);
  ASSERT_TRUE(store->setPassword("alice", "no change needed", false));
  EXPECT_FALSE(store->authenticate("alice", "no change needed")->must_change_password);
}

TEST_F(UserStoreTest, ApiTokensAreStoredOnlyAsHashes) {
  auto store = open();
  ASSERT_TRUE(store->addUser(viewer("robot")));
  auto created = store->createApiToken("robot", "grafana");
  ASSERT_TRUE(created) << created.error().message;
  const std::string token = created->token;
  EXPECT_EQ(token.size(), 4u + 64u);
  EXPECT_EQ(token.rfind("nlt_", 0), 0u);
  EXPECT_EQ(created->info.label, "grafana");
  EXPECT_EQ(created->info.user, "robot");

  auto user = store->userForApiToken(token);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->name, "robot");
  auto second = store->createApiToken("robot", "backup");
  ASSERT_TRUE(second);
  EXPECT_NE(second->token, token);

  // The database holds the BLAKE2b hash, never the token: neither in any column nor anywhere
  // in the files (main database and write-ahead log).
  RawDb raw(dbFile());
  auto rows = raw.rows("SELECT token_hash, label FROM api_tokens ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  unsigned char expected[crypto_generichash_BYTES];
  crypto_generichash(expected, sizeof expected, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     nullptr, 0);
  EXPECT_EQ(rows[0][0], std::string(reinterpret_cast<const char*>(expected), sizeof expected));
  const std::string secret_hex = token.substr(4);
  for (const char* table : {"users", "user_interfaces", "user_networks", "api_tokens", "preferences"})
    for (const auto& row : raw.rows(std::string("SELECT * FROM ") + table))
      for (const auto& column : row) EXPECT_EQ(column.find(secret_hex), std::string::npos) << table;
  for (const char* suffix : {"", "-wal"}) {
    auto file = dbFile();
    file += suffix;
    if (std::filesystem::exists(file)) {
      EXPECT_EQ(fileBytes(file).find(secret_hex), std::string::npos) << file;
    }
  }

  auto listed = store->listApiTokens("robot");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].label, "grafana");
  EXPECT_EQ((*listed)[0].id, created->info.id);

  // Revocation: only by the owner, then the token no longer works, the other one still does.
  ASSERT_TRUE(store->addUser(viewer("mallory")));
  EXPECT_EQ(store->revokeApiToken("mallory", created->info.id).error().code, AuthErrc::NotFound);
  EXPECT_TRUE(store->userForApiToken(token));
  ASSERT_TRUE(store->revokeApiToken("robot", created->info.id));
  EXPECT_FALSE(store->userForApiToken(token));
  EXPECT_TRUE(store->userForApiToken(second->token));
  EXPECT_EQ(store->revokeApiToken("robot", created->info.id).error().code, AuthErrc::NotFound);
  EXPECT_EQ(store->listApiTokens("robot")->size(), 1u);
  EXPECT_TRUE(store->listApiTokens("mallory")->empty());
  EXPECT_EQ(store->listApiTokens("ghost").error().code, AuthErrc::NotFound);

  // Malformed or unknown tokens.
  EXPECT_FALSE(store->userForApiToken(""));
  EXPECT_FALSE(store->userForApiToken("nlt_"));
  std::string altered = second->token;
  altered.back() = altered.back() == '0' ? '1' : '0';
  EXPECT_FALSE(store->userForApiToken(altered));
  EXPECT_FALSE(store->userForApiToken("xyz_" + second->token.substr(4)));

  // Removing the user removes their tokens.
  ASSERT_TRUE(store->removeUser("robot"));
  EXPECT_FALSE(store->userForApiToken(second->token));
  EXPECT_TRUE(RawDb(dbFile()).rows("SELECT * FROM api_tokens").empty());
}

TEST_F(UserStoreTest, PreferencesSurviveReopening) {
  {
    auto store = open();
    ASSERT_TRUE(store->setPreference("ui.theme", "\"dark\""));
    ASSERT_TRUE(store->setPreference("alerts.thresholds", "{\"bytes\": 1000000, \"flows\": [1, 2]}"));
    ASSERT_TRUE(store->setPreference("ui.refresh_seconds", "5"));
    ASSERT_TRUE(store->setPreference("ui.refresh_seconds", "10"));
    ASSERT_TRUE(store->setPreference("temp", "null"));
    ASSERT_TRUE(store->removePreference("temp"));
    EXPECT_EQ(store->removePreference("temp").error().code, AuthErrc::NotFound);
  }
  auto store = open();
  EXPECT_EQ(store->getPreference("ui.theme"), "\"dark\"");
  EXPECT_EQ(store->getPreference("ui.refresh_seconds"), "10");
  EXPECT_FALSE(store->getPreference("temp"));
  EXPECT_FALSE(store->getPreference("missing"));
  auto all = store->listPreferences();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].first, "alerts.thresholds");
  EXPECT_EQ(all[0].second, "{\"bytes\": 1000000, \"flows\": [1, 2]}");
  EXPECT_EQ(all[2].first, "ui.theme");
}

TEST_F(UserStoreTest, RefusesDatabasesItCannotUse) {
  { auto store = open(); }
  RawDb(dbFile()).exec("PRAGMA user_version = 99");
  try {
    open();
    FAIL() << "a newer schema must be refused";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(dbFile().string()), std::string::npos) << e.what();
  }

  TempDir other;
  std::filesystem::create_directories(other.path() / "data");
  std::ofstream(other.path() / "data" / "netlens.db") << "this is not a database, just some text that is long enough"
                                                       << std::string(200, '.');
  EXPECT_THROW(UserStore(other.path() / "data", fastOptions()), StorageError);
  EXPECT_THROW(UserStore("", fastOptions()), std::invalid_argument);
}

TEST_F(UserStoreTest, ConcurrentUseKeepsEverythingConsistent) {
  auto store = open();
  constexpr int kThreads = 8;
  constexpr int kUsersPerThread = 6;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  std::vector<std::vector<std::string>> tokens(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kUsersPerThread; ++i) {
        const std::string name = "user" + std::to_string(t) + "-" + std::to_string(i);
        const std::string password = "password-" + name;
        NewUser nu = viewer(name, password);
        nu.allowed_networks = {"10." + std::to_string(t) + ".0.0/16"};
        if (!store->addUser(nu)) ++failures;
        if (!store->authenticate(name, password)) ++failures;
        if (!store->changePassword(name, password, password + "-new")) ++failures;
        auto token = store->createApiToken(name, "t");
        if (token)
          tokens[t].push_back(token->token);
        else
          ++failures;
        if (!store->setPreference("thread" + std::to_string(t) + "." + std::to_string(i), std::to_string(i)))
          ++failures;
        if (!store->setPreference("shared.counter", std::to_string(t))) ++failures;
        // Readers interleaved with the writers.
        if (store->listUsers().empty()) ++failures;
        if (store->authenticate("admin", "wrong password")) ++failures;
        if (i % 2 == 0 && !store->setRole(name, Role::Admin)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);

  store.reset();
  store = open();
  auto users = store->listUsers();
  EXPECT_EQ(users.size(), size_t(1 + kThreads * kUsersPerThread));
  std::set<std::string> names;
  for (const auto& u : users) names.insert(u.name);
  EXPECT_EQ(names.size(), users.size());
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kUsersPerThread; ++i) {
      const std::string name = "user" + std::to_string(t) + "-" + std::to_string(i);
      auto user = store->authenticate(name, "password-" + name + "-new");
      ASSERT_TRUE(user) << name;
      EXPECT_EQ(user->role, i % 2 == 0 ? Role::Admin : Role::Viewer) << name;
      ASSERT_EQ(user->allowed_networks.size(), 1u);
      EXPECT_EQ(user->allowed_networks[0].toString(), "10." + std::to_string(t) + ".0.0/16");
      auto by_token = store->userForApiToken(tokens[t][size_t(i)]);
      ASSERT_TRUE(by_token);
      EXPECT_EQ(by_token->name, name);
      EXPECT_EQ(store->getPreference("thread" + std::to_string(t) + "." + std::to_string(i)), std::to_string(i));
    }
  }
  EXPECT_EQ(store->listPreferences().size(), size_t(kThreads * kUsersPerThread + 1));
  RawDb raw(dbFile());
  EXPECT_EQ(raw.rows("PRAGMA integrity_check")[0][0], "ok");
}


TEST_F(UserStoreTest, ConcurrentRemovalsNeverLeaveNoAdministrator) {
  auto store = open();
  constexpr int kAdmins = 6;
  for (int i = 1; i < kAdmins; ++i) ASSERT_TRUE(store->addUser(admin("admin" + std::to_string(i))));
  std::vector<std::string> names = {"admin"};
  for (int i = 1; i < kAdmins; ++i) names.push_back("admin" + std::to_string(i));
  std::atomic<int> removed{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kAdmins; ++i) {
    threads.emplace_back([&, i] {
      // Half remove, half demote: both must respect the last administrator.
      auto result = i % 2 ? store->removeUser(names[size_t(i)]) : store->setRole(names[size_t(i)], Role::Viewer);
      if (result)
        ++removed;
      else if (result.error().code == AuthErrc::LastAdministrator)
        ++refused;
      else
        ++other;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(removed.load(), kAdmins - 1);
  EXPECT_EQ(refused.load(), 1);
  EXPECT_EQ(other.load(), 0);
  int admins = 0;
  for (const auto& u : store->listUsers()) admins += u.isAdmin();
  EXPECT_EQ(admins, 1);
}

}  // namespace
}  // namespace netlens::web
