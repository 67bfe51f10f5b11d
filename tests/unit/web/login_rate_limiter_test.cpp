#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "web/auth/login_rate_limiter.hpp"

namespace netlens::web {
namespace {

constexpr Micros kSecond = kMicrosPerSecond;
constexpr Micros kStart = 1'700'000'000 * kSecond;

TEST(LoginRateLimiter, BlocksAfterFiveFailuresAndRecoversAfterTheWindow) {
  LoginRateLimiter limiter;  // 5 failures per 5 minutes
  Micros now = kStart;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(limiter.allow("192.0.2.1", "admin", now)) << "attempt " << i;
    limiter.recordFailure("192.0.2.1", "admin", now);
    now += 10 * kSecond;
  }
  EXPECT_FALSE(limiter.allow("192.0.2.1", "admin", now));
  // Blocked by address whatever the name, and by name whatever the address.
  EXPECT_FALSE(limiter.allow("192.0.2.1", "someone-else", now));
  EXPECT_FALSE(limiter.allow("198.51.100.7", "admin", now));
  EXPECT_FALSE(limiter.allow("198.51.100.7", "ADMIN", now)) << "names without case";
  EXPECT_TRUE(limiter.allow("198.51.100.7", "someone-else", now));
  // Until the first failure leaves the window: 5 minutes after it.
  EXPECT_EQ(limiter.retryAfter("192.0.2.1", "admin", now), kStart + 300 * kSecond - now);
  EXPECT_FALSE(limiter.allow("192.0.2.1", "admin", kStart + 300 * kSecond - 1));
  EXPECT_TRUE(limiter.allow("192.0.2.1", "admin", kStart + 300 * kSecond));
  EXPECT_EQ(limiter.retryAfter("192.0.2.1", "admin", kStart + 300 * kSecond), 0u);
  // A sliding window: one more failure right away blocks again.
  limiter.recordFailure("192.0.2.1", "admin", kStart + 300 * kSecond);
  EXPECT_FALSE(limiter.allow("192.0.2.1", "admin", kStart + 300 * kSecond));
  // Once every failure is older than the window, everything is forgotten.
  EXPECT_TRUE(limiter.allow("192.0.2.1", "admin", kStart + 700 * kSecond));
  EXPECT_EQ(limiter.trackedKeys(), 0u);
}

TEST(LoginRateLimiter, FailuresSpreadOverTimeNeverBlock) {
  LoginRateLimiter limiter;
  Micros now = kStart;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(limiter.allow("192.0.2.1", "alice", now)) << i;
    limiter.recordFailure("192.0.2.1", "alice", now);
    now += 61 * kSecond;  // under 5 per 5 minutes
  }
}

TEST(LoginRateLimiter, SuccessForgetsTheFailures) {
  LoginRateLimiter limiter;
  for (int i = 0; i < 4; ++i) limiter.recordFailure("192.0.2.1", "alice", kStart);
  limiter.recordSuccess("192.0.2.1", "alice", kStart);
  for (int i = 0; i < 4; ++i) limiter.recordFailure("192.0.2.1", "alice", kStart);
  EXPECT_TRUE(limiter.allow("192.0.2.1", "alice", kStart));
  limiter.recordFailure("192.0.2.1", "alice", kStart);
  EXPECT_FALSE(limiter.allow("192.0.2.1", "alice", kStart));
}

TEST(LoginRateLimiter, MemoryIsBoundedOldestForgottenFirst) {
  RateLimitOptions options;
  options.max_failures = 2;
  options.max_tracked_keys = 100;
  LoginRateLimiter limiter(options);
  limiter.recordFailure("victim", "", kStart);
  limiter.recordFailure("victim", "", kStart);
  EXPECT_FALSE(limiter.allow("victim", "", kStart));
  for (int i = 0; i < 1000; ++i)
    limiter.recordFailure("10.0.0." + std::to_string(i), "user" + std::to_string(i), kStart + 1);
  EXPECT_LE(limiter.trackedKeys(), 100u);
  EXPECT_TRUE(limiter.allow("victim", "", kStart + 1)) << "evicted as the least recently failed";
  // The most recent keys are kept: a second failure of the last address blocks it.
  limiter.recordFailure("10.0.0.999", "", kStart + 1);
  EXPECT_FALSE(limiter.allow("10.0.0.999", "", kStart + 1));
  EXPECT_LE(limiter.trackedKeys(), 100u);
}

TEST(LoginRateLimiter, ConcurrentFailuresAreAllCounted) {
  RateLimitOptions options;
  options.max_failures = 1000;
  LoginRateLimiter limiter(options);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 125; ++i) limiter.recordFailure("192.0.2.1", "", kStart);
    });
  for (auto& th : threads) th.join();
  EXPECT_FALSE(limiter.allow("192.0.2.1", "", kStart));
  EXPECT_EQ(limiter.trackedKeys(), 1u);
}

}  // namespace
}  // namespace netlens::web
