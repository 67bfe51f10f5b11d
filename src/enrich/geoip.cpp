#include "enrich/geoip.hpp"

#include "enrich/mmdb_record.hpp"

#include <maxminddb.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <vector>

namespace netlens {

namespace {

// Memory that lookups read at random (the /20 jump tables, the databases): in 2 MB pages where
// the kernel gives them (transparent huge pages, asked for with madvise), so that an access is
// a cache miss only, not a TLB miss as well.
struct HugeFree {
  void operator()(void* p) const { std::free(p); }
};
using HugeBuffer = std::unique_ptr<uint8_t, HugeFree>;
HugeBuffer hugeBuffer(size_t bytes) {
  constexpr size_t kHuge = size_t(2) << 20;
  const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
  void* p = std::aligned_alloc(kHuge, rounded);
  if (p) madvise(p, rounded, MADV_HUGEPAGE);  // a hint: 4 KB pages otherwise
  return HugeBuffer(static_cast<uint8_t*>(p));
}

}  // namespace

struct GeoDatabases::File {
  std::string path;
  MMDB_s mmdb{};
  bool open = false;
  // The search tree, walked here rather than by MMDB_lookup_sockaddr, so that
  // the walks of several files go on side by side, and the data section (the records).
  const uint8_t* tree = nullptr;
  const uint8_t* data = nullptr;
  size_t data_size = 0;
  // The data section in huge pages (where the kernel gives them), which `data` points to;
  // without memory for it, `data` points into the mapped file.
  HugeBuffer copy;
  uint32_t node_count = 0;
  uint32_t node_bytes = 0;    // 6, 7 or 8
  uint16_t record_bits = 0;   // 24, 28 or 32
  uint32_t ipv4_start = 0;    // node (or terminal record) after ::/96 in an IPv6 tree
  uint16_t ipv4_start_depth = 0;
  bool v6_tree = false;
  // Where the walk of every IPv4 /20 stands after its first 20 bits: the node at depth 20, or
  // the terminal record reached on the way (a network of /20 or larger, so its depth does not
  // matter). The upper levels of the tree are not walked again for each lookup; one 4-byte
  // entry per /20, so the start of a walk is one memory access.
  HugeBuffer v4_jump_memory;  // 2^20 entries
  const uint32_t* v4_jump = nullptr;
  // Where a terminal record (above node_count) points in the data section; beyond data_size
  // for a corrupt one.
  uint64_t dataOffset(uint32_t terminal) const { return uint64_t(terminal) - node_count - 16; }
  uint32_t record(uint32_t node, int bit) const {
    const uint8_t* p = tree + size_t(node) * node_bytes;
    switch (record_bits) {
      case 24:
        p += bit ? 3 : 0;
        return uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2];
      case 28:
        if (bit) return (uint32_t(p[3] & 0x0F) << 24) | uint32_t(p[4]) << 16 | uint32_t(p[5]) << 8 | p[6];
        return (uint32_t(p[3] & 0xF0) << 20) | uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2];
      default:
        p += bit ? 4 : 0;
        return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
    }
  }
  mutable std::atomic<GeoLayout> layout{GeoLayout::Unknown};
  ~File() {
    if (open) MMDB_close(&mmdb);
  }
};

