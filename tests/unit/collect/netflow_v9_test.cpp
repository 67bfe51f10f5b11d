#include <gtest/gtest.h>

#include "collect/netflow_parser.hpp"
#include "export_builders.hpp"

namespace netlens::test {
namespace {

using namespace flowexport;

constexpr Micros kNow = 1'700'000'000ull * kMicrosPerSecond;
constexpr uint32_t kUnixSecs = 1'700'000'000;
constexpr uint32_t kUptime = 500'000;

ParseResult parse(NetflowParser& p, const Bytes& d, std::vector<FlowRecord>& out,
                  const char* exporter = "198.51.100.1", Micros now = kNow) {
  return p.parse(d.data(), d.size(), ip(exporter), now, out);
}

TEST(NetflowV9, TemplateThenDataInSeparateDatagrams) {
  NetflowParser parser;
  std::vector<FlowRecord> out;
  const Bytes tmpl = v9Datagram({set(0, templateRecord(256, ipv4Template()))}, kUptime, kUnixSecs, 7);
  ParseResult r = parse(parser, tmpl, out);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.templates_learned, 1u);
  EXPECT_EQ(parser.templateCount(), 1u);
  EXPECT_TRUE(out.empty());

  Bytes records = ipv4Record("10.1.1.1", "10.2.2.2", 40000, 443, 6, 5000, 12, 490'000, 499'000);
  append(records, ipv4Record("10.1.1.3", "10.2.2.4", 53, 5353, 17, 80, 1, 500'000, 500'000));
  const Bytes data = v9Datagram({set(256, records, true)}, kUptime, kUnixSecs, 7, 2);
  r = parse(parser, data, out);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.records, 2u);
  ASSERT_EQ(out.size(), 2u);
  const FlowRecord& f = out[0];
  EXPECT_EQ(f.export_version, 9);
  EXPECT_EQ(f.ip_version, 4);
  EXPECT_EQ(f.src_ip, ip("10.1.1.1"));
  EXPECT_EQ(f.dst_ip, ip("10.2.2.2"));
  EXPECT_EQ(f.src_port, 40000);
  EXPECT_EQ(f.dst_port, 443);
  EXPECT_EQ(f.l4_proto, 6);
  EXPECT_EQ(f.tcp_flags, 0x12);
  EXPECT_EQ(f.tos, 0x28);
  EXPECT_EQ(f.bytes, 5000u);
  EXPECT_EQ(f.packets, 12u);
  EXPECT_EQ(f.input_if, 3u);
  EXPECT_EQ(f.output_if, 4u);
  EXPECT_EQ(f.vlan, 100);
  EXPECT_EQ(f.observation_domain, 7u);
  EXPECT_EQ(f.sampling_rate, 1u);
  const Micros export_time = Micros(kUnixSecs) * kMicrosPerSecond;
  EXPECT_EQ(f.first_switched, export_time - 10'000'000);
  EXPECT_EQ(f.last_switched, export_time - 1'000'000);
  EXPECT_TRUE(f.has(FlowField::Vlan) && f.has(FlowField::FirstSwitched));
  EXPECT_FALSE(f.has(FlowField::OutBytes));
  EXPECT_EQ(out[1].src_port, 53);
  EXPECT_EQ(out[1].last_switched, export_time);
}

TEST(NetflowV9, DataBeforeItsTemplateIsSkippedThenDecoded) {
  NetflowParser parser;
  std::vector<FlowRecord> out;
  const Bytes data = v9Datagram(
      {set(300, ipv4Record("10.1.1.1", "10.2.2.2", 1, 2, 6, 100, 1, kUptime, kUptime))}, kUptime,
      kUnixSecs, 1);
  ParseResult r = parse(parser, data, out);
  EXPECT_EQ(r.skipped_unknown_template, 1u);
  EXPECT_EQ(r.records, 0u);
  EXPECT_TRUE(r.ok());
  parse(parser, v9Datagram({set(0, templateRecord(300, ipv4Template()))}, kUptime, kUnixSecs, 1),
        out);
  r = parse(parser, data, out);
  EXPECT_EQ(r.records, 1u);
  EXPECT_EQ(r.skipped_unknown_template, 0u);
}

