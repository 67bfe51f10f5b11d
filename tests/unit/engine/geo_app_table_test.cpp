// The applications of AS and country entities (GeoAppTable): every credit lands on its
// (entity, application) counter through growth of the table, each entity lists exactly its
// own applications, and a renumbering of application ids merges what becomes one.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "engine/geo_aggregates.hpp"

namespace netlens {
namespace {

using Reference = std::map<std::tuple<int, uint32_t, uint16_t>, TrafficCounter>;

std::map<uint16_t, uint64_t> listed(const GeoAppTable& t, GeoKind kind, uint32_t entity) {
  std::map<uint16_t, uint64_t> out;
  for (const auto& [app, c] : t.list(kind, entity)) {
    EXPECT_EQ(out.count(app), 0u) << "application " << app << " listed twice";
    out[app] = c.bytes;
  }
  return out;
}

// (kind, entity) -> application -> bytes
std::map<std::pair<int, uint32_t>, std::map<uint16_t, uint64_t>> byEntity(const Reference& ref) {
  std::map<std::pair<int, uint32_t>, std::map<uint16_t, uint64_t>> out;
  for (const auto& [k, c] : ref) out[{std::get<0>(k), std::get<1>(k)}][std::get<2>(k)] += c.bytes;
  return out;
}

TEST(GeoAppTable, CreditsSurviveGrowthAndEachEntityListsItsOwn) {
  GeoAppTable t;
  Reference ref;
  uint32_t seed = 7;
  auto next = [&] { return seed = seed * 1103515245u + 12345u; };
  // 3,000 ASes and 200 countries, with skewed application ids: the table grows several times.
  for (int i = 0; i < 60000; ++i) {
    const uint16_t app = uint16_t((next() >> 8) % 300);
    const uint32_t as1 = (next() >> 8) % 3000, as2 = (next() >> 8) % 3000;
    const uint32_t c1 = (next() >> 8) % 200;
    GeoAppTable::Credit credits[3];
    size_t n = 0;
    credits[n++] = {GeoKind::As, as1};
    if (as2 != as1) credits[n++] = {GeoKind::As, as2};
    credits[n++] = {GeoKind::Country, c1};
    const TrafficCounter c{1, uint64_t(60 + i % 1400)};
    t.add(credits, n, app, c);
    for (size_t k = 0; k < n; ++k) ref[{int(credits[k].kind), credits[k].entity, app}].add(c);
  }
  EXPECT_EQ(t.size(), ref.size());
  auto want = byEntity(ref);
  for (uint32_t as = 0; as < 3000; as += 37) EXPECT_EQ(listed(t, GeoKind::As, as), (want[{int(GeoKind::As), as}])) << "AS entity " << as;
  for (uint32_t c = 0; c < 200; ++c) EXPECT_EQ(listed(t, GeoKind::Country, c), (want[{int(GeoKind::Country), c}])) << "country " << c;
  // An AS entity and a country entity of the same index are different entities.
  EXPECT_NE(listed(t, GeoKind::As, 5), listed(t, GeoKind::Country, 5));
  EXPECT_TRUE(t.list(GeoKind::Country, 100000).empty());
}

TEST(GeoAppTable, RenumberedApplicationsMerge) {
  GeoAppTable t;
  const GeoAppTable::Credit as{GeoKind::As, 3};
  const GeoAppTable::Credit country{GeoKind::Country, 0};
  t.add(&as, 1, 10, {1, 100});
  t.add(&as, 1, 11, {2, 200});
  t.add(&as, 1, 12, {4, 400});
  t.add(&country, 1, 11, {8, 800});
  // 11 becomes 10; 12 becomes 20.
  t.remapApps([](uint16_t id) -> uint16_t { return id == 11 ? 10 : id == 12 ? 20 : id; });
  EXPECT_EQ(listed(t, GeoKind::As, 3), (std::map<uint16_t, uint64_t>{{10, 300}, {20, 400}}));
  EXPECT_EQ(listed(t, GeoKind::Country, 0), (std::map<uint16_t, uint64_t>{{10, 800}}));
  EXPECT_EQ(t.size(), 3u);
  // Credits after the renumbering reach the merged counters.
  t.add(&as, 1, 10, {1, 1});
  EXPECT_EQ(listed(t, GeoKind::As, 3)[10], 301u);
}

}  // namespace
}  // namespace netlens
