#pragma once
// EntryTable: the one bounded table behind flows and hosts.
//
// * Entries live in fixed chunks, so their addresses and indexes never move; an index (32 bits)
//   is how flows point at hosts and how lists link entries.
// * A flat open-addressing index (linear probing, backward-shift deletion) maps keys to entries;
//   a lookup usually touches one cache line of the index and the entry itself. The index grows
//   with the table (at most half full), so that a table far below its bound has an index that
//   stays in cache: sized for the bound from the start, it was 16 MB for a million entries, and
//   every lookup of a few thousand flows or names missed the cache.
// * Every entry sits in one of kLists intrusive recency lists (least recently used first), which
//   is what idle expiry and eviction walk: they start at the oldest entry and stop early.
// * The table never grows past max_entries: insert() reports "full" and the caller decides to
//   evict or drop, and counts it.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

namespace netlens {

struct TableLinks {
  uint32_t prev = UINT32_MAX;
  uint32_t next = UINT32_MAX;
  uint8_t list = 0;
  bool in_use = false;
};

template <typename Entry, typename Key, unsigned kLists>
class EntryTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  explicit EntryTable(uint32_t max_entries) : max_(max_entries) {
    max_slots_ = kMinSlots;
    while (max_slots_ < uint64_t(max_entries) * 2) max_slots_ <<= 1;
    max_slots_ = std::min<uint64_t>(max_slots_, uint64_t(1) << 32);  // what a 32-bit tag places
    slots_.assign(kMinSlots, Slot{});
    mask_ = kMinSlots - 1;
    for (auto& l : lists_) l = ListEnds{};
  }

  uint32_t size() const { return size_; }
  uint32_t maxEntries() const { return max_; }
  // One past the highest index ever used: every entry index is below it.
  uint32_t highWater() const { return high_water_; }
  bool inUse(uint32_t idx) const { return idx < high_water_ && (*this)[idx].links.in_use; }
  bool full() const { return size_ >= max_; }
  size_t indexSlots() const { return slots_.size(); }

  Entry& operator[](uint32_t idx) { return chunks_[idx >> kChunkBits][idx & kChunkMask]; }
  const Entry& operator[](uint32_t idx) const { return chunks_[idx >> kChunkBits][idx & kChunkMask]; }

