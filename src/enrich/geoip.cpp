#include "enrich/geoip.hpp"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace netlens {

struct GeoDatabases::File {
  std::string path;
  MMDB_s mmdb{};
  bool open = false;
  mutable std::atomic<GeoLayout> layout{GeoLayout::Unknown};
  ~File() {
    if (open) MMDB_close(&mmdb);
  }
};

namespace {

GeoText textOf(const MMDB_s& mmdb, const MMDB_entry_data_s& d, uint8_t db) {
  GeoText t;
  if (!d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size == 0) return t;
  const auto* p = reinterpret_cast<const uint8_t*>(d.utf8_string);
  if (p < mmdb.data_section || p + d.data_size > mmdb.data_section + mmdb.data_section_size) return t;
  t.offset = uint32_t(p - mmdb.data_section);
  t.length = uint16_t(std::min<uint32_t>(d.data_size, 0xFFFF));
  t.db = db;
  return t;
}

bool number(const MMDB_entry_data_s& d, double& out) {
  if (!d.has_data) return false;
  switch (d.type) {
    case MMDB_DATA_TYPE_DOUBLE: out = d.double_value; return true;
    case MMDB_DATA_TYPE_FLOAT: out = d.float_value; return true;
    case MMDB_DATA_TYPE_UINT16: out = d.uint16; return true;
    case MMDB_DATA_TYPE_UINT32: out = d.uint32; return true;
    case MMDB_DATA_TYPE_INT32: out = d.int32; return true;
    case MMDB_DATA_TYPE_UINT64: out = double(d.uint64); return true;
    default: return false;
  }
}

template <typename... Path>
MMDB_entry_data_s value(MMDB_entry_s& entry, Path... path) {
  MMDB_entry_data_s d{};
  if (MMDB_get_value(&entry, &d, path..., nullptr) != MMDB_SUCCESS) d.has_data = false;
  return d;
}

void setCountry(GeoInfo& g, const MMDB_entry_data_s& d) {
  if (!d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2) return;
  const char a = char(std::toupper(uint8_t(d.utf8_string[0]))), b = char(std::toupper(uint8_t(d.utf8_string[1])));
  if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') return;
  if (a == 'Z' && b == 'Z') return;  // "unknown" in some databases
  g.country[0] = a;
  g.country[1] = b;
}

// Everything one record says, in either layout.
GeoRecordCache::Record decode(const MMDB_s& mmdb, MMDB_entry_s entry, uint8_t db, std::atomic<GeoLayout>& layout) {
  GeoRecordCache::Record r;
  GeoInfo& g = r.info;
  GeoLayout l = layout.load(std::memory_order_relaxed);
  if (l == GeoLayout::Unknown) {
    // The first record that says where it is tells the file's layout.
    if (value(entry, "country_code").has_data || value(entry, "latitude").has_data) l = GeoLayout::Flat;
    else if (value(entry, "country").has_data || value(entry, "location").has_data || value(entry, "city").has_data ||
             value(entry, "registered_country").has_data)
      l = GeoLayout::MaxMind;
    if (l != GeoLayout::Unknown) layout.store(l, std::memory_order_relaxed);
  }
  double lat = 0, lon = 0;
  if (l == GeoLayout::Flat) {
    setCountry(g, value(entry, "country_code"));
    g.city = textOf(mmdb, value(entry, "city"), db);
    if (number(value(entry, "latitude"), lat) && number(value(entry, "longitude"), lon)) g.has_location = true;
  } else if (l == GeoLayout::MaxMind) {
    setCountry(g, value(entry, "country", "iso_code"));
    r.country_name = textOf(mmdb, value(entry, "country", "names", "en"), db);
    if (!g.hasCountry()) {
      setCountry(g, value(entry, "registered_country", "iso_code"));
      r.country_name = textOf(mmdb, value(entry, "registered_country", "names", "en"), db);
    }
    g.city = textOf(mmdb, value(entry, "city", "names", "en"), db);
    if (number(value(entry, "location", "latitude"), lat) && number(value(entry, "location", "longitude"), lon))
      g.has_location = true;
  }
  if (g.has_location && (lat < -90 || lat > 90 || lon < -180 || lon > 180)) g.has_location = false;
  if (g.has_location) {
    g.latitude = float(lat);
    g.longitude = float(lon);
  }
  double asn = 0;
  if (number(value(entry, "autonomous_system_number"), asn) && asn > 0 && asn <= 4294967295.0) {
    g.asn = uint32_t(asn);
    g.as_name = textOf(mmdb, value(entry, "autonomous_system_organization"), db);
  }
  return r;
}

}  // namespace

GeoDatabases::~GeoDatabases() = default;

bool GeoDatabases::add(const std::string& path, std::vector<std::string>* problems) {
  if (files_.size() >= 255) {
    if (problems) problems->push_back(path + ": too many databases (255 at most)");
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
  const MMDB_s& m = files_[t.db]->mmdb;
  if (uint64_t(t.offset) + t.length > m.data_section_size) return {};
  return std::string_view(reinterpret_cast<const char*>(m.data_section) + t.offset, t.length);
}

GeoInfo GeoDatabases::lookup(const IpAddress& ip, GeoRecordCache* cache, GeoText* country_name) const {
  GeoInfo out;
  GeoText name;
  if (ip.empty()) return out;
  sockaddr_in sa4{};
  sockaddr_in6 sa6{};
  const sockaddr* sa;
  if (ip.isV4()) {
    sa4.sin_family = AF_INET;
    std::memcpy(&sa4.sin_addr, ip.data(), 4);
    sa = reinterpret_cast<const sockaddr*>(&sa4);
  } else {
    sa6.sin6_family = AF_INET6;
    std::memcpy(&sa6.sin6_addr, ip.data(), 16);
    sa = reinterpret_cast<const sockaddr*>(&sa6);
  }
  for (size_t i = 0; i < files_.size(); ++i) {
    const File& f = *files_[i];
    if (ip.isV6() && f.mmdb.metadata.ip_version == 4) continue;
    int err = 0;
    MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&f.mmdb, sa, &err);
    if (err != MMDB_SUCCESS || !res.found_entry) continue;
    const GeoRecordCache::Record* rec = nullptr;
    GeoRecordCache::Record decoded;
    const uint64_t key = uint64_t(i) << 32 | res.entry.offset;
    if (cache) {
      auto it = cache->records.find(key);
      if (it != cache->records.end()) {
        ++cache->hits;
        rec = &it->second;
      }
    }
    if (!rec) {
      decoded = decode(f.mmdb, res.entry, uint8_t(i), f.layout);
      rec = &decoded;
      if (cache) {
        ++cache->misses;
        if (cache->records.size() >= cache->max_records) cache->records.clear();
        cache->records.emplace(key, decoded);
      }
    }
    const GeoInfo& g = rec->info;
    if (!out.hasCountry() && g.hasCountry()) {
      out.country[0] = g.country[0];
      out.country[1] = g.country[1];
    }
    if (name.empty() && !rec->country_name.empty()) name = rec->country_name;
    if (out.city.empty() && !g.city.empty()) out.city = g.city;
    if (!out.has_location && g.has_location) {
      out.has_location = true;
      out.latitude = g.latitude;
      out.longitude = g.longitude;
    }
    if (out.asn == 0 && g.asn != 0) {
      out.asn = g.asn;
      out.as_name = g.as_name;
    }
    if (out.hasCountry() && out.has_location && out.asn != 0) break;  // later files would add nothing
  }
  if (country_name) *country_name = name;
  return out;
}

}  // namespace netlens
