// The DNS-name and server-name aggregations: entries by (kind, name), the hosts of each
// (bounded), eviction when full.
#include <gtest/gtest.h>

#include <string>

#include "enrich/name_aggregates.hpp"

namespace netlens::enrich {
namespace {

IpAddress v4(uint32_t x) {
  const uint8_t b[4] = {uint8_t(x >> 24), uint8_t(x >> 16), uint8_t(x >> 8), uint8_t(x)};
  return IpAddress::v4(b);
}

constexpr Micros kSecond = kMicrosPerSecond;

TEST(NameAggregates, OneEntryPerKindAndName) {
  NameAggregates aggs(8);
  const uint32_t a = aggs.findOrCreate(NameKind::DnsQuery, "www.example.org", 1 * kSecond);
  const uint32_t b = aggs.findOrCreate(NameKind::ServerName, "www.example.org", 2 * kSecond);
  const uint32_t c = aggs.findOrCreate(NameKind::DnsQuery, "www.example.org", 3 * kSecond);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, c);
  EXPECT_EQ(aggs.size(), 2u);
  EXPECT_EQ(aggs[a].first_seen, 1 * kSecond);
  EXPECT_EQ(aggs[a].last_seen, 3 * kSecond);
  EXPECT_EQ(aggs.counters().created, 2u);
}

TEST(NameAggregates, HostsAreKeptOnceAndBounded) {
  NameAggregates aggs(4);
  NameAggregate& a = aggs[aggs.findOrCreate(NameKind::ServerName, "cdn.example.net", kSecond)];
  // Every host twice, interleaved: each is kept once, up to kMaxHosts; the others are counted
  // each time they are not kept.
  const uint32_t hosts = NameAggregate::kMaxHosts + 5;
  for (int round = 0; round < 2; ++round)
    for (uint32_t h = 0; h < hosts; ++h) {
      a.noteClient(v4(0x0A000000 + h));
      a.noteServer(v4(0xC6336400 + h % 3));
    }
  ASSERT_EQ(a.clients.size(), NameAggregate::kMaxHosts);
  for (uint32_t h = 0; h < NameAggregate::kMaxHosts; ++h) EXPECT_EQ(a.clients[h], v4(0x0A000000 + h));
  EXPECT_EQ(a.hosts_not_kept, 2u * 5u);
  ASSERT_EQ(a.servers.size(), 3u);
  EXPECT_EQ(a.servers[2], v4(0xC6336402));
}

TEST(NameAggregates, TheLeastRecentlySeenUnusedEntryIsEvictedWhenFull) {
  NameAggregates aggs(3);
  const uint32_t busy = aggs.findOrCreate(NameKind::DnsQuery, "busy.example", 1 * kSecond);
  aggs[busy].active_flows = 1;  // a flow still uses it: never evicted
  aggs.findOrCreate(NameKind::DnsQuery, "old.example", 2 * kSecond);
  aggs.findOrCreate(NameKind::DnsQuery, "recent.example", 3 * kSecond);
  // Seen again in a later second: more recent than "recent.example".
  const uint32_t again = aggs.findOrCreate(NameKind::DnsQuery, "old.example", 4 * kSecond);
  aggs.findOrCreate(NameKind::DnsQuery, "new.example", 5 * kSecond);
  EXPECT_EQ(aggs.counters().evicted, 1u);
  std::vector<std::string> names;
  aggs.forEach([&](const NameAggregate& e) { names.push_back(e.key.name); });
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"busy.example", "new.example", "old.example"}));
  EXPECT_EQ(aggs[again].key.name, "old.example");
  // Full of names in use: a new name is not kept, and that is counted.
  NameAggregates full(1);
  full[full.findOrCreate(NameKind::ServerName, "a.example", kSecond)].active_flows = 1;
  EXPECT_EQ(full.findOrCreate(NameKind::ServerName, "b.example", kSecond), NameAggregates::kNone);
  EXPECT_EQ(full.counters().dropped, 1u);
}

}  // namespace
}  // namespace netlens::enrich
