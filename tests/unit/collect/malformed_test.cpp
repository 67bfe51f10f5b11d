// Bad input: every truncation of valid datagrams, absurd set lengths, impossible templates.
// Nothing may crash or loop; each is counted as malformed with a reason.
#include <gtest/gtest.h>

#include <set>

#include "collect/netflow_parser.hpp"
#include "export_builders.hpp"

namespace netlens::test {
namespace {

using namespace flowexport;

constexpr Micros kNow = 1'700'000'000ull * kMicrosPerSecond;

ParseResult parse(NetflowParser& p, const Bytes& d, std::vector<FlowRecord>& out) {
  return p.parse(d.data(), d.size(), ip("192.0.2.1"), kNow, out);
}

// Cuts `d` at every length below its own. A cut is malformed unless it falls exactly between two
// sets of a v9 datagram (`clean_cuts`), which leaves a shorter valid datagram.
void truncateEverywhere(const Bytes& d, const std::set<size_t>& clean_cuts) {
  for (size_t n = 0; n < d.size(); ++n) {
    NetflowParser parser;
    std::vector<FlowRecord> out;
    // A buffer of exactly n bytes, so a sanitizer build sees any read past the cut.
    const Bytes cut(d.begin(), d.begin() + long(n));
    const ParseResult r = parse(parser, cut, out);
    if (clean_cuts.count(n) != 0) {
      EXPECT_EQ(r.malformed, 0u) << "cut at " << n;
    } else {
      EXPECT_GE(r.malformed, 1u) << "cut at " << n;
      EXPECT_NE(r.error, nullptr);
    }
    EXPECT_EQ(out.size(), r.records);
  }
}

TEST(Malformed, TruncatedV5AtEveryLength) {
  truncateEverywhere(v5Datagram({V5Flow{}, V5Flow{}}, 1000, 1'700'000'000), {});
}

TEST(Malformed, TruncatedV9AtEveryLength) {
  const Bytes first = set(0, templateRecord(256, ipv4Template()));
  const Bytes second = set(1, v9OptionsTemplateRecord(257, {{1, 4}}, {{34, 4}}));
  Bytes opt;
  put32(opt, 0);
  put32(opt, 10);
  const Bytes third = set(257, opt);
  const Bytes fourth = set(256, ipv4Record("10.0.0.1", "10.0.0.2", 1, 2, 6, 3, 4, 5, 6));
  const Bytes d = v9Datagram({first, second, third, fourth}, 1000, 1'700'000'000, 1);
  const size_t h = 20;
  truncateEverywhere(d, {h, h + first.size(), h + first.size() + second.size(),
                         h + first.size() + second.size() + third.size()});
}

TEST(Malformed, TruncatedIpfixAtEveryLength) {
  const Bytes d = ipfixMessage(
      {set(2, templateRecord(256, {{8, 4}, {96, 65535}, {1, 8}})),
       set(256, Bytes{10, 0, 0, 1, 3, 'a', 'b', 'c', 0, 0, 0, 0, 0, 0, 0, 9})},
      1'700'000'000, 1);
  // The message length says more than every cut holds.
  truncateEverywhere(d, {});
}

TEST(Malformed, TruncatedVariableLengthFieldInsideAValidSet) {
  NetflowParser parser;
  std::vector<FlowRecord> out;
  // A record claiming a 200-byte string in a set that has 3.
  const ParseResult r = parse(
      parser,
      ipfixMessage({set(2, templateRecord(256, {{96, 65535}})), set(256, Bytes{200, 'a', 'b'})},
                   1'700'000'000, 1),
      out);
  EXPECT_EQ(r.malformed, 1u);
  EXPECT_STREQ(r.error, "truncated variable-length field");
}

TEST(Malformed, AbsurdSetLengths) {
  const Bytes tmpl = templateRecord(256, {{8, 4}});
  for (uint16_t length : {0, 1, 2, 3, 200, 65535}) {
    Bytes s = set(0, tmpl);
    s[2] = uint8_t(length >> 8);
    s[3] = uint8_t(length);
    NetflowParser parser;
    std::vector<FlowRecord> out;
    const ParseResult r = parse(parser, v9Datagram({s}, 1000, 1'700'000'000, 1), out);
    EXPECT_EQ(r.malformed, 1u) << length;
    EXPECT_EQ(r.templates_learned, 0u) << length;
  }
  // An IPFIX message length beyond the datagram, or shorter than its header.
  for (uint16_t length : {0, 15, 200, 65535}) {
    Bytes d = ipfixMessage({set(2, tmpl)}, 1'700'000'000, 1);
    d[2] = uint8_t(length >> 8);
    d[3] = uint8_t(length);
    NetflowParser parser;
    std::vector<FlowRecord> out;
    EXPECT_EQ(parse(parser, d, out).malformed, 1u) << length;
  }
}

TEST(Malformed, TemplatesThatCannotBe) {
  struct Case {
    const char* name;
    Bytes datagram;
    const char* error;
  };
  Bytes overflow;  // claims 100 fields, carries one
  put16(overflow, 256);
  put16(overflow, 100);
  putFields(overflow, {{8, 4}});
  Bytes too_many;  // more fields than a template may have
  put16(too_many, 256);
  put16(too_many, 600);
  for (int i = 0; i < 600; ++i) putFields(too_many, {{8, 4}});
  Bytes v9_options_odd;
  put16(v9_options_odd, 257);
  put16(v9_options_odd, 3);
  put16(v9_options_odd, 4);
  putFields(v9_options_odd, {{1, 4}, {34, 4}});
  std::vector<Case> cases = {
      {"field count beyond set", v9Datagram({set(0, overflow)}, 1, 1, 1),
       "template field count beyond set"},
      {"too many fields", v9Datagram({set(0, too_many)}, 1, 1, 1), "template with too many fields"},
      {"id below 256", v9Datagram({set(0, templateRecord(255, {{8, 4}}))}, 1, 1, 1),
       "template id below 256"},
      {"zero-length record", v9Datagram({set(0, templateRecord(256, {{8, 0}}))}, 1, 1, 1),
       "template of zero-length records"},
      {"v9 without fields", v9Datagram({set(0, templateRecord(256, {}))}, 1, 1, 1),
       "template without fields"},
      {"v9 variable length", v9Datagram({set(0, templateRecord(256, {{8, 65535}}))}, 1, 1, 1),
       "variable-length field in v9 template"},
      {"v9 options lengths", v9Datagram({set(1, v9_options_odd)}, 1, 1, 1),
       "options template lengths not multiples of 4"},
      {"ipfix options without scope",
       ipfixMessage({set(3, ipfixOptionsTemplateRecord(256, {}, {{305, 4}}))}, 1, 1),
       "bad options template scope count"},
      {"ipfix enterprise field cut", ipfixMessage({set(2, Bytes{1, 0, 0, 1, 0x80, 1, 0, 4, 0, 0})}, 1, 1),
       "template field count beyond set"},
      {"empty", Bytes{}, "truncated header"},
      {"unknown version", Bytes{0, 7, 0, 0}, "unsupported version"},
      {"v5 no records", v5Datagram({}, 1, 1), "no records"},
  };
  for (const Case& c : cases) {
    NetflowParser parser;
    std::vector<FlowRecord> out;
    const ParseResult r = parse(parser, c.datagram, out);
    EXPECT_EQ(r.malformed, 1u) << c.name;
    ASSERT_NE(r.error, nullptr) << c.name;
    EXPECT_STREQ(r.error, c.error) << c.name;
    EXPECT_EQ(parser.templateCount(), 0u) << c.name;
  }
}

TEST(Malformed, UnknownTemplateIdsAreCountedPerSet) {
  NetflowParser parser;
  std::vector<FlowRecord> out;
  const ParseResult r = parse(parser,
                              v9Datagram({set(256, Bytes(8, 1)), set(999, Bytes(12, 2)),
                                          set(65535, Bytes(4, 3))},
                                         1, 1, 1),
                              out);
  EXPECT_EQ(r.skipped_unknown_template, 3u);
  EXPECT_EQ(r.malformed, 0u);
  EXPECT_TRUE(out.empty());
}

TEST(Malformed, ReservedSetIdsAreSkippedByLength) {
  NetflowParser parser;
  std::vector<FlowRecord> out;
  const ParseResult r = parse(
      parser, ipfixMessage({set(17, Bytes(8, 0xff)), set(2, templateRecord(256, {{8, 4}}))}, 1, 1),
      out);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.templates_learned, 1u);
}

}  // namespace
}  // namespace netlens::test