namespace {

constexpr size_t kMaxFiles = 32;
constexpr unsigned kJumpBits = 20;  // 4 MB per file

GeoText textOf(const MmdbText& t, uint8_t db) {
  GeoText g;
  if (t.empty()) return g;
  g.offset = t.offset;
  g.length = uint16_t(std::min<uint32_t>(t.length, 0xFFFF));
  g.db = db;
  return g;
}

bool setCountry(GeoInfo& g, const char code[2]) {
  const char a = char(std::toupper(uint8_t(code[0]))), b = char(std::toupper(uint8_t(code[1])));
  if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') return false;
  if (a == 'Z' && b == 'Z') return false;  // "unknown" in some databases
  g.country[0] = a;
  g.country[1] = b;
  return true;
}

// Everything one record says, in either layout, read in one pass (enrich/mmdb_record.hpp).
GeoLookupCache::Record decode(const uint8_t* data, size_t data_size, uint32_t data_offset, uint8_t db,
                              std::atomic<GeoLayout>& layout) {
  const MmdbRecord m = readMmdbRecord(data, data_size, data_offset);
  if (layout.load(std::memory_order_relaxed) == GeoLayout::Unknown && (m.flat_fields || m.maxmind_fields))
    layout.store(m.flat_fields ? GeoLayout::Flat : GeoLayout::MaxMind, std::memory_order_relaxed);
  GeoLookupCache::Record r;
  GeoInfo& g = r.info;
  if (setCountry(g, m.country)) r.country_name = textOf(m.country_name, db);
  else if (setCountry(g, m.registered_country)) r.country_name = textOf(m.registered_country_name, db);
  g.city = textOf(m.city, db);
  if (m.has_latitude && m.has_longitude && m.latitude >= -90 && m.latitude <= 90 && m.longitude >= -180 &&
      m.longitude <= 180) {
    g.has_location = true;
    g.latitude = float(m.latitude);
    g.longitude = float(m.longitude);
  }
  if (m.asn) {
    g.asn = uint32_t(m.asn);
    g.as_name = textOf(m.as_name, db);
  }
  return r;
}

}  // namespace

GeoDatabases::~GeoDatabases() = default;

namespace {
// The entries [first, first + 2^(kJumpBits - depth)) of a jump table: the subtree of `node`,
// which stands at `depth`. Depth first, so that the table is written once, in order, and the
// nodes are read in the order a tree written depth first has them.
void fillJump(const auto& f, uint32_t* jump, uint32_t node, unsigned depth, size_t first) {
  if (node >= f.node_count || depth == kJumpBits) {  // a terminal record stands for the whole range
    std::fill_n(jump + first, size_t(1) << (kJumpBits - depth), node);
    return;
  }
  const uint32_t left = f.record(node, 0), right = f.record(node, 1);
  const size_t half = size_t(1) << (kJumpBits - depth - 1);
  fillJump(f, jump, left, depth + 1, first);
  fillJump(f, jump, right, depth + 1, first + half);
}
}  // namespace

void GeoDatabases::buildIpv4Jump(File& f) {
  if (f.v6_tree && f.ipv4_start >= f.node_count) return;  // no IPv4 data: every walk ends at once
  HugeBuffer memory = hugeBuffer((size_t(1) << kJumpBits) * sizeof(uint32_t));
  if (!memory) return;  // no memory: walks start from the root
  auto* jump = reinterpret_cast<uint32_t*>(memory.get());
  fillJump(f, jump, f.v6_tree ? f.ipv4_start : 0, 0, 0);
  f.v4_jump = jump;
  f.v4_jump_memory = std::move(memory);
}

bool GeoDatabases::add(const std::string& path, std::vector<std::string>* problems) {
  if (files_.size() >= kMaxFiles) {
    if (problems) problems->push_back(path + ": too many databases (" + std::to_string(kMaxFiles) + " at most)");
    return false;
  }
  auto f = std::make_unique<File>();
  f->path = path;
  const int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &f->mmdb);
  if (rc != MMDB_SUCCESS) {
    if (problems) problems->push_back(path + ": " + MMDB_strerror(rc));
    return false;
  }
  f->open = true;
  const MMDB_metadata_s& m = f->mmdb.metadata;
  f->record_bits = m.record_size;
  f->node_bytes = uint32_t(m.record_size) / 4;
  f->node_count = m.node_count;
  f->tree = f->mmdb.file_content;
  f->data = static_cast<const uint8_t*>(f->mmdb.data_section);
  f->data_size = f->mmdb.data_section_size;
  f->v6_tree = m.ip_version == 6;
  if ((m.record_size != 24 && m.record_size != 28 && m.record_size != 32) ||
      uint64_t(m.node_count) * f->node_bytes > uint64_t(f->mmdb.file_size) || (m.ip_version != 4 && m.ip_version != 6)) {
    if (problems) problems->push_back(path + ": unsupported search tree (record size " + std::to_string(m.record_size) + ")");
    return false;
  }
  // Lookups read the records at random, a cache miss each; in the 4 KB pages of a mapped file,
  // most are a TLB miss as well (a page walk, often missing the cache itself). The data
  // section is copied into 2 MB pages, and its mapped pages are given back so that the process
  // holds it once. (Resolving the 128,158 hosts of the benchmark capture: 213-227 -> 183-207
  // Mcycles, of which reading records 94-103 -> 64-71; copying the search trees as well gained
  // another 20-30 Mcycles for 110 MB more resident memory with the default databases: not
  // done, a walk's nodes are near each other.) Data sections over kMaxCopy stay mapped.
  constexpr size_t kMaxCopy = size_t(256) << 20;
  if (HugeBuffer copy = f->data_size <= kMaxCopy ? hugeBuffer(f->data_size) : nullptr) {
    std::memcpy(copy.get(), f->data, f->data_size);
    const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
    const uintptr_t from = (uintptr_t(f->data) + page - 1) & ~(page - 1), to = (uintptr_t(f->data) + f->data_size) & ~(page - 1);
    if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
    f->data = copy.get();
    f->copy = std::move(copy);
  }
  if (f->v6_tree) {
    uint32_t node = 0;
    uint16_t depth = 0;
    while (depth < 96 && node < f->node_count) {
      node = f->record(node, 0);
      ++depth;
    }
    f->ipv4_start = node;
    f->ipv4_start_depth = depth;
  }
  buildIpv4Jump(*f);
  files_.push_back(std::move(f));
  return true;
}

