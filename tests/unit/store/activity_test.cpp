// Host activity maps: one bit per active second, persisted per hour, read back by another
// instance, old hours removed.
#include <gtest/gtest.h>

#include <filesystem>

#include "store/activity_map.hpp"
#include "temp_dir.hpp"

namespace netlens::store {
namespace {

HostKey key(const char* ip, uint16_t vlan = 0) { return HostKey{*IpAddress::parse(ip), vlan}; }

TEST(ActivityMap, RunsOfActiveSecondsSurviveARestart) {
  testing::TempDir dir;
  const uint32_t h0 = 1'700'000'000 / 3600 * 3600;
  const HostKey a = key("192.0.2.1"), b = key("2001:db8::2", 7);
  {
    ActivityMap m(dir.str(), 24);
    // a: seconds 10-12 and 3595 of hour 0, 5 of hour 1; b: second 11 only.
    m.add(h0 + 10, {a});
    m.add(h0 + 11, {a, b});
    m.add(h0 + 12, {a});
    m.add(h0 + 3595, {a});
    m.add(h0 + 3600 + 5, {a});  // a new hour: hour 0 goes to disk
    auto now = m.query({a, b}, h0, h0 + 7200, 10);
    ASSERT_EQ(now.size(), 2u);
    EXPECT_EQ(now[0].seconds, 5u);
    m.flush();
  }
  ActivityMap m(dir.str(), 24);
  auto r = m.query({a, b}, h0, h0 + 7200, 10);
  ASSERT_EQ(r.size(), 2u);
  const std::vector<std::pair<uint32_t, uint32_t>> runs{{h0 + 10, 3}, {h0 + 3595, 1}, {h0 + 3605, 1}};
  EXPECT_EQ(r[0].runs, runs);
  EXPECT_EQ(r[0].seconds, 5u);
  EXPECT_EQ(r[1].seconds, 1u);
  EXPECT_EQ(r[1].runs.front().first, h0 + 11);
  // A range cuts the runs; all hosts (no list) come most active first.
  auto part = m.query({}, h0 + 11, h0 + 11, 10);
  ASSERT_EQ(part.size(), 2u);
  EXPECT_EQ(part[0].seconds, 1u);
  EXPECT_EQ(m.query({}, h0 + 100, h0 + 200, 10).size(), 0u);
}

TEST(ActivityMap, ARestartWithinTheHourKeepsItsEarlierSeconds) {
  testing::TempDir dir;
  const uint32_t h0 = 1'700'000'000 / 3600 * 3600;
  const HostKey a = key("192.0.2.1");
  {
    ActivityMap m(dir.str(), 24);
    m.add(h0 + 1, {a});
    m.flush();
  }
  ActivityMap m(dir.str(), 24);
  m.add(h0 + 2, {a});
  m.flush();
  ActivityMap reader(dir.str(), 24);
  const std::vector<std::pair<uint32_t, uint32_t>> runs{{h0 + 1, 2}};
  EXPECT_EQ(reader.query({a}, h0, h0 + 3599, 1)[0].runs, runs);
}

TEST(ActivityMap, HoursOlderThanTheRetentionAreRemoved) {
  testing::TempDir dir;
  const uint32_t h0 = 1'700'000'000 / 3600 * 3600;
  ActivityMap m(dir.str(), 24);
  const HostKey a = key("192.0.2.1");
  for (uint32_t h = 0; h < 30; ++h) m.add(h0 + h * 3600, {a});
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.str())) files += e.path().extension() == ".act";
  EXPECT_EQ(files, 23u);  // hours 6..28 on disk, 29 in memory: the last 24 hours
  EXPECT_EQ(m.query({a}, h0, h0 + 30 * 3600, 1)[0].seconds, 24u);
}

}  // namespace
}  // namespace netlens::store
