// GeoDatabases against small .mmdb files written by Debian's libmaxmind-db-writer-perl in both
// layouts: MaxMind's (nested maps) and ip-location-db's flat one.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "enrich/geoip.hpp"

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

TEST_F(GeoIpTest, CachesAnswerForEveryAddressOfAPrefixOrRecord) {
  auto db = GeoDatabases::openDir(dir_, nullptr);
  GeoRecordCache cache;
  // 203.0.113.0/24 is one record in each file that has it: the whole /24 is answered at once.
  const GeoInfo a = db->lookup(ip("203.0.113.1"), &cache);
  EXPECT_EQ(cache.prefix_hits, 0u);
  const GeoInfo b = db->lookup(ip("203.0.113.200"), &cache);
  EXPECT_EQ(cache.prefix_hits, 1u);
  EXPECT_EQ(std::string(b.country, 2), std::string(a.country, 2));
  EXPECT_EQ(db->text(b.city), "Recife");
  EXPECT_EQ(b.asn, 64497u);
  // 198.51.100.0/25 is an AS range smaller than the /24: no prefix answer, but the decoded
  // records are reused.
  const GeoInfo c = db->lookup(ip("198.51.100.3"), &cache);
  const uint64_t misses = cache.misses;
  const GeoInfo d = db->lookup(ip("198.51.100.9"), &cache);
  EXPECT_EQ(cache.prefix_hits, 1u);
  EXPECT_EQ(cache.misses, misses);
  EXPECT_GT(cache.hits, 0u);
  EXPECT_EQ(c.asn, 64496u);
  EXPECT_EQ(d.asn, 64496u);
  EXPECT_EQ(db->lookup(ip("198.51.100.200"), &cache).asn, 0u);  // the other half: no AS
  cache.max_records = 1;  // bounded: cleared when full, answers unchanged
  cache.max_prefixes = 1;
  EXPECT_EQ(std::string(db->lookup(ip("2001:db8:1::7"), &cache).country, 2), "IT");  // a new record and prefix
  EXPECT_EQ(db->lookup(ip("198.51.100.4"), &cache).asn, 64496u);
  EXPECT_LE(cache.records.size(), 1u);
  EXPECT_LE(cache.prefixes.size(), 1u);
}

TEST_F(GeoIpTest, PrivateAndSpecialAddressesAreNotLookedUp) {
  auto db = GeoDatabases::openDir(dir_, nullptr);
  for (const char* a : {"10.1.2.3", "192.168.1.1", "172.20.0.1", "127.0.0.1", "169.254.1.1", "100.64.0.1", "224.0.0.251",
                        "255.255.255.255", "::1", "fe80::1", "fd00::1", "ff02::fb"}) {
    const GeoInfo g = db->lookup(ip(a));
    EXPECT_FALSE(g.hasCountry() || g.has_location || g.asn) << a;
  }
}

}  // namespace
}  // namespace netlens
