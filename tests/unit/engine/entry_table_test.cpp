// EntryTable: the bounded table behind flows, hosts and the name tables; here its index, which
// grows with the entries.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "engine/entry_table.hpp"

namespace netlens {
namespace {

struct TestKey {
  uint64_t v = 0;
  uint64_t hash() const { return v * 0x9E3779B97F4A7C15ULL ^ (v >> 7); }
  bool operator==(const TestKey& o) const { return v == o.v; }
};
// Keys whose hashes share their low 20 bits: long probe runs, across growth and deletion.
struct CollidingKey {
  uint64_t v = 0;
  uint64_t hash() const { return (v << 20) | 0x5A5A5; }
  bool operator==(const CollidingKey& o) const { return v == o.v; }
};
template <typename K>
struct TestEntry {
  K key;
  TableLinks links;
  uint64_t payload = 0;
};

template <typename K>
void growsAndKeepsEveryEntry(uint32_t bound, uint32_t n) {
  EntryTable<TestEntry<K>, K, 1> t(bound);
  const size_t initial = t.indexSlots();
  std::vector<uint32_t> idx(n);
  for (uint32_t i = 0; i < n; ++i) {
    const K k{i + 1};
    ASSERT_EQ(t.find(k, k.hash()), t.kNone);
    idx[i] = t.insert(k, k.hash(), 0);
    ASSERT_NE(idx[i], t.kNone);
    t[idx[i]].payload = i;
    ASSERT_LE(uint64_t(t.size()) * 2, t.indexSlots()) << "at most half full";
  }
  EXPECT_GT(t.indexSlots(), initial);
  for (uint32_t i = 0; i < n; ++i) {
    const K k{i + 1};
    ASSERT_EQ(t.find(k, k.hash()), idx[i]) << i;
  }
  // Every other entry erased: the others are still found, the erased ones not.
  for (uint32_t i = 0; i < n; i += 2) t.erase(idx[i], K{i + 1}.hash());
  for (uint32_t i = 0; i < n; ++i) {
    const K k{i + 1};
    EXPECT_EQ(t.find(k, k.hash()), i % 2 ? idx[i] : t.kNone) << i;
    if (i % 2) {
      EXPECT_EQ(t[idx[i]].payload, i);
    }
  }
  EXPECT_EQ(t.size(), n / 2);
}

TEST(EntryTable, IndexGrowsWithTheEntriesAndFindsEveryOne) { growsAndKeepsEveryEntry<TestKey>(1'000'000, 20'000); }

TEST(EntryTable, CollidingHashesSurviveGrowthAndDeletion) { growsAndKeepsEveryEntry<CollidingKey>(10'000, 3'000); }

// A key that counts how often its hash is computed.
struct CountingKey {
  static inline uint64_t hashes = 0;
  uint64_t v = 0;
  uint64_t hash() const {
    ++hashes;
    return v * 0x9E3779B97F4A7C15ULL;
  }
  bool operator==(const CountingKey& o) const { return v == o.v; }
};

TEST(EntryTable, GrowingAndDeletingNeverRehashKeys) {
  // Every slot keeps its hash's low 32 bits: the index is rebuilt and holes are closed from
  // them, without reading an entry (a cache miss each) to hash its key again.
  constexpr uint32_t n = 50'000;
  std::vector<uint64_t> hashes(n);
  for (uint32_t i = 0; i < n; ++i) hashes[i] = CountingKey{i + 1}.hash();
  EntryTable<TestEntry<CountingKey>, CountingKey, 1> t(1'000'000);
  std::vector<uint32_t> idx(n);
  CountingKey::hashes = 0;
  for (uint32_t i = 0; i < n; ++i) idx[i] = t.insert(CountingKey{i + 1}, hashes[i], 0);
  for (uint32_t i = 0; i < n; i += 3) t.erase(idx[i], hashes[i]);
  EXPECT_EQ(CountingKey::hashes, 0u);
  EXPECT_GE(t.indexSlots(), size_t(2) * n);
  for (uint32_t i = 0; i < n; ++i) ASSERT_EQ(t.find(CountingKey{i + 1}, hashes[i]), i % 3 ? idx[i] : t.kNone) << i;
}

TEST(EntryTable, TheIndexStopsGrowingAtTheBound) {
  const uint32_t bound = 5000;
  EntryTable<TestEntry<TestKey>, TestKey, 1> t(bound);
  EXPECT_EQ(t.indexSlots(), 1024u) << "a new table's index is small";
  for (uint32_t i = 0; i < bound; ++i) ASSERT_NE(t.insert(TestKey{i + 1}, TestKey{i + 1}.hash(), 0), t.kNone);
  EXPECT_TRUE(t.full());
  EXPECT_EQ(t.insert(TestKey{bound + 1}, TestKey{bound + 1}.hash(), 0), t.kNone);
  EXPECT_EQ(t.indexSlots(), 16384u);  // the smallest power of two of at least twice the bound
  for (uint32_t i = 0; i < bound; ++i) ASSERT_NE(t.find(TestKey{i + 1}, TestKey{i + 1}.hash()), t.kNone);
}

}  // namespace
}  // namespace netlens
