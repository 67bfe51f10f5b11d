// GeoDatabases against small .mmdb files written by Debian's libmaxmind-db-writer-perl in both
// layouts: MaxMind's (nested maps) and ip-location-db's flat one. The record reader
// (enrich/mmdb_record.hpp) against libmaxminddb's own on these files and on the installed
// databases, and on malformed records built by hand.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <optional>
#include <fstream>
#include <string>

#include <maxminddb.h>

#include <algorithm>
#include <cctype>
#include <random>

#include "enrich/geoip.hpp"
#include "enrich/mmdb_record.hpp"

namespace netlens {
namespace {

class GeoIpTest : public ::testing::Test {
 protected:
  // Written once for the suite; a failure to write fails every test (not skips it).
  void SetUp() override {
    static bool tried = false;
    if (!tried) {
      tried = true;
      write();
    }
    ASSERT_TRUE(written_) << "could not write the test databases (libmaxmind-db-writer-perl is needed)";
  }
  static void write() {
    std::string pattern = (std::filesystem::temp_directory_path() / "netlens-geoip-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) return;
    dir_ = pattern;
    // Two files, each in its own layout, and an ASN file; names order them as a reader sees them.
    const std::string script = dir_ + "/write.pl";
    std::ofstream(script) << R"PL(
use strict; use warnings; use MaxMind::DB::Writer::Tree;
my $dir = shift;
my %t = (latitude => 'double', longitude => 'double', autonomous_system_number => 'uint32',
         country => 'map', names => 'map', city => 'map', location => 'map', registered_country => 'map');
sub tree { my ($v, $type, %x) = @_; MaxMind::DB::Writer::Tree->new(ip_version => $v, record_size => 24,
  database_type => $type, languages => ['en'], description => {en => 'netlens unit test'},
  map_key_type_callback => sub { $x{$_[0]} // $t{$_[0]} // 'utf8_string' }, remove_reserved_networks => 0) }
sub out { my ($tree, $name) = @_; open(my $o, '>:raw', "$dir/$name") or die; $tree->write_tree($o); close $o }
my $mm = tree(6, 'GeoLite2-City');
$mm->insert_network('198.51.100.0/24', { country => { iso_code => 'FR', names => { en => 'France' } },
  city => { names => { en => 'Lyon' } }, location => { latitude => 45.75, longitude => 4.85 } });
$mm->insert_network('2001:db8:1::/48', { registered_country => { iso_code => 'it', names => { en => 'Italy' } } });
out($mm, 'a-city.mmdb');
my $flat = tree(4, 'city ipv4', latitude => 'float', longitude => 'float', city => 'utf8_string');
$flat->insert_network('203.0.113.0/24', { country_code => 'BR', city => 'Recife', latitude => -8.05, longitude => -34.9 });
$flat->insert_network('198.51.100.0/24', { country_code => 'ZZ', city => 'Nowhere', latitude => 1, longitude => 2 });
$flat->insert_network('192.0.2.0/24', { country_code => 'ZZ', city => '', latitude => 0, longitude => 0 });
out($flat, 'b-flat.mmdb');
my $asn = tree(6, 'GeoLite2-ASN');
$asn->insert_range('198.51.100.0', '198.51.100.127', { autonomous_system_number => 64496, autonomous_system_organization => 'Example One' });
$asn->insert_network('203.0.113.0/24', { autonomous_system_number => 64497 });
out($asn, 'c-asn.mmdb');
)PL";
    if (std::system(("perl " + script + " " + dir_).c_str()) != 0) return;
    std::ofstream(dir_ + "/d-broken.mmdb") << "not a database";
    written_ = true;
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  static IpAddress ip(const char* text) { return *IpAddress::parse(text); }
  static std::string dir_;
  static bool written_;
};
std::string GeoIpTest::dir_;
bool GeoIpTest::written_ = false;

TEST_F(GeoIpTest, OpensEveryDatabaseOfADirectoryAndReportsTheBrokenOne) {
  std::vector<std::string> problems;
  auto db = GeoDatabases::openDir(dir_, &problems);
  EXPECT_EQ(db->size(), 3u);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("d-broken.mmdb"), std::string::npos) << problems[0];
  const auto d = db->describe();
  ASSERT_EQ(d.size(), 3u);
  EXPECT_NE(d[0].find("a-city.mmdb (GeoLite2-City, IPv6"), std::string::npos) << d[0];
}

TEST_F(GeoIpTest, AbsentDirectoryGivesAnEmptySet) {
  std::vector<std::string> problems;
  auto db = GeoDatabases::openDir(dir_ + "/nothing-here", &problems);
  EXPECT_TRUE(db->empty());
  EXPECT_TRUE(problems.empty());
  const GeoInfo g = db->lookup(ip("198.51.100.7"));
  EXPECT_FALSE(g.hasCountry());
  EXPECT_EQ(g.asn, 0u);
}

TEST_F(GeoIpTest, MaxMindLayoutWithAsnFromAnotherFile) {
  auto db = GeoDatabases::openDir(dir_, nullptr);
  GeoText name;
  const GeoInfo g = db->lookup(ip("198.51.100.7"), nullptr, &name);
  EXPECT_EQ(std::string(g.country, 2), "FR");
  EXPECT_EQ(db->text(name), "France");
  EXPECT_EQ(db->text(g.city), "Lyon");  // the first file that has a city gives it
  ASSERT_TRUE(g.has_location);
  EXPECT_FLOAT_EQ(g.latitude, 45.75f);
  EXPECT_FLOAT_EQ(g.longitude, 4.85f);
  EXPECT_EQ(g.asn, 64496u);
  EXPECT_EQ(db->text(g.as_name), "Example One");
  EXPECT_EQ(db->layoutOf(0), GeoLayout::MaxMind);
  // The second half of the /24 is in no AS range.
  EXPECT_EQ(db->lookup(ip("198.51.100.200")).asn, 0u);
}

TEST_F(GeoIpTest, FlatLayout) {
  auto db = GeoDatabases::openDir(dir_, nullptr);
  const GeoInfo g = db->lookup(ip("203.0.113.9"));
  EXPECT_EQ(std::string(g.country, 2), "BR");
  EXPECT_EQ(db->text(g.city), "Recife");
  ASSERT_TRUE(g.has_location);
  EXPECT_NEAR(g.latitude, -8.05, 1e-5);
  EXPECT_NEAR(g.longitude, -34.9, 1e-5);
  EXPECT_EQ(g.asn, 64497u);
  EXPECT_TRUE(g.as_name.empty());
  EXPECT_EQ(db->layoutOf(1), GeoLayout::Flat);
}

TEST_F(GeoIpTest, UnknownCountryAndEmptyTextsAreLeftOut) {
  auto db = GeoDatabases::openDir(dir_, nullptr);
  const GeoInfo g = db->lookup(ip("192.0.2.1"));
  EXPECT_FALSE(g.hasCountry());  // ZZ
  EXPECT_TRUE(g.city.empty());
  EXPECT_TRUE(g.has_location);  // 0, 0 is a place
}

TEST_F(GeoIpTest, RegisteredCountryWhenNoCountryAndIpv6SkipsIpv4OnlyFiles) {
  auto db = GeoDatabases::openDir(dir_, nullptr);
  GeoText name;
  const GeoInfo g = db->lookup(ip("2001:db8:1::5"), nullptr, &name);
  EXPECT_EQ(std::string(g.country, 2), "IT");  // upper-cased
  EXPECT_EQ(db->text(name), "Italy");
  EXPECT_FALSE(g.has_location);
  EXPECT_FALSE(db->lookup(ip("2001:db8:2::5")).hasCountry());
}

TEST_F(GeoIpTest, CachesAnswerForEveryAddressOfAPrefix) {
  auto db = GeoDatabases::openDir(dir_, nullptr);
  GeoLookupCache cache;
  // 203.0.113.0/24 is one record in each file that has it: the whole /24 is answered at once.
  const GeoInfo a = db->lookup(ip("203.0.113.1"), &cache);
  EXPECT_EQ(cache.prefix_hits, 0u);
  const GeoInfo b = db->lookup(ip("203.0.113.200"), &cache);
  EXPECT_EQ(cache.prefix_hits, 1u);
  EXPECT_EQ(std::string(b.country, 2), std::string(a.country, 2));
  EXPECT_EQ(db->text(b.city), "Recife");
  EXPECT_EQ(b.asn, 64497u);
  // 198.51.100.0/25 is an AS range smaller than the /24: no answer for the prefix, but the
  // records read for the first address serve the second.
  const GeoInfo c = db->lookup(ip("198.51.100.3"), &cache);
  const uint64_t record_hits = cache.record_hits;
  const GeoInfo d = db->lookup(ip("198.51.100.9"), &cache);
  EXPECT_EQ(cache.prefix_hits, 1u);
  EXPECT_EQ(cache.record_hits, record_hits + 3);  // city, flat and AS files
  EXPECT_EQ(c.asn, 64496u);
  EXPECT_EQ(d.asn, 64496u);
  EXPECT_EQ(db->lookup(ip("198.51.100.200"), &cache).asn, 0u);  // the other half: no AS
  // Bounded: more prefixes than slots (addresses no database has) push older ones out, and
  // every answer stays right.
  for (uint32_t i = 0; i < 2 * GeoLookupCache::kSlots; ++i) {
    const GeoInfo none = db->lookup(IpAddress::v4((11u << 24) | (i << 8) | 1), &cache);
    ASSERT_FALSE(none.hasCountry() || none.asn) << i;
  }
  EXPECT_EQ(std::string(db->lookup(ip("2001:db8:1::7"), &cache).country, 2), "IT");
  EXPECT_EQ(db->lookup(ip("198.51.100.4"), &cache).asn, 64496u);
  EXPECT_EQ(db->text(db->lookup(ip("203.0.113.77"), &cache).city), "Recife");
}

TEST_F(GeoIpTest, PrivateAndSpecialAddressesAreNotLookedUp) {
  auto db = GeoDatabases::openDir(dir_, nullptr);
  for (const char* a : {"10.1.2.3", "192.168.1.1", "172.20.0.1", "127.0.0.1", "169.254.1.1", "100.64.0.1", "224.0.0.251",
                        "255.255.255.255", "::1", "fe80::1", "fd00::1", "ff02::fb"}) {
    const GeoInfo g = db->lookup(ip(a));
    EXPECT_FALSE(g.hasCountry() || g.has_location || g.asn) << a;
  }
}

namespace mmdb_check {

std::string textAt(const MMDB_s& m, const MmdbText& t) {
  return std::string(reinterpret_cast<const char*>(m.data_section) + t.offset, t.length);
}

template <typename... Path>
std::optional<MMDB_entry_data_s> get(MMDB_entry_s entry, Path... path) {
  MMDB_entry_data_s d{};
  if (MMDB_get_value(&entry, &d, path..., nullptr) != MMDB_SUCCESS || !d.has_data) return std::nullopt;
  return d;
}
std::string str(const std::optional<MMDB_entry_data_s>& d) {
  if (!d || d->type != MMDB_DATA_TYPE_UTF8_STRING) return {};
  return std::string(d->utf8_string, d->data_size);
}
std::optional<double> num(const std::optional<MMDB_entry_data_s>& d) {
  if (!d) return std::nullopt;
  switch (d->type) {
    case MMDB_DATA_TYPE_DOUBLE: return d->double_value;
    case MMDB_DATA_TYPE_FLOAT: return d->float_value;
    case MMDB_DATA_TYPE_UINT16: return d->uint16;
    case MMDB_DATA_TYPE_UINT32: return d->uint32;
    case MMDB_DATA_TYPE_INT32: return d->int32;
    case MMDB_DATA_TYPE_UINT64: return double(d->uint64);
    default: return std::nullopt;
  }
}
std::string code(const char c[2]) { return c[0] ? std::string(c, 2) : std::string(); }

// Every field readMmdbRecord gives for the record of `address` equals what libmaxminddb says.
// Returns false when the address has no record.
bool sameAsLibmaxminddb(const MMDB_s& m, const char* address, const std::string& where) {
  int gai = 0, err = 0;
  MMDB_lookup_result_s res = MMDB_lookup_string(&m, address, &gai, &err);
  if (gai != 0 || err != MMDB_SUCCESS || !res.found_entry) return false;
  const MmdbRecord r = readMmdbRecord(m.data_section, m.data_section_size, res.entry.offset);
  const std::string at = where + " " + address;
  EXPECT_FALSE(r.malformed) << at;
  MMDB_entry_s e = res.entry;
  if (get(e, "country_code")) EXPECT_EQ(code(r.country), str(get(e, "country_code"))) << at;
  else EXPECT_EQ(code(r.country), str(get(e, "country", "iso_code"))) << at;
  EXPECT_EQ(textAt(m, r.country_name), str(get(e, "country", "names", "en"))) << at;
  EXPECT_EQ(code(r.registered_country), str(get(e, "registered_country", "iso_code"))) << at;
  EXPECT_EQ(textAt(m, r.registered_country_name), str(get(e, "registered_country", "names", "en"))) << at;
  const std::string city = get(e, "city", "names", "en") ? str(get(e, "city", "names", "en")) : str(get(e, "city"));
  EXPECT_EQ(textAt(m, r.city), city) << at;
  const auto lat = get(e, "latitude") ? num(get(e, "latitude")) : num(get(e, "location", "latitude"));
  const auto lon = get(e, "longitude") ? num(get(e, "longitude")) : num(get(e, "location", "longitude"));
  EXPECT_EQ(r.has_latitude, lat.has_value()) << at;
  EXPECT_EQ(r.has_longitude, lon.has_value()) << at;
  if (lat && r.has_latitude) {
    EXPECT_DOUBLE_EQ(r.latitude, *lat) << at;
  }
  if (lon && r.has_longitude) {
    EXPECT_DOUBLE_EQ(r.longitude, *lon) << at;
  }
  const auto asn = num(get(e, "autonomous_system_number"));
  EXPECT_EQ(double(r.asn), asn.value_or(0)) << at;
  EXPECT_EQ(textAt(m, r.as_name), str(get(e, "autonomous_system_organization"))) << at;
  return true;
}

// Random public-looking addresses (and a few of the test databases' networks), each file.
void checkFiles(const std::vector<std::string>& files, int addresses) {
  std::mt19937 rng(5);
  for (const std::string& path : files) {
    MMDB_s m{};
    ASSERT_EQ(MMDB_open(path.c_str(), MMDB_MODE_MMAP, &m), MMDB_SUCCESS) << path;
    int found = 0;
    for (const char* a : {"198.51.100.7", "203.0.113.9", "192.0.2.1", "2001:db8:1::5", "8.8.8.8", "2a00:1450::1"})
      found += sameAsLibmaxminddb(m, a, path);
    for (int i = 0; i < addresses; ++i) {
      const uint32_t v = uint32_t(rng()), w = uint32_t(rng());
      char text[48];
      if (i % 4 == 3 && m.metadata.ip_version == 6) {
        std::snprintf(text, sizeof text, "2%03x:%x:%x::1", v & 0xFFF, (v >> 12) & 0xFFFF, w & 0xFFFF);
      } else {
        std::snprintf(text, sizeof text, "%u.%u.%u.%u", 1 + (v >> 24) % 222, (v >> 16) & 255, (v >> 8) & 255, v & 255);
      }
      found += sameAsLibmaxminddb(m, text, path);
    }
    EXPECT_GT(found, 0) << path << ": no address found a record";
    MMDB_close(&m);
  }
}

}  // namespace mmdb_check

TEST_F(GeoIpTest, RecordReaderAgreesWithLibmaxminddbOnTheTestDatabases) {
  mmdb_check::checkFiles({dir_ + "/a-city.mmdb", dir_ + "/b-flat.mmdb", dir_ + "/c-asn.mmdb"}, 200);
}

TEST(MmdbRecord, RecordReaderAgreesWithLibmaxminddbOnTheInstalledDatabases) {
  std::vector<std::string> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(NETLENS_DEFAULT_GEOIP_DIR, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".mmdb") files.push_back(it->path().string());
  if (files.empty()) GTEST_SKIP() << "no database installed in " NETLENS_DEFAULT_GEOIP_DIR " (scripts/install-geoip.sh)";
  mmdb_check::checkFiles(files, 3000);
}

// GeoDatabases' own walks (with their /20 jump tables) find the records libmaxminddb finds:
// country and AS of random addresses as the first file that has each gives them.
TEST(MmdbRecord, LookupsAgreeWithLibmaxminddbOnTheInstalledDatabases) {
  std::vector<std::string> files;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(NETLENS_DEFAULT_GEOIP_DIR, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".mmdb") files.push_back(it->path().string());
  if (files.empty()) GTEST_SKIP() << "no database installed in " NETLENS_DEFAULT_GEOIP_DIR " (scripts/install-geoip.sh)";
  std::sort(files.begin(), files.end());
  auto db = GeoDatabases::openFiles(files, nullptr);
  std::vector<MMDB_s> m(files.size());
  for (size_t i = 0; i < files.size(); ++i) ASSERT_EQ(MMDB_open(files[i].c_str(), MMDB_MODE_MMAP, &m[i]), MMDB_SUCCESS);
  std::mt19937 rng(11);
  int located = 0;
  for (int i = 0; i < 5000; ++i) {
    const uint32_t v = uint32_t(rng());
    if ((v >> 24) == 0 || (v >> 24) == 10 || (v >> 24) == 127 || (v >> 24) >= 224) continue;
    char text[16];
    std::snprintf(text, sizeof text, "%u.%u.%u.%u", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255);
    const IpAddress ip = *IpAddress::parse(text);
    if (ip.isV4() && (((v >> 24) == 172 && ((v >> 16) & 0xF0) == 16) || (v >> 16) == 0xC0A8 || (v >> 16) == 0xA9FE ||
                      ((v >> 24) == 100 && ((v >> 16) & 0xC0) == 64)))
      continue;  // private and special ranges are not looked up
    std::string country;
    uint64_t asn = 0;
    for (MMDB_s& f : m) {
      int gai = 0, err = 0;
      MMDB_lookup_result_s res = MMDB_lookup_string(&f, text, &gai, &err);
      if (gai || err != MMDB_SUCCESS || !res.found_entry) continue;
      const MmdbRecord r = readMmdbRecord(f.data_section, f.data_section_size, res.entry.offset);
      std::string c = r.country[0] ? std::string(r.country, 2) : std::string(r.registered_country[0] ? r.registered_country : "", r.registered_country[0] ? 2 : 0);
      for (char& ch : c) ch = char(std::toupper(uint8_t(ch)));
      if (country.empty() && !c.empty() && c != "ZZ") country = c;
      if (asn == 0) asn = r.asn;
    }
    const GeoInfo g = db->lookup(ip);
    EXPECT_EQ(g.hasCountry() ? std::string(g.country, 2) : std::string(), country) << text;
    EXPECT_EQ(g.asn, asn) << text;
    located += g.hasCountry();
  }
  EXPECT_GT(located, 1000);
  for (MMDB_s& f : m) MMDB_close(&f);
}

// MaxMind DB data-section bytes, built by hand.
struct Data {
  std::vector<uint8_t> b;
  Data& ctrl(unsigned type, uint32_t size) {
    const uint8_t sz = size < 29 ? uint8_t(size) : 29;
    if (type <= 7) {
      b.push_back(uint8_t(type << 5 | sz));
    } else {
      b.push_back(sz);
      b.push_back(uint8_t(type - 7));
    }
    if (size >= 29) b.push_back(uint8_t(size - 29));  // sizes up to 284 here
    return *this;
  }
  Data& str(const std::string& s) {
    ctrl(2, uint32_t(s.size()));
    b.insert(b.end(), s.begin(), s.end());
    return *this;
  }
  Data& map(uint32_t n) { return ctrl(7, n); }
  Data& f64(double d) {
    ctrl(3, 8);
    uint64_t x;
    std::memcpy(&x, &d, 8);
    for (int i = 7; i >= 0; --i) b.push_back(uint8_t(x >> (8 * i)));
    return *this;
  }
  Data& f32(float f) {
    ctrl(15, 4);
    uint32_t x;
    std::memcpy(&x, &f, 4);
    for (int i = 3; i >= 0; --i) b.push_back(uint8_t(x >> (8 * i)));
    return *this;
  }
  Data& u32(uint32_t v) {
    ctrl(6, 4);
    for (int i = 3; i >= 0; --i) b.push_back(uint8_t(v >> (8 * i)));
    return *this;
  }
  Data& pointer(uint32_t to) {  // 11-bit form
    b.push_back(uint8_t(1 << 5 | (to >> 8)));
    b.push_back(uint8_t(to));
    return *this;
  }
  uint32_t size() const { return uint32_t(b.size()); }
};

TEST(MmdbRecord, ReadsBothLayoutsThroughPointers) {
  Data d;
  d.str("Deutsche Telekom AG");  // at 0, shared through a pointer
  const uint32_t rec = d.size();
  d.map(6).str("country_code").str("de").str("latitude").f64(52.52).str("longitude").f32(13.4f);
  d.str("autonomous_system_number").u32(3320).str("autonomous_system_organization").pointer(0);
  d.str("unused").map(1).str("x").str("y");  // skipped whole
  MmdbRecord r = readMmdbRecord(d.b.data(), d.b.size(), rec);
  EXPECT_FALSE(r.malformed);
  EXPECT_TRUE(r.flat_fields);
  EXPECT_FALSE(r.maxmind_fields);
  EXPECT_EQ(std::string(r.country, 2), "de");  // as found
  EXPECT_TRUE(r.has_latitude && r.has_longitude);
  EXPECT_DOUBLE_EQ(r.latitude, 52.52);
  EXPECT_FLOAT_EQ(float(r.longitude), 13.4f);
  EXPECT_EQ(r.asn, 3320u);
  EXPECT_EQ(r.as_name.offset, 1u);  // past the string's control byte
  EXPECT_EQ(r.as_name.length, 19u);

  Data n;
  n.str("Brazil");
  const uint32_t m = n.size();
  n.map(2).str("city").map(1).str("names").map(2).str("pt-BR").str("Recife").str("en").str("Recife");
  n.str("registered_country").map(2).str("iso_code").str("BR").str("names").map(1).str("en").pointer(0);
  r = readMmdbRecord(n.b.data(), n.b.size(), m);
  EXPECT_FALSE(r.malformed);
  EXPECT_TRUE(r.maxmind_fields);
  EXPECT_EQ(std::string(r.registered_country, 2), "BR");
  EXPECT_EQ(r.registered_country_name.offset, 1u);
  EXPECT_EQ(r.registered_country_name.length, 6u);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(n.b.data()) + r.city.offset, r.city.length), "Recife");
  EXPECT_EQ(r.country[0], 0);
}

TEST(MmdbRecord, MalformedRecordsReadAsFarAsTheyAreWellFormed) {
  // A string longer than the data: the fields before it stay.
  Data t;
  t.map(2).str("country_code").str("FR").str("city");
  t.ctrl(2, 20).b.push_back('L');
  MmdbRecord r = readMmdbRecord(t.b.data(), t.b.size(), 0);
  EXPECT_TRUE(r.malformed);
  EXPECT_EQ(std::string(r.country, 2), "FR");
  EXPECT_TRUE(r.city.empty());
  // A pointer to a pointer.
  Data p;
  p.pointer(2).pointer(0);
  r = readMmdbRecord(p.b.data(), p.b.size(), 0);
  EXPECT_TRUE(r.malformed);
  // A pointer past the end, an offset past the end, nothing at all.
  Data q;
  q.map(1).str("asn-less").pointer(2000);
  EXPECT_FALSE(readMmdbRecord(q.b.data(), q.b.size(), 0).malformed);  // an unused key's pointer is not followed
  Data q2;
  q2.map(1).str("country_code").pointer(2000);
  EXPECT_TRUE(readMmdbRecord(q2.b.data(), q2.b.size(), 0).malformed);
  EXPECT_TRUE(readMmdbRecord(q.b.data(), q.b.size(), 5000).malformed);
  EXPECT_TRUE(readMmdbRecord(nullptr, 0, 0).malformed);
  // A map that claims far more entries than there are bytes.
  Data big;
  big.b = {uint8_t(7 << 5 | 31), 0xFF, 0xFF, 0xFF};
  EXPECT_TRUE(readMmdbRecord(big.b.data(), big.b.size(), 0).malformed);
  // Maps nested deeper than anything real, under a key that is skipped: refused, not recursed into.
  Data deep;
  deep.map(1).str("unused");
  for (int i = 0; i < 100; ++i) deep.map(1).str("k");
  deep.str("v");
  EXPECT_TRUE(readMmdbRecord(deep.b.data(), deep.b.size(), 0).malformed);
  // Not a map: a string where the record should be.
  Data s;
  s.str("hello");
  EXPECT_TRUE(readMmdbRecord(s.b.data(), s.b.size(), 0).malformed);
  // Numbers of the wrong width are not numbers.
  Data w;
  w.map(1).str("latitude").ctrl(3, 4).b.insert(w.b.end(), {0, 0, 0, 0});
  r = readMmdbRecord(w.b.data(), w.b.size(), 0);
  EXPECT_FALSE(r.malformed);
  EXPECT_FALSE(r.has_latitude);
}

}  // namespace
}  // namespace netlens