std::shared_ptr<GeoDatabases> GeoDatabases::openFiles(const std::vector<std::string>& paths,
                                                      std::vector<std::string>* problems) {
  std::shared_ptr<GeoDatabases> g(new GeoDatabases());
  for (const std::string& p : paths) g->add(p, problems);
  return g;
}

std::shared_ptr<GeoDatabases> GeoDatabases::openDir(const std::string& dir, std::vector<std::string>* problems) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::filesystem::path& p = it->path();
    if (p.extension() == ".mmdb" && std::filesystem::is_regular_file(p, ec)) paths.push_back(p.string());
  }
  std::sort(paths.begin(), paths.end());
  return openFiles(paths, problems);
}

std::vector<std::string> GeoDatabases::describe() const {
  std::vector<std::string> out;
  for (const auto& f : files_) {
    const MMDB_metadata_s& m = f->mmdb.metadata;
    char built[16] = "?";
    const time_t t = time_t(m.build_epoch);
    struct tm tm {};
    if (gmtime_r(&t, &tm)) std::strftime(built, sizeof(built), "%Y-%m-%d", &tm);
    out.push_back(std::filesystem::path(f->path).filename().string() + " (" + (m.database_type ? m.database_type : "?") +
                  ", IPv" + std::to_string(m.ip_version) + ", built " + built + ")");
  }
  return out;
}

GeoLayout GeoDatabases::layoutOf(size_t file) const {
  return file < files_.size() ? files_[file]->layout.load(std::memory_order_relaxed) : GeoLayout::Unknown;
}

std::string_view GeoDatabases::text(const GeoText& t) const {
  if (t.empty() || t.db >= files_.size()) return {};
  const File& f = *files_[t.db];
  if (uint64_t(t.offset) + t.length > f.data_size) return {};
  return std::string_view(reinterpret_cast<const char*>(f.data) + t.offset, t.length);
}

namespace {

// Addresses no database places: private, loopback, link-local, shared, multicast, reserved.
bool notRoutable(const IpAddress& ip) {
  const uint8_t* b = ip.data();
  if (ip.isV4()) {
    return b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224 || (b[0] == 172 && (b[1] & 0xF0) == 16) ||
           (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && (b[1] & 0xC0) == 64);
  }
  static const uint8_t zero[15] = {};
  if (std::memcmp(b, zero, 15) == 0) return true;  // :: and ::1
  return b[0] == 0xFF || (b[0] & 0xFE) == 0xFC || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80);
}

