#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "web/auth/session_manager.hpp"

namespace netlens::web {
namespace {

constexpr Micros kSecond = kMicrosPerSecond;
constexpr Micros kMinute = 60 * kSecond;

class SessionManagerTest : public ::testing::Test {
 protected:
  Micros now_ = 1'700'000'000 * kSecond;
  SessionManager::Clock clock() {
    return [this] { return now_; };
  }
};

TEST_F(SessionManagerTest, CreatesRandomIdsAndFindsThem) {
  SessionManager sessions({}, clock());
  auto a = sessions.create("alice");
  auto b = sessions.create("alice");
  EXPECT_EQ(a.id.size(), 64u);
  EXPECT_EQ(a.csrf_token.size(), 64u);
  EXPECT_EQ(a.id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a.id, b.id);
  EXPECT_NE(a.id, a.csrf_token);
  EXPECT_NE(a.csrf_token, b.csrf_token);

  auto found = sessions.lookup(a.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user, "alice");
  EXPECT_EQ(found->csrf_token, a.csrf_token);
  EXPECT_EQ(found->created, now_);
  EXPECT_EQ(found->expires, now_ + 30 * kMinute);
  EXPECT_FALSE(sessions.lookup(""));
  EXPECT_FALSE(sessions.lookup("nonsense"));
  EXPECT_FALSE(sessions.lookup(std::string(64, '0')));
  EXPECT_EQ(sessions.size(), 2u);
}

TEST_F(SessionManagerTest, IdleTimeoutIsRefreshedByUse) {
  SessionManager sessions({}, clock());
  auto s = sessions.create("alice");
  for (int i = 0; i < 5; ++i) {
    now_ += 29 * kMinute;
    auto found = sessions.lookup(s.id);
    ASSERT_TRUE(found) << "used within the idle timeout, round " << i;
    EXPECT_EQ(found->expires, now_ + 30 * kMinute);
  }
  now_ += 30 * kMinute;
  EXPECT_FALSE(sessions.lookup(s.id)) << "idle for 30 minutes";
  EXPECT_EQ(sessions.size(), 0u) << "an expired session found by lookup is dropped";
}

TEST_F(SessionManagerTest, AbsoluteLifetimeEndsEvenAnActiveSession) {
  SessionOptions options;
  options.idle_timeout = std::chrono::minutes(10);
  options.absolute_lifetime = std::chrono::hours(1);
  SessionManager sessions(options, clock());
  auto s = sessions.create("alice");
  const Micros login = now_;
  while (now_ + 5 * kMinute < login + 60 * kMinute) {
    now_ += 5 * kMinute;
    auto found = sessions.lookup(s.id);
    ASSERT_TRUE(found);
    EXPECT_LE(found->expires, login + 60 * kMinute);
  }
  now_ = login + 60 * kMinute;
  EXPECT_FALSE(sessions.lookup(s.id));
}

TEST_F(SessionManagerTest, CsrfTokenMustMatchItsOwnLiveSession) {
  SessionManager sessions({}, clock());
  auto a = sessions.create("alice");
  auto b = sessions.create("bob");
  EXPECT_TRUE(sessions.checkCsrf(a.id, a.csrf_token));
  EXPECT_FALSE(sessions.checkCsrf(a.id, b.csrf_token)) << "another session's token";
  EXPECT_FALSE(sessions.checkCsrf(a.id, ""));
  EXPECT_FALSE(sessions.checkCsrf(a.id, a.csrf_token.substr(0, 63)));
  std::string flipped = a.csrf_token;
  flipped[63] = flipped[63] == '0' ? '1' : '0';
  EXPECT_FALSE(sessions.checkCsrf(a.id, flipped));
  EXPECT_FALSE(sessions.checkCsrf("", a.csrf_token));
  EXPECT_FALSE(sessions.checkCsrf(b.id, a.csrf_token));
  now_ += 31 * kMinute;
  EXPECT_FALSE(sessions.checkCsrf(a.id, a.csrf_token)) << "expired";
}

TEST_F(SessionManagerTest, DestroyAndDestroyAllForUser) {
  SessionManager sessions({}, clock());
  auto a1 = sessions.create("alice");
  auto a2 = sessions.create("alice");
  auto b = sessions.create("bob");
  EXPECT_TRUE(sessions.destroy(a1.id));
  EXPECT_FALSE(sessions.destroy(a1.id));
  EXPECT_FALSE(sessions.lookup(a1.id));
  EXPECT_TRUE(sessions.lookup(a2.id));
  sessions.create("alice");
  EXPECT_EQ(sessions.destroyAllFor("alice"), 2u);
  EXPECT_FALSE(sessions.lookup(a2.id));
  EXPECT_TRUE(sessions.lookup(b.id));
  EXPECT_EQ(sessions.destroyAllFor("nobody"), 0u);
}

TEST_F(SessionManagerTest, ExpireAndBoundedSize) {
  SessionOptions options;
  options.max_sessions = 3;
  SessionManager sessions(options, clock());
  auto oldest = sessions.create("a");
  now_ += kSecond;
  auto middle = sessions.create("b");
  now_ += kSecond;
  auto newest = sessions.create("c");
  now_ += kSecond;
  ASSERT_TRUE(sessions.lookup(oldest.id));  // now the most recently used
  now_ += kSecond;
  auto extra = sessions.create("d");
  EXPECT_EQ(sessions.size(), 3u);
  EXPECT_FALSE(sessions.lookup(middle.id)) << "the least recently used goes first";
  EXPECT_TRUE(sessions.lookup(oldest.id));
  EXPECT_TRUE(sessions.lookup(newest.id));
  EXPECT_TRUE(sessions.lookup(extra.id));

  now_ += 31 * kMinute;
  EXPECT_EQ(sessions.expire(), 3u);
  EXPECT_EQ(sessions.size(), 0u);
}

TEST_F(SessionManagerTest, ConcurrentUse) {
  SessionManager sessions;
  std::vector<std::thread> threads;
  std::vector<std::vector<NewSession>> created(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto s = sessions.create("user" + std::to_string(t));
        created[size_t(t)].push_back(s);
        EXPECT_TRUE(sessions.checkCsrf(s.id, s.csrf_token));
        EXPECT_TRUE(sessions.lookup(s.id));
        if (i % 2) {
          EXPECT_TRUE(sessions.destroy(s.id));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(sessions.size(), 8u * 100u);
  std::set<std::string> ids;
  for (const auto& list : created)
    for (const auto& s : list) ids.insert(s.id);
  EXPECT_EQ(ids.size(), 8u * 200u);
}

}  // namespace
}  // namespace netlens::web
