// The engine's export hook: exporters get each flow's traffic as deltas since its previous
// export, periodically while active (the tick walks the table in slices) and once when it ends;
// summed, the deltas are the flow's totals.
#include <gtest/gtest.h>

#include <map>

#include "engine_harness.hpp"

namespace netlens::test {
namespace {

struct Recorder : FlowExporter {
  struct Seen {
    TrafficCounter c2s, s2c;
    int exports = 0, ends = 0;
  };
  std::map<uint64_t, Seen> flows;  // by flow id
  int flushes = 0;
  void exportFlow(const NetworkInterface&, const Flow& f, const FlowDelta& d) override {
    Seen& s = flows[f.id];
    s.c2s.add(d.c2s);
    s.s2c.add(d.s2c);
    ++s.exports;
    s.ends += d.ended;
    EXPECT_FALSE(d.c2s.empty() && d.s2c.empty());
  }
  void flush() override { ++flushes; }
};

FlowRecord record(const char* src, uint16_t sport, const char* dst, uint16_t dport, uint64_t pk, uint64_t by, double t) {
  FlowRecord r;
  r.src_ip = *IpAddress::parse(src);
  r.dst_ip = *IpAddress::parse(dst);
  r.ip_version = r.src_ip.version();
  r.src_port = sport, r.dst_port = dport, r.l4_proto = 17;
  r.packets = pk, r.bytes = by;
  r.first_switched = r.last_switched = at(t);
  return r;
}

TEST(EngineExport, DeltasAddUpToTheFlowTotals) {
  EngineConfig cfg = engineConfig();
  cfg.expire_idle = true;
  cfg.lifecycle.flow_idle_s = 30;
  NetworkInterface iface(cfg);
  Recorder rec;
  iface.addFlowExporter(&rec, 10 * kMicrosPerSecond);
  iface.processFlowRecord(record("10.0.0.1", 1000, "10.0.0.2", 53, 2, 200, 1));
  iface.processFlowRecord(record("10.0.0.3", 1000, "10.0.0.4", 53, 1, 100, 1));
  for (int t = 2; t <= 14; ++t) iface.advanceClock(at(t));
  // Both flows were exported while active, within one interval.
  ASSERT_EQ(rec.flows.size(), 2u);
  for (auto& [id, s] : rec.flows) EXPECT_EQ(s.exports, 1) << id;
  // More traffic on the first flow, in both directions; the second stays idle.
  iface.processFlowRecord(record("10.0.0.1", 1000, "10.0.0.2", 53, 3, 300, 15));
  iface.processFlowRecord(record("10.0.0.2", 53, "10.0.0.1", 1000, 4, 4000, 16));
  for (int t = 17; t <= 28; ++t) iface.advanceClock(at(t));
  const Flow* f = findFlow(iface, "10.0.0.2", 53, 17);
  ASSERT_NE(f, nullptr);
  const Recorder::Seen& first = rec.flows[f->id];
  EXPECT_GE(first.exports, 2);  // again: it moved (once or twice, as the walk met its two records)
  EXPECT_LE(first.exports, 3);
  EXPECT_EQ(first.c2s.packets, 5u);
  EXPECT_EQ(first.s2c.bytes, 4000u);
  EXPECT_EQ(first.ends, 0);
  // The idle second flow expires (idle 30 s): nothing new, so no last export.
  for (int t = 29; t <= 40; ++t) iface.advanceClock(at(t));
  EXPECT_EQ(countFlows(iface), 1u);
  // At shutdown the first flow ends with what it did since: nothing; add some traffic first.
  iface.processFlowRecord(record("10.0.0.1", 1000, "10.0.0.2", 53, 1, 10, 41));
  iface.shutdown();
  EXPECT_EQ(first.ends, 1);
  EXPECT_EQ(first.c2s.packets, 6u);
  EXPECT_EQ(first.c2s.bytes, 510u);
  EXPECT_EQ(first.s2c.packets, 4u);
  uint64_t bytes = 0;
  for (auto& [id, s] : rec.flows) bytes += s.c2s.bytes + s.s2c.bytes;
  EXPECT_EQ(bytes, 200u + 100u + 300u + 4000u + 10u);
  EXPECT_GT(rec.flushes, 0);
}

// A flow table much larger than the interval: each tick exports only its slice.
TEST(EngineExport, EachTickWalksASlice) {
  NetworkInterface iface(engineConfig());
  Recorder rec;
  iface.addFlowExporter(&rec, 10 * kMicrosPerSecond);
  for (int i = 0; i < 1000; ++i) iface.processFlowRecord(record("10.0.0.1", uint16_t(1000 + i), "10.0.0.2", 53, 1, 100, 0.5));
  iface.advanceClock(at(1.6));  // first tick: about a tenth of the table
  EXPECT_GT(rec.flows.size(), 50u);
  EXPECT_LT(rec.flows.size(), 200u);
  for (int t = 2; t <= 12; ++t) iface.advanceClock(at(t + 0.6));
  EXPECT_EQ(rec.flows.size(), 1000u);
}

}  // namespace
}  // namespace netlens::test