// The /24 or /48 an address is in, as a cache key (never 0), and its slot.
uint64_t prefixKey(const IpAddress& ip) {
  const uint8_t* b = ip.data();
  if (ip.isV4()) return (uint64_t(4) << 56) | (uint64_t(b[0]) << 16) | (uint64_t(b[1]) << 8) | b[2];
  uint64_t k = uint64_t(6) << 56;
  for (int i = 0; i < 6; ++i) k |= uint64_t(b[i]) << (40 - 8 * i);
  return k;
}
GeoLookupCache::Slot& slotOf(GeoLookupCache& cache, uint64_t key) {
  return cache.slots.get()[size_t((key * 0x9E3779B97F4A7C15ULL) >> 48) & (GeoLookupCache::kPrefixSlots - 1)];
}
// A record's key: (file, offset), never 0 nor a prefix key.
uint64_t recordKey(size_t file, uint64_t data_offset) { return uint64_t(1) << 63 | uint64_t(file) << 40 | data_offset; }
GeoLookupCache::Slot& recordSlotOf(GeoLookupCache& cache, uint64_t key) {
  return cache.slots.get()[GeoLookupCache::kPrefixSlots +
                           (size_t((key * 0x9E3779B97F4A7C15ULL) >> 50) & (GeoLookupCache::kRecordSlots - 1))];
}

}  // namespace

void GeoLookupCache::prepare() {
  if (slots) return;
  // All-zero bytes are empty slots. In huge pages like the tables: every slot is a likely
  // cache miss, and would be a TLB miss as well in 4 KB pages.
  HugeBuffer memory = hugeBuffer(kSlots * sizeof(Slot));
  if (memory) std::memset(memory.get(), 0, kSlots * sizeof(Slot));
  slots.reset(reinterpret_cast<Slot*>(memory.release()));
}

GeoInfo GeoDatabases::lookup(const IpAddress& ip, GeoLookupCache* cache, GeoText* country_name) const {
  GeoInfo out;
  GeoText name;
  lookupBatch(&ip, 1, &out, &name, cache);
  if (country_name) *country_name = name;
  return out;
}