  // Fetches the index slot where a lookup of `hash` starts into the cache (batched lookups).
  void prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[hash & mask_]); }

  uint32_t find(const Key& key, uint64_t hash) const {
    const uint32_t tag = uint32_t(hash);
    for (uint64_t s = hash & mask_;; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.idx == kNone) return kNone;
      if (slot.tag == tag && (*this)[slot.idx].key == key) return slot.idx;
    }
  }

  // find() by anything an entry's key compares equal to (e.g. a view of a string key), so that
  // a lookup does not have to build a key.
  template <typename Probe>
  uint32_t findBy(const Probe& probe, uint64_t hash) const {
    const uint32_t tag = uint32_t(hash);
    for (uint64_t s = hash & mask_;; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.idx == kNone) return kNone;
      if (slot.tag == tag && (*this)[slot.idx].key == probe) return slot.idx;
    }
  }

  // Adds a default entry for key at the tail of list; kNone when the table is full.
  uint32_t insert(const Key& key, uint64_t hash, uint8_t list) {
    if (size_ >= max_) return kNone;
    if ((uint64_t(size_) + 1) * 2 > slots_.size() && slots_.size() < max_slots_) growIndex();
    uint32_t idx;
    if (!free_.empty()) {
      idx = free_.back();
      free_.pop_back();
    } else {
      if ((high_water_ >> kChunkBits) >= chunks_.size())
        chunks_.push_back(std::make_unique<Entry[]>(kChunkSize));
      idx = high_water_++;
    }
    Entry& e = (*this)[idx];
    e.key = key;
    e.links.in_use = true;
    e.links.list = list;
    linkTail(idx, e);
    uint64_t s = hash & mask_;
    while (slots_[s].idx != kNone) s = (s + 1) & mask_;
    slots_[s] = Slot{uint32_t(hash), idx};
    ++size_;
    return idx;
  }

  void erase(uint32_t idx, uint64_t hash) {
    Entry& e = (*this)[idx];
    uint64_t s = hash & mask_;
    while (slots_[s].idx != idx) s = (s + 1) & mask_;
    // Backward-shift deletion keeps every probe sequence unbroken without tombstones.
    for (uint64_t next = (s + 1) & mask_;; next = (next + 1) & mask_) {
      const Slot cur = slots_[next];
      if (cur.idx == kNone) break;
      const uint64_t home = cur.tag & mask_;
      if (((next - home) & mask_) >= ((next - s) & mask_)) {
        slots_[s] = cur;
        s = next;
      }
    }
    slots_[s] = Slot{};
    unlink(idx, e);
    e = Entry{};
    free_.push_back(idx);
    --size_;
  }

  // Drops every entry at once (cheaper than erasing them one by one).
  void clear() {
    chunks_.clear();
    free_.clear();
    std::fill(slots_.begin(), slots_.end(), Slot{});
    for (auto& l : lists_) l = ListEnds{};
    size_ = high_water_ = 0;
  }

  // Moves an entry to the most-recent end of a list.
  void touch(uint32_t idx, uint8_t list) {
    Entry& e = (*this)[idx];
    unlink(idx, e);
    e.links.list = list;
    linkTail(idx, e);
  }
  uint32_t oldest(uint8_t list) const { return lists_[list].head; }
  uint32_t newer(uint32_t idx) const { return (*this)[idx].links.next; }

  template <typename F>
  void forEach(F&& f) {
    for (uint32_t i = 0; i < high_water_; ++i)
      if ((*this)[i].links.in_use) f(i, (*this)[i]);
  }

 private:
  static constexpr uint32_t kChunkBits = 12, kChunkSize = 1u << kChunkBits, kChunkMask = kChunkSize - 1;
  // The low 32 bits of the key's hash: where the entry's probe starts (whatever the index's
  // size, up to 2^32 slots), so that deleting and growing never read entries, and a filter
  // before the entry's key is compared.
  struct Slot {
    uint32_t tag = 0;
    uint32_t idx = kNone;
  };
  struct ListEnds {
    uint32_t head = kNone;
    uint32_t tail = kNone;
  };

  // Twice the slots, every entry placed again from its hash's low bits (its tag).
  void growIndex() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const Slot& o : old) {
      if (o.idx == kNone) continue;
      uint64_t s = o.tag & mask_;
      while (slots_[s].idx != kNone) s = (s + 1) & mask_;
      slots_[s] = o;
    }
  }

  void linkTail(uint32_t idx, Entry& e) {
    ListEnds& l = lists_[e.links.list];
    e.links.prev = l.tail;
    e.links.next = kNone;
    if (l.tail != kNone) (*this)[l.tail].links.next = idx;
    else l.head = idx;
    l.tail = idx;
  }
  void unlink(uint32_t idx, Entry& e) {
    ListEnds& l = lists_[e.links.list];
    if (e.links.prev != kNone) (*this)[e.links.prev].links.next = e.links.next;
    else l.head = e.links.next;
    if (e.links.next != kNone) (*this)[e.links.next].links.prev = e.links.prev;
    else l.tail = e.links.prev;
    (void)idx;
    e.links.prev = e.links.next = kNone;
  }

  uint32_t max_;
  uint32_t size_ = 0;
  uint32_t high_water_ = 0;
  static constexpr uint64_t kMinSlots = 1024;
  uint64_t mask_ = 0;
  uint64_t max_slots_ = 0;  // the index's size at the bound: at least twice max_ entries
  std::vector<Slot> slots_;
  std::vector<std::unique_ptr<Entry[]>> chunks_;
  std::vector<uint32_t> free_;
  ListEnds lists_[kLists];
};

}  // namespace netlens