TEST(NetflowV9, TemplateAndDataInOneDatagramWithIpv6) {
  const std::vector<Field> v6 = {{27, 16}, {28, 16}, {7, 2}, {11, 2}, {4, 1},
                                 {23, 8},  {24, 8},  {1, 8}, {2, 8}};
  Bytes rec;
  putIp(rec, "2001:db8::1");
  putIp(rec, "2001:db8:ffff::2");
  put16(rec, 546);
  put16(rec, 547);
  put8(rec, 17);
  putN(rec, 7000, 8);
  putN(rec, 7, 8);
  putN(rec, 0x1'0000'0000ull, 8);  // a counter past 32 bits
  putN(rec, 3, 8);
  const Bytes d =
      v9Datagram({set(0, templateRecord(260, v6)), set(260, rec, true)}, kUptime, kUnixSecs, 0, 2);
  NetflowParser parser;
  std::vector<FlowRecord> out;
  const ParseResult r = parse(parser, d, out);
  EXPECT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ip_version, 6);
  EXPECT_EQ(out[0].src_ip, ip("2001:db8::1"));
  EXPECT_EQ(out[0].dst_ip, ip("2001:db8:ffff::2"));
  EXPECT_EQ(out[0].bytes, 0x1'0000'0000ull);
  EXPECT_EQ(out[0].packets, 3u);
  EXPECT_EQ(out[0].out_bytes, 7000u);
  EXPECT_EQ(out[0].out_packets, 7u);
  EXPECT_FALSE(out[0].has(FlowField::FirstSwitched));
}

TEST(NetflowV9, SameTemplateIdFromSeveralExportersAndSourceIds) {
  NetflowParser parser;
  std::vector<FlowRecord> out;
  // Three different layouts under id 256: exporter A source 1, exporter A source 2, exporter B.
  parse(parser, v9Datagram({set(0, templateRecord(256, {{8, 4}, {1, 4}}))}, kUptime, kUnixSecs, 1),
        out, "192.0.2.1");
  parse(parser, v9Datagram({set(0, templateRecord(256, {{1, 2}, {8, 4}}))}, kUptime, kUnixSecs, 2),
        out, "192.0.2.1");
  parse(parser, v9Datagram({set(0, templateRecord(256, {{1, 1}, {2, 1}, {8, 4}}))}, kUptime,
                           kUnixSecs, 1),
        out, "192.0.2.2");
  EXPECT_EQ(parser.templateCount(), 3u);

  Bytes a;
  putIp(a, "10.0.0.1");
  put32(a, 111);
  Bytes b;
  put16(b, 222);
  putIp(b, "10.0.0.2");
  Bytes c = {33, 4};
  putIp(c, "10.0.0.3");
  parse(parser, v9Datagram({set(256, a)}, kUptime, kUnixSecs, 1), out, "192.0.2.1");
  parse(parser, v9Datagram({set(256, b)}, kUptime, kUnixSecs, 2), out, "192.0.2.1");
  parse(parser, v9Datagram({set(256, c)}, kUptime, kUnixSecs, 1), out, "192.0.2.2");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].src_ip, ip("10.0.0.1"));
  EXPECT_EQ(out[0].bytes, 111u);
  EXPECT_EQ(out[1].src_ip, ip("10.0.0.2"));
  EXPECT_EQ(out[1].bytes, 222u);
  EXPECT_EQ(out[1].observation_domain, 2u);
  EXPECT_EQ(out[2].src_ip, ip("10.0.0.3"));
  EXPECT_EQ(out[2].bytes, 33u);
  EXPECT_EQ(out[2].packets, 4u);
  EXPECT_EQ(out[2].exporter, ip("192.0.2.2"));
}

TEST(NetflowV9, OptionsTemplateSamplingIntervalScalesCounters) {
  NetflowParser parser;
  std::vector<FlowRecord> out;
  // Scope: system (type 1) of 4 bytes; options: SAMPLING_INTERVAL (34, 4 bytes), algorithm (35).
  Bytes option_data;
  put32(option_data, 0);
  put32(option_data, 64);
  put8(option_data, 2);
  const Bytes d = v9Datagram(
      {set(1, v9OptionsTemplateRecord(257, {{1, 4}}, {{34, 4}, {35, 1}}), true),
       set(257, option_data, true), set(0, templateRecord(256, ipv4Template())),
       set(256, ipv4Record("10.1.1.1", "10.2.2.2", 1, 2, 6, 1500, 2, kUptime, kUptime))},
      kUptime, kUnixSecs, 9, 4);
  const ParseResult r = parse(parser, d, out);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.option_records, 1u);
  EXPECT_EQ(r.templates_learned, 2u);
  EXPECT_EQ(parser.samplingRate(ip("198.51.100.1"), 9), 64u);
  EXPECT_EQ(parser.samplingRate(ip("198.51.100.1"), 8), 1u);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].sampling_rate, 64u);
  EXPECT_EQ(out[0].bytes, 1500u * 64);
  EXPECT_EQ(out[0].packets, 2u * 64);
  EXPECT_TRUE(out[0].has(FlowField::Sampling));
}

