// The export queue between a packet thread and an export thread: batches go over whole; when the
// queue is full the packet thread does not wait, it drops the batch and counts its flows.
#include "export/export_queue.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "engine_harness.hpp"

namespace netlens::test {
namespace {

// An export thread that holds on to its first batch until released: the queue fills up behind it.
class SlowWorker final : public ExportWorker {
 public:
  explicit SlowWorker(size_t max) : ExportWorker("slow", max) { start(); }
  ~SlowWorker() override { stop(); }
  void describe(ExportStats& out) const override {
    out.kind = "test";
    out.destinations = {"nowhere"};
  }
  void release() {
    std::lock_guard<std::mutex> l(m_);
    released_ = true;
    cv_.notify_all();
  }
  size_t received = 0;

 protected:
  void send(ExportBatch& b) override {
    std::unique_lock<std::mutex> l(m_);
    cv_.wait(l, [&] { return released_; });
    received += b.flows.size();
    b.counters->flows_sent += b.flows.size();
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool released_ = false;
};

TEST(ExportQueue, AFullQueueDropsAndCountsWithoutWaiting) {
  NetworkInterface iface(engineConfig());
  auto worker = std::make_unique<SlowWorker>(4500);
  ExportFeed feed(*worker);
  iface.addFlowExporter(&feed, 30 * kMicrosPerSecond);
  for (int i = 0; i < 5000; ++i) {
    FlowRecord r;
    r.src_ip = *IpAddress::parse("10.0.0.1");
    r.dst_ip = *IpAddress::parse("10.0.0.2");
    r.ip_version = 4;
    r.src_port = uint16_t(1000 + i), r.dst_port = 53, r.l4_proto = 17, r.packets = 1, r.bytes = 100;
    iface.processFlowRecord(r);
  }
  iface.shutdown();  // every flow ends: 4096 flows in a first batch, 904 in a second that no longer fits
  ExportStats s = feed.exportStats();
  EXPECT_EQ(s.flows, 5000u);
  EXPECT_EQ(s.dropped_queue_full, 904u);
  EXPECT_EQ(s.queued, 4096u);  // held by the export thread
  EXPECT_EQ(s.kind, "test");
  worker->release();
  worker->stop();  // sends what was queued
  s = feed.exportStats();
  EXPECT_EQ(s.flows_sent, 4096u);
  EXPECT_EQ(s.queued, 0u);
  // The interface's summary carries the same figures.
  iface.addExportStats(&feed);
  const InterfaceSummary summary = iface.summary();
  ASSERT_EQ(summary.exports.size(), 1u);
  EXPECT_EQ(summary.exports[0].flows_sent, 4096u);
  EXPECT_EQ(summary.exports[0].dropped_queue_full, 904u);
}

// What an exported flow says: the client's side first, the counters since the previous export.
TEST(ExportQueue, ExportRecordIsTheDelta) {
  NetworkInterface iface(engineConfig());
  FlowRecord r;
  r.src_ip = *IpAddress::parse("2001:db8::1");
  r.dst_ip = *IpAddress::parse("2001:db8::2");
  r.ip_version = 6, r.src_port = 40000, r.dst_port = 443, r.l4_proto = 6, r.vlan = 3, r.tcp_flags = 0x12;
  r.packets = 5, r.bytes = 500, r.out_packets = 4, r.out_bytes = 4000;
  iface.processFlowRecord(r);
  const Flow* f = nullptr;
  iface.forEachFlow([&](const Flow& fl) { f = &fl; });
  ASSERT_NE(f, nullptr);
  const FlowRecord e = exportRecordOf(*f, FlowDelta{{2, 200}, {1, 1000}, false});
  EXPECT_EQ(e.ip_version, 6);
  EXPECT_EQ(e.src_ip, r.src_ip);
  EXPECT_EQ(e.dst_port, 443);
  EXPECT_EQ(e.vlan, 3);
  EXPECT_EQ(e.tcp_flags, 0x12);
  EXPECT_EQ(e.packets, 2u);
  EXPECT_EQ(e.bytes, 200u);
  EXPECT_EQ(e.out_packets, 1u);
  EXPECT_EQ(e.out_bytes, 1000u);
  EXPECT_TRUE(e.has(FlowField::L7Ids));
  EXPECT_EQ(e.l7_app, f->app.app);
}

}  // namespace
}  // namespace netlens::test
