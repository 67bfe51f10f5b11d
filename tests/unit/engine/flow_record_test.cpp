#include <gtest/gtest.h>

#include "engine_harness.hpp"

namespace netlens {
namespace {
using namespace netlens::test;

FlowRecord record(const char* src, uint16_t sport, const char* dst, uint16_t dport, uint8_t proto, uint64_t packets,
                  uint64_t bytes, double first, double last) {
  FlowRecord r;
  r.src_ip = ip(src);
  r.dst_ip = ip(dst);
  r.ip_version = r.src_ip.version();
  r.src_port = sport;
  r.dst_port = dport;
  r.l4_proto = proto;
  r.packets = packets;
  r.bytes = bytes;
  r.first_switched = at(first);
  r.last_switched = at(last);
  r.tcp_flags = proto == 6 ? 0x1b : 0;
  return r;
}

// Flows received from a probe or a router update flows, hosts, networks and applications like
// the packets they summarise.
TEST(EngineFlowRecords, BothDirectionsMakeOneFlowWithItsApplication) {
  NetworkInterface iface(engineConfig({"192.168.1.0/24"}));
  iface.processFlowRecord(record("192.168.1.10", 40000, "198.51.100.7", 443, 6, 10, 1200, 1, 5));
  iface.processFlowRecord(record("198.51.100.7", 443, "192.168.1.10", 40000, 6, 8, 9000, 1.1, 5.2));
  iface.processFlowRecord(record("2001:db8::1", 5353, "2001:db8::53", 53, 17, 1, 80, 2, 2));
  ASSERT_EQ(countFlows(iface), 2u);
  const Flow* f = findFlow(iface, "198.51.100.7", 443, 6);
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->detection_final);
  EXPECT_EQ(f->client().ip, ip("192.168.1.10"));
  EXPECT_EQ(f->c2s.traffic.packets, 10u);
  EXPECT_EQ(f->c2s.traffic.bytes, 1200u);
  EXPECT_EQ(f->s2c.traffic.packets, 8u);
  EXPECT_EQ(f->s2c.traffic.bytes, 9000u);
  EXPECT_EQ(f->first_seen, at(1));
  EXPECT_EQ(f->last_seen, at(5.2));
  EXPECT_EQ(f->c2s.tcp_flags, 0x1b);
  EXPECT_EQ(iface.classifier().fullName(f->app), "TLS");  // nDPI's guess from the port
  EXPECT_EQ(iface.classifier().liveInspections(), 0u);
  const Flow* dns = findFlow(iface, "2001:db8::53", 53, 17);
  ASSERT_NE(dns, nullptr);
  EXPECT_EQ(iface.classifier().fullName(dns->app), "DNS");

  iface.advanceClock(at(8));  // roll the flows into hosts, networks, applications
  const Host* local = findHost(iface, "192.168.1.10");
  ASSERT_NE(local, nullptr);
  EXPECT_TRUE(local->local);
  EXPECT_EQ(local->sent.bytes, 1200u);
  EXPECT_EQ(local->received.bytes, 9000u);
  ASSERT_EQ(iface.networks().size(), 1u);
  EXPECT_EQ(iface.networks()[0].egress.bytes, 1200u);
  EXPECT_EQ(iface.networks()[0].ingress.bytes, 9000u);
  const AppTotals apps = sumApplications(iface);
  EXPECT_EQ(apps.traffic.packets, 10u + 8u + 1u);
  EXPECT_EQ(apps.traffic.bytes, 1200u + 9000u + 80u);
  EXPECT_EQ(iface.stats().received.bytes, 1200u + 9000u + 80u);
  EXPECT_EQ(iface.stats().flow_records, 3u);
}

TEST(EngineFlowRecords, RecordsOfOneFlowAddUpAndBadOnesAreCounted) {
  NetworkInterface iface(engineConfig());
  iface.processFlowRecord(record("10.0.0.1", 1000, "10.0.0.2", 80, 6, 3, 300, 1, 2));
  iface.processFlowRecord(record("10.0.0.1", 1000, "10.0.0.2", 80, 6, 4, 400, 3, 9));  // the next export
  FlowRecord empty;  // no addresses: nothing to account it to
  iface.processFlowRecord(empty);
  const Flow* f = findFlow(iface, "10.0.0.2", 80, 6);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->c2s.traffic.packets, 7u);
  EXPECT_EQ(f->c2s.traffic.bytes, 700u);
  EXPECT_EQ(f->first_seen, at(1));
  EXPECT_EQ(f->last_seen, at(9));
  EXPECT_EQ(iface.stats().flow_records, 3u);
  EXPECT_EQ(iface.stats().flow_records_invalid, 1u);
  EXPECT_EQ(countFlows(iface), 1u);
}

