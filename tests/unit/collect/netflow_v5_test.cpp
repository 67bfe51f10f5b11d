#include <gtest/gtest.h>

#include "collect/netflow_parser.hpp"
#include "export_builders.hpp"

namespace netlens::test {
namespace {

using namespace flowexport;

constexpr Micros kNow = 1'700'000'000ull * kMicrosPerSecond;

TEST(NetflowV5, DecodesEveryFieldAndAbsoluteTimes) {
  V5Flow a;
  a.first_ms = 90'000;  // 10 s before the export (uptime 100 s)
  a.last_ms = 99'500;
  V5Flow b;
  b.src = "192.168.1.10";
  b.dst = "8.8.8.8";
  b.proto = 17;
  b.sport = 5353;
  b.dport = 53;
  b.packets = 1;
  b.bytes = 76;
  b.first_ms = b.last_ms = 100'000;
  const Bytes d = v5Datagram({a, b}, 100'000, 1'700'000'000, 250'000'000, 0, 1, 2);

  NetflowParser parser;
  std::vector<FlowRecord> out;
  const ParseResult r = parser.parse(d.data(), d.size(), ip("198.51.100.1"), kNow, out);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.version, 5);
  EXPECT_EQ(r.records, 2u);
  ASSERT_EQ(out.size(), 2u);
  const FlowRecord& f = out[0];
  EXPECT_EQ(f.export_version, 5);
  EXPECT_EQ(f.ip_version, 4);
  EXPECT_EQ(f.src_ip, ip("10.0.0.1"));
  EXPECT_EQ(f.dst_ip, ip("10.0.0.2"));
  EXPECT_EQ(f.src_port, 1234);
  EXPECT_EQ(f.dst_port, 80);
  EXPECT_EQ(f.l4_proto, 6);
  EXPECT_EQ(f.tcp_flags, 0x1b);
  EXPECT_EQ(f.packets, 10u);
  EXPECT_EQ(f.bytes, 1000u);
  EXPECT_EQ(f.input_if, 1u);
  EXPECT_EQ(f.output_if, 2u);
  EXPECT_EQ(f.sampling_rate, 1u);
  EXPECT_EQ(f.exporter, ip("198.51.100.1"));
  EXPECT_EQ(f.observation_domain, 0x0102u);
  const Micros export_time = 1'700'000'000ull * kMicrosPerSecond + 250'000;
  EXPECT_EQ(f.first_switched, export_time - 10'000'000);
  EXPECT_EQ(f.last_switched, export_time - 500'000);
  EXPECT_EQ(out[1].dst_ip, ip("8.8.8.8"));
  EXPECT_EQ(out[1].l4_proto, 17);
  EXPECT_EQ(out[1].first_switched, export_time);
}

TEST(NetflowV5, HeaderSamplingIntervalScalesCounters) {
  V5Flow a;
  const Bytes d = v5Datagram({a}, 1000, 1'700'000'000, 0, 0x4000 | 100);  // mode 1, 1 in 100
  NetflowParser parser;
  std::vector<FlowRecord> out;
  const ParseResult r = parser.parse(d.data(), d.size(), ip("198.51.100.1"), kNow, out);
  ASSERT_EQ(r.records, 1u);
  EXPECT_EQ(out[0].sampling_rate, 100u);
  EXPECT_EQ(out[0].packets, 1000u);
  EXPECT_EQ(out[0].bytes, 100'000u);
  EXPECT_TRUE(out[0].has(FlowField::Sampling));
}

TEST(NetflowV5, UptimeWrapStillGivesAPastStart) {
  V5Flow a;
  a.first_ms = 0xFFFFF000u;  // 4096 ms before the uptime counter wrapped
  a.last_ms = 1000;
  const Bytes d = v5Datagram({a}, 1000, 1'700'000'000);
  NetflowParser parser;
  std::vector<FlowRecord> out;
  parser.parse(d.data(), d.size(), ip("198.51.100.1"), kNow, out);
  ASSERT_EQ(out.size(), 1u);
  const Micros export_time = 1'700'000'000ull * kMicrosPerSecond;
  EXPECT_EQ(out[0].last_switched, export_time);
  EXPECT_EQ(out[0].first_switched, export_time - (4096 + 1000) * 1000ull);
}

TEST(NetflowV5, CountBeyondTheDatagramIsMalformed) {
  Bytes d = v5Datagram({V5Flow{}, V5Flow{}}, 1000, 1'700'000'000);
  d[3] = 3;  // claims three records
  NetflowParser parser;
  std::vector<FlowRecord> out;
  const ParseResult r = parser.parse(d.data(), d.size(), ip("198.51.100.1"), kNow, out);
  EXPECT_EQ(r.malformed, 1u);
  EXPECT_EQ(r.records, 0u);
  EXPECT_STREQ(r.error, "truncated records");
}

}  // namespace
}  // namespace netlens::test