void GeoDatabases::lookupBatch(const IpAddress* ips, size_t n, GeoInfo* out, GeoText* names, GeoLookupCache* cache) const {
  // Every (address, file) walk goes on side by side: each step of a walk is a likely cache
  // miss, and the misses of independent walks overlap.
  struct Walk {
    const File* f;
    const uint8_t* addr;
    uint32_t node;
    uint16_t depth;  // bits of the address consumed
    uint16_t bits;   // 32 or 128
    bool done;
    uint32_t record;  // terminal record when done
  };
  if (cache && !cache->slots) {
    cache->prepare();
    if (!cache->slots) cache = nullptr;  // no memory: lookups without the cache
  }
  thread_local std::vector<Walk> walks;
  thread_local std::vector<size_t> todo;  // addresses that need walks
  walks.clear();
  todo.clear();
  const size_t nf = files_.size();
  // The first access of each walk (its /20 entry in a 4 MB table) is a likely cache miss too:
  // asked for all addresses first, so that these misses overlap as well.
  for (size_t j = 0; j < n && nf > 0; ++j) {
    if (!ips[j].isV4()) continue;
    const uint32_t top = ips[j].v4HostOrder() >> (32 - kJumpBits);
    for (size_t i = 0; i < nf; ++i)
      if (files_[i]->v4_jump) __builtin_prefetch(files_[i]->v4_jump + top);
  }
  for (size_t j = 0; j < n; ++j) {
    out[j] = GeoInfo{};
    names[j] = GeoText{};
    const IpAddress& ip = ips[j];
    if (ip.empty() || nf == 0 || notRoutable(ip)) continue;
    if (cache) {
      const uint64_t key = prefixKey(ip);
      const GeoLookupCache::Slot& slot = slotOf(*cache, key);
      if (slot.key == key) {
        ++cache->prefix_hits;
        out[j] = slot.record.info;
        names[j] = slot.record.country_name;
        continue;
      }
    }
    todo.push_back(j);
    for (size_t i = 0; i < nf; ++i) {
      const File& f = *files_[i];
      Walk w{&f, ip.data(), 0, 0, uint16_t(ip.isV4() ? 32 : 128), false, 0};
      if (ip.isV6() && !f.v6_tree) {
        w.done = true;
        w.record = f.node_count;  // nothing for IPv6 in an IPv4 file
      } else if (ip.isV4() && !f.v4_jump) {
        w.node = f.ipv4_start;
      } else if (ip.isV4()) {
        w.node = f.v4_jump[ip.v4HostOrder() >> (32 - kJumpBits)];
        w.depth = kJumpBits;  // or fewer, for a terminal record: still a network of /20 or more
      }
      if (!w.done && w.node >= f.node_count) {
        w.done = true;
        w.record = w.node;
      }
      if (!w.done) __builtin_prefetch(f.tree + size_t(w.node) * f.node_bytes);
      walks.push_back(w);
    }
  }
  for (bool active = !walks.empty(); active;) {
    active = false;
    for (Walk& w : walks) {
      if (w.done) continue;
      const int bit = (w.addr[w.depth >> 3] >> (7 - (w.depth & 7))) & 1;
      const uint32_t next = w.f->record(w.node, bit);
      ++w.depth;
      if (next >= w.f->node_count || w.depth >= w.bits) {
        w.done = true;
        w.record = next;
        continue;
      }
      w.node = next;
      __builtin_prefetch(w.f->tree + size_t(next) * w.f->node_bytes);
      active = true;
    }
  }
  // The records are read next, one after the other: the first bytes of each (and its cache
  // slot) are asked for at once, so that their misses overlap like those of the walks.
  for (size_t t = 0; t < todo.size(); ++t) {
    for (size_t i = 0; i < nf; ++i) {
      const File& f = *files_[i];
      const Walk& w = walks[t * nf + i];
      if (w.record <= f.node_count) continue;
      const uint64_t data_offset = f.dataOffset(w.record);
      if (data_offset >= f.data_size) continue;
      if (cache) __builtin_prefetch(&recordSlotOf(*cache, recordKey(i, data_offset)));
      __builtin_prefetch(f.data + data_offset);
    }
  }
  for (size_t t = 0; t < todo.size(); ++t) {
    const size_t j = todo[t];
    const IpAddress& ip = ips[j];
    GeoInfo& o = out[j];
    GeoText& name = names[j];
    // Whether the answer holds for the whole /24 (/48): every file's answer (or its absence)
    // came from a network at least that large.
    const unsigned prefix_bits = ip.isV4() ? 24 : 48;
    bool whole_prefix = true;
    for (size_t i = 0; i < nf; ++i) {
      const File& f = *files_[i];
      const Walk& w = walks[t * nf + i];
      if (ip.isV6() && !f.v6_tree) continue;
      if (w.depth > prefix_bits) whole_prefix = false;
      if (w.record <= f.node_count) continue;  // empty
      const uint64_t data_offset = f.dataOffset(w.record);
      if (data_offset >= f.data_size) {
        whole_prefix = false;  // a corrupt record: ignored
        continue;
      }
      GeoLookupCache::Record decoded;
      const GeoLookupCache::Record* rec = &decoded;
      if (cache) {
        const uint64_t key = recordKey(i, data_offset);
        GeoLookupCache::Slot& slot = recordSlotOf(*cache, key);
        if (slot.key == key) {
          ++cache->record_hits;
        } else {
          slot.key = key;
          slot.record = decode(f.data, f.data_size, uint32_t(data_offset), uint8_t(i), f.layout);
        }
        rec = &slot.record;
      } else {
        decoded = decode(f.data, f.data_size, uint32_t(data_offset), uint8_t(i), f.layout);
      }
      const GeoInfo& g = rec->info;
      if (!o.hasCountry() && g.hasCountry()) {
        o.country[0] = g.country[0];
        o.country[1] = g.country[1];
      }
      if (name.empty() && !rec->country_name.empty()) name = rec->country_name;
      if (o.city.empty() && !g.city.empty()) o.city = g.city;
      if (!o.has_location && g.has_location) {
        o.has_location = true;
        o.latitude = g.latitude;
        o.longitude = g.longitude;
      }
      if (o.asn == 0 && g.asn != 0) {
        o.asn = g.asn;
        o.as_name = g.as_name;
      }
      if (o.hasCountry() && o.has_location && o.asn != 0) break;  // later files would add nothing
    }
    if (cache && whole_prefix) {
      const uint64_t key = prefixKey(ip);
      slotOf(*cache, key) = GeoLookupCache::Slot{key, GeoLookupCache::Record{o, name}};
    }
  }
}

}  // namespace netlens