TEST(NetflowV9, TemplatesExpireAfterTheTimeoutUnlessRefreshed) {
  NetflowParserConfig config;
  config.template_timeout = 60 * kMicrosPerSecond;
  NetflowParser parser(config);
  std::vector<FlowRecord> out;
  const Bytes tmpl = v9Datagram({set(0, templateRecord(256, ipv4Template()))}, kUptime, kUnixSecs, 1);
  const Bytes data = v9Datagram(
      {set(256, ipv4Record("10.1.1.1", "10.2.2.2", 1, 2, 6, 100, 1, kUptime, kUptime))}, kUptime,
      kUnixSecs, 1);
  const Micros t0 = kNow;
  parse(parser, tmpl, out, "198.51.100.1", t0);
  EXPECT_EQ(parse(parser, data, out, "198.51.100.1", t0 + 50 * kMicrosPerSecond).records, 1u);
  // Refreshed at t0 + 50 s (unchanged: counted as a refresh, not learned again).
  ParseResult r = parse(parser, tmpl, out, "198.51.100.1", t0 + 50 * kMicrosPerSecond);
  EXPECT_EQ(r.templates_refreshed, 1u);
  EXPECT_EQ(r.templates_learned, 0u);
  EXPECT_EQ(parse(parser, data, out, "198.51.100.1", t0 + 100 * kMicrosPerSecond).records, 1u);
  r = parse(parser, data, out, "198.51.100.1", t0 + 111 * kMicrosPerSecond);
  EXPECT_EQ(r.records, 0u);
  EXPECT_EQ(r.templates_expired, 1u);
  EXPECT_EQ(r.skipped_unknown_template, 1u);
  EXPECT_EQ(parser.templateCount(), 0u);
}

TEST(NetflowV9, ExpirySweepForgetsIdleTemplatesOfOtherExporters) {
  NetflowParserConfig config;
  config.template_timeout = 60 * kMicrosPerSecond;
  NetflowParser parser(config);
  std::vector<FlowRecord> out;
  parse(parser, v9Datagram({set(0, templateRecord(256, ipv4Template()))}, kUptime, kUnixSecs, 1),
        out, "192.0.2.1", kNow);
  const ParseResult r =
      parse(parser, v9Datagram({set(0, templateRecord(256, ipv4Template()))}, kUptime, kUnixSecs, 1),
            out, "192.0.2.2", kNow + 61 * kMicrosPerSecond);
  EXPECT_EQ(r.templates_expired, 1u);
  EXPECT_EQ(parser.templateCount(), 1u);
}

TEST(NetflowV9, TemplateTableIsBounded) {
  NetflowParserConfig config;
  config.max_templates = 2;
  NetflowParser parser(config);
  std::vector<FlowRecord> out;
  Bytes body = templateRecord(256, {{8, 4}});
  append(body, templateRecord(257, {{8, 4}}));
  append(body, templateRecord(258, {{8, 4}}));
  const ParseResult r = parse(parser, v9Datagram({set(0, body)}, kUptime, kUnixSecs, 1), out);
  EXPECT_EQ(r.templates_learned, 2u);
  EXPECT_EQ(r.templates_dropped, 1u);
  EXPECT_EQ(parser.templateCount(), 2u);
}

TEST(NetflowV9, CountersOfEveryWidth) {
  for (uint16_t width = 1; width <= 8; ++width) {
    NetflowParser parser;
    std::vector<FlowRecord> out;
    Bytes rec;
    const uint64_t value = width == 8 ? 0x0102030405060708ull : (1ull << (8 * width)) - 3;
    putN(rec, value, width);
    const Bytes d = v9Datagram({set(0, templateRecord(256, {{1, width}})), set(256, rec)}, kUptime,
                               kUnixSecs, 1);
    parse(parser, d, out);
    ASSERT_EQ(out.size(), 1u) << width;
    EXPECT_EQ(out[0].bytes, value) << width;
  }
}

}  // namespace
}  // namespace netlens::test
