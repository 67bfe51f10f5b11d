#pragma once
// Geolocation and AS numbers from MaxMind DB (.mmdb) files, read with libmaxminddb. Two layouts
// are understood, detected per file from its records: MaxMind's own (GeoLite2/GeoIP2 City,
// Country and ASN: country.iso_code, country.names.en, city.names.en, location.latitude/
// longitude, autonomous_system_number/organization) and the flat one of the ip-location-db
// packages (country_code, city, latitude, longitude). Every file of a directory is opened; an
// address takes each field from the first file that has it.
//
// Texts (city, AS organisation, country name) are not copied: a GeoText points into the mapped
// file, which stays mapped as long as the GeoDatabases object lives, so a host keeps 8 bytes per
// text and every reader can resolve it from any thread.
#include <atomic>
#include <cstdlib>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ip_address.hpp"

namespace netlens {

struct GeoText {
  uint32_t offset = 0;  // in the file's data section
  uint16_t length = 0;
  uint8_t db = 0;
  bool empty() const { return length == 0; }
};

// What one address is: 32 bytes, kept in every host.
struct GeoInfo {
  float latitude = 0;
  float longitude = 0;
  uint32_t asn = 0;  // 0: unknown
  GeoText city;
  GeoText as_name;
  char country[2] = {0, 0};  // ISO 3166-1 alpha-2; {0,0}: unknown
  bool has_location = false;

  bool hasCountry() const { return country[0] != 0; }
  uint16_t countryKey() const { return uint16_t(uint8_t(country[0]) << 8 | uint8_t(country[1])); }
};

enum class GeoLayout : uint8_t { Unknown, MaxMind, Flat };

// One thread's memory of earlier answers, direct-mapped (an entry takes the slot of its hash,
// the older one there is forgotten; no allocation after the first use):
// - prefixes: when every database answers for a whole /24 (IPv4) or /48 (IPv6), the merged
//   answer serves every address of that prefix without walking the search trees again (the
//   walks, tens of cache misses in a 60 MB tree, are most of a lookup's cost);
// - records: hosts of the same network share a database record (a city, an AS), read once.
// Not thread-safe: one per packet thread.
struct GeoLookupCache {
  struct Record {
    GeoInfo info;
    GeoText country_name;
  };
  struct Slot {
    uint64_t key = 0;  // 0: empty
    Record record;
  };
  static constexpr size_t kPrefixSlots = size_t(1) << 16;
  static constexpr size_t kRecordSlots = size_t(1) << 14;
  static constexpr size_t kSlots = kPrefixSlots + kRecordSlots;  // 3.8 MB
  struct Free {
    void operator()(Slot* p) const { std::free(p); }
  };
  std::unique_ptr<Slot, Free> slots;  // kSlots of them (prefixes, then records)
  // Allocates the slots (else the first lookup does). Best done before packets flow: the first
  // touch of a huge page may wait for the kernel to make one.
  void prepare();
  uint64_t prefix_hits = 0;
  uint64_t record_hits = 0;
};

class GeoDatabases {
 public:
  struct File;
  ~GeoDatabases();
  GeoDatabases(const GeoDatabases&) = delete;
  GeoDatabases& operator=(const GeoDatabases&) = delete;

  // Opens every *.mmdb file of `dir` (in name order). Files that cannot be opened are reported
  // in `problems` and left out; an absent directory gives an empty set.
  static std::shared_ptr<GeoDatabases> openDir(const std::string& dir, std::vector<std::string>* problems);
  // One file (tests, tools).
  static std::shared_ptr<GeoDatabases> openFiles(const std::vector<std::string>& paths, std::vector<std::string>* problems);

  bool empty() const { return files_.empty(); }
  size_t size() const { return files_.size(); }
  // "name (type, N nodes, built YYYY-MM-DD)" per file.
  std::vector<std::string> describe() const;
  GeoLayout layoutOf(size_t file) const;

  // Thread-safe: the files are read-only maps. `cache` belongs to the calling thread.
  GeoInfo lookup(const IpAddress& ip, GeoLookupCache* cache = nullptr, GeoText* country_name = nullptr) const;
  // n addresses at once: their walks through the search trees go on side by side, so that the
  // cache misses of one overlap those of the others (several times faster than one by one).
  void lookupBatch(const IpAddress* ips, size_t n, GeoInfo* out, GeoText* country_names, GeoLookupCache* cache) const;
  std::string_view text(const GeoText& t) const;

 private:
  GeoDatabases() = default;
  static void buildIpv4Jump(File& f);
  bool add(const std::string& path, std::vector<std::string>* problems);
  std::vector<std::unique_ptr<File>> files_;
};

}  // namespace netlens
