#include <gtest/gtest.h>

#include "collect/netflow_parser.hpp"
#include "export_builders.hpp"

namespace netlens::test {
namespace {

using namespace flowexport;

constexpr Micros kNow = 1'700'000'000ull * kMicrosPerSecond;
constexpr uint32_t kExportSecs = 1'700'000'000;

ParseResult parse(NetflowParser& p, const Bytes& d, std::vector<FlowRecord>& out,
                  const char* exporter = "2001:db8::99") {
  return p.parse(d.data(), d.size(), ip(exporter), kNow, out);
}

TEST(Ipfix, EnterpriseAndVariableLengthFieldsAreSkippedByLength) {
  // sourceIPv6Address, destinationIPv6Address, an enterprise field (4 bytes), a variable-length
  // field (applicationName, 96), octetDeltaCount (8 bytes), packetDeltaCount (2 bytes),
  // flowStart/EndMilliseconds, another variable-length enterprise field, ports, protocol.
  const std::vector<Field> fields = {{27, 16}, {28, 16}, {100, 4, 9},  {96, 65535},
                                     {1, 8},   {2, 2},   {152, 8},     {153, 8},
                                     {7, 65535, 29305},  {7, 2}, {11, 2}, {4, 1}};
  auto record = [](const Bytes& name, const Bytes& blob, uint64_t bytes) {
    Bytes r;
    putIp(r, "2001:db8::1");
    putIp(r, "2001:db8::2");
    put32(r, 0xdeadbeef);
    if (name.size() < 255) {
      put8(r, uint8_t(name.size()));
    } else {
      put8(r, 255);
      put16(r, uint16_t(name.size()));
    }
    append(r, name);
    putN(r, bytes, 8);
    put16(r, 9);
    putN(r, 1'700'000'000'123ull, 8);
    putN(r, 1'700'000'001'456ull, 8);
    put8(r, uint8_t(blob.size()));
    append(r, blob);
    put16(r, 50000);
    put16(r, 443);
    put8(r, 6);
    return r;
  };
  Bytes records = record(Bytes{'h', 't', 't', 'p', 's'}, {}, 1234);
  append(records, record(Bytes(300, 'x'), Bytes(3, 1), 5678));  // the three-byte length form
  const Bytes d = ipfixMessage({set(2, templateRecord(400, fields)), set(400, records)},
                               kExportSecs, 77);
  NetflowParser parser;
  std::vector<FlowRecord> out;
  const ParseResult r = parse(parser, d, out);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.version, 10);
  ASSERT_EQ(out.size(), 2u);
  for (const FlowRecord& f : out) {
    EXPECT_EQ(f.export_version, 10);
    EXPECT_EQ(f.ip_version, 6);
    EXPECT_EQ(f.src_ip, ip("2001:db8::1"));
    EXPECT_EQ(f.dst_ip, ip("2001:db8::2"));
    EXPECT_EQ(f.src_port, 50000);
    EXPECT_EQ(f.dst_port, 443);
    EXPECT_EQ(f.l4_proto, 6);
    EXPECT_EQ(f.packets, 9u);
    EXPECT_EQ(f.first_switched, 1'700'000'000'123'000ull);
    EXPECT_EQ(f.last_switched, 1'700'000'001'456'000ull);
    EXPECT_EQ(f.observation_domain, 77u);
    EXPECT_EQ(f.exporter, ip("2001:db8::99"));
  }
  EXPECT_EQ(out[0].bytes, 1234u);
  EXPECT_EQ(out[1].bytes, 5678u);
}

TEST(Ipfix, SecondsAndTotalCounters) {
  const std::vector<Field> fields = {{8, 4}, {12, 4}, {150, 4}, {151, 4}, {85, 8}, {86, 4}};
  Bytes rec;
  putIp(rec, "192.0.2.10");
  putIp(rec, "192.0.2.20");
  put32(rec, 1'699'999'990);
  put32(rec, 1'700'000'000);
  putN(rec, 999'999, 8);
  put32(rec, 700);
  NetflowParser parser;
  std::vector<FlowRecord> out;
  parse(parser, ipfixMessage({set(2, templateRecord(256, fields)), set(256, rec)}, kExportSecs, 1),
        out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ip_version, 4);
  EXPECT_EQ(out[0].bytes, 999'999u);
  EXPECT_EQ(out[0].packets, 700u);
  EXPECT_EQ(out[0].first_switched, 1'699'999'990ull * kMicrosPerSecond);
  EXPECT_EQ(out[0].last_switched, 1'700'000'000ull * kMicrosPerSecond);
}

TEST(Ipfix, OptionsTemplateSamplingPacketIntervalPerDomain) {
  NetflowParser parser;
  std::vector<FlowRecord> out;
  // Scope: observationDomainId (149); option: samplingPacketInterval (305).
  Bytes opt;
  put32(opt, 5);
  put32(opt, 1000);
  ParseResult r = parse(parser,
                        ipfixMessage({set(3, ipfixOptionsTemplateRecord(500, {{149, 4}}, {{305, 4}})),
                                      set(500, opt)},
                                     kExportSecs, 5),
                        out);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.option_records, 1u);
  EXPECT_TRUE(out.empty());
  const std::vector<Field> fields = {{8, 4}, {1, 4}, {2, 4}};
  Bytes rec;
  putIp(rec, "192.0.2.10");
  put32(rec, 100);
  put32(rec, 1);
  const Bytes data5 = ipfixMessage({set(2, templateRecord(256, fields)), set(256, rec)}, kExportSecs, 5);
  const Bytes data6 = ipfixMessage({set(2, templateRecord(256, fields)), set(256, rec)}, kExportSecs, 6);
  parse(parser, data5, out);
  parse(parser, data6, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].bytes, 100'000u);
  EXPECT_EQ(out[0].packets, 1000u);
  EXPECT_EQ(out[0].sampling_rate, 1000u);
  EXPECT_EQ(out[1].bytes, 100u);  // domain 6 announced no sampling
  EXPECT_EQ(out[1].sampling_rate, 1u);
}

TEST(Ipfix, TemplateWithdrawal) {
  NetflowParser parser;
  std::vector<FlowRecord> out;
  Bytes body = templateRecord(256, {{8, 4}});
  append(body, templateRecord(257, {{8, 4}}));
  parse(parser, ipfixMessage({set(2, body)}, kExportSecs, 1), out);
  EXPECT_EQ(parser.templateCount(), 2u);
  ParseResult r = parse(parser, ipfixMessage({set(2, templateRecord(256, {}))}, kExportSecs, 1), out);
  EXPECT_EQ(r.templates_withdrawn, 1u);
  EXPECT_EQ(parser.templateCount(), 1u);
  r = parse(parser, ipfixMessage({set(2, templateRecord(2, {}))}, kExportSecs, 1), out);  // all
  EXPECT_EQ(r.templates_withdrawn, 1u);
  EXPECT_EQ(parser.templateCount(), 0u);
}

TEST(Ipfix, DataSetPaddingIsIgnored) {
  Bytes rec;
  putIp(rec, "192.0.2.10");
  put8(rec, 17);  // 5-byte records: the set is padded with 3 zeros
  NetflowParser parser;
  std::vector<FlowRecord> out;
  const ParseResult r = parse(
      parser, ipfixMessage({set(2, templateRecord(256, {{8, 4}, {4, 1}})), set(256, rec, true)},
                           kExportSecs, 1),
      out);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.records, 1u);
}

TEST(Ipfix, MessageLengthBelowDatagramIgnoresTrailingBytes) {
  Bytes d = ipfixMessage({set(2, templateRecord(256, {{8, 4}}))}, kExportSecs, 1);
  d.insert(d.end(), {0xff, 0xff, 0xff});
  NetflowParser parser;
  std::vector<FlowRecord> out;
  const ParseResult r = parse(parser, d, out);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.templates_learned, 1u);
}

}  // namespace
}  // namespace netlens::test