// A collector's clock is wall time; exporters' clocks may be wrong (softflowd replaying an old
// capture stamps its flows with the capture's times). Such records count all the same, at the
// collector's time; sane record times stay the flow's.
TEST(EngineFlowRecords, BogusRecordTimesCountAtTheCollectorsClock) {
  NetworkInterface iface(engineConfig());
  iface.advanceClock(at(100));
  FlowRecord old_record = record("10.0.0.1", 1000, "10.0.0.2", 80, 6, 3, 300, 0, 0);
  old_record.first_switched = kT0 - Micros(15) * 365 * 86400 * kMicrosPerSecond;  // 15 years ago
  old_record.last_switched = old_record.first_switched + 2 * kMicrosPerSecond;
  iface.processFlowRecord(old_record);
  iface.processFlowRecord(record("10.0.0.3", 1000, "10.0.0.4", 53, 17, 1, 70, 5000, 5001));          // future
  iface.processFlowRecord(record("10.0.0.5", 1000, "10.0.0.6", 443, 6, 9, 900, 40, 99));             // sane
  const Flow* old_flow = findFlow(iface, "10.0.0.2", 80, 6);
  ASSERT_NE(old_flow, nullptr);
  EXPECT_EQ(old_flow->c2s.traffic.packets, 3u);
  EXPECT_EQ(old_flow->first_seen, at(100));
  EXPECT_EQ(old_flow->last_seen, at(100));
  const Flow* future = findFlow(iface, "10.0.0.4", 53, 17);
  ASSERT_NE(future, nullptr);
  EXPECT_EQ(future->first_seen, at(100));
  EXPECT_EQ(future->last_seen, at(100));
  const Flow* sane = findFlow(iface, "10.0.0.6", 443, 6);
  ASSERT_NE(sane, nullptr);
  EXPECT_EQ(sane->first_seen, at(40));
  EXPECT_EQ(sane->last_seen, at(99));
  EXPECT_EQ(sane->c2s.first_seen, at(40));

  // The clock does not jump to the future record's time: nothing expires early, and the old
  // record's flow lives like one seen now.
  iface.advanceClock(at(130));
  EXPECT_EQ(countFlows(iface), 3u);
  EXPECT_EQ(iface.now(), at(130));
  iface.advanceClock(at(161));  // idle timeout 60 s after the clock's 100 s
  EXPECT_EQ(countFlows(iface), 0u);
  EXPECT_EQ(iface.stats().flows.expired, 3u);
  EXPECT_EQ(sumApplications(iface).traffic.packets, 3u + 1u + 9u);
}

// A collector's batch (index slots fetched ahead) gives what the records one by one give.
TEST(EngineFlowRecords, BatchesEqualRecordsOneByOne) {
  std::vector<FlowRecord> batch;
  for (int i = 0; i < 100; ++i) {
    const std::string src = "10.0.0." + std::to_string(1 + i % 7), dst = "198.51.100." + std::to_string(1 + i % 5);
    batch.push_back(record(src.c_str(), uint16_t(40000 + i % 11), dst.c_str(), i % 3 ? 443 : 53, i % 3 ? 6 : 17,
                           uint64_t(1 + i), uint64_t(100 * (1 + i)), 1 + i * 0.01, 2 + i * 0.01));
    if (i % 17 == 0) batch.push_back(FlowRecord{});  // no addresses
  }
  NetworkInterface one(engineConfig({"10.0.0.0/24"})), many(engineConfig({"10.0.0.0/24"}));
  one.advanceClock(at(10));
  many.advanceClock(at(10));
  for (const FlowRecord& r : batch) one.processFlowRecord(r);
  many.processFlowRecords(batch);
  runClockTo(one, at(12));
  runClockTo(many, at(12));
  auto rows = [](const NetworkInterface& iface) {
    std::vector<std::tuple<std::string, std::string, uint64_t, uint64_t, uint64_t, uint64_t, Micros, Micros>> out;
    iface.forEachFlow([&](const Flow& f) {
      out.emplace_back(f.client().ip.toString() + ":" + std::to_string(f.client().port),
                       f.server().ip.toString() + ":" + std::to_string(f.server().port), f.c2s.traffic.packets,
                       f.c2s.traffic.bytes, f.s2c.traffic.packets, f.s2c.traffic.bytes, f.first_seen, f.last_seen);
    });
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(rows(many), rows(one));
  EXPECT_GT(rows(one).size(), 10u);
  EXPECT_EQ(many.stats().flow_records, one.stats().flow_records);
  EXPECT_EQ(many.stats().flow_records_invalid, 6u);
  EXPECT_EQ(sumApplications(many).traffic.bytes, sumApplications(one).traffic.bytes);
}

}  // namespace
}  // namespace netlens
