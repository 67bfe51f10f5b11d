#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine/snapshot.hpp"
#include "engine_harness.hpp"

namespace netlens {
namespace {
using namespace netlens::test;

void someTraffic(NetworkInterface& iface, int flows) {
  for (int i = 0; i < flows; ++i) {
    Conversation c({"192.168.1.10", uint16_t(40000 + i), macFor(1)}, {"10.0.0.2", 80, macFor(2)});
    for (const Bytes& b : c.handshake()) feed(iface, at(1 + i * 0.01), b);
  }
}

TEST(Snapshot, CopiesWhatTheEngineHas) {
  NetworkInterface iface(engineConfig({"192.168.1.0/24"}));
  someTraffic(iface, 5);
  iface.advanceClock(at(3));
  auto snap = takeSnapshot(iface);
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->flows.size(), iface.activeFlows());
  EXPECT_EQ(snap->hosts.size(), iface.activeHosts());
  EXPECT_EQ(snap->summary.stats.received.packets, iface.stats().received.packets);
  EXPECT_EQ(snap->summary.active_flows, 5u);
  for (const Flow& f : snap->flows) EXPECT_EQ(f.inspection, nullptr);
  // Local hosts' statistics are deep copies: the live engine moving on does not change them.
  const Host* live = findHost(iface, "192.168.1.10");
  ASSERT_NE(live, nullptr);
  const Host* copy = nullptr;
  for (const Host& h : snap->hosts)
    if (h.key.ip == live->key.ip) copy = &h;
  ASSERT_NE(copy, nullptr);
  ASSERT_TRUE(copy->local_stats);
  EXPECT_NE(copy->local_stats.get(), live->local_stats.get());
  const uint64_t sent_then = copy->sent.packets;
  someTraffic(iface, 3);
  iface.advanceClock(at(6));
  EXPECT_GT(findHost(iface, "192.168.1.10")->sent.packets, sent_then);
  EXPECT_EQ(copy->sent.packets, sent_then);
}

TEST(SnapshotChannel, TheEngineThreadAnswersAReader) {
  NetworkInterface iface(engineConfig());
  someTraffic(iface, 4);
  SnapshotChannel channel(std::chrono::milliseconds(60'000));
  std::shared_ptr<const InterfaceSnapshot> got;
  std::thread reader([&] { got = channel.get(std::chrono::milliseconds(5000)); });
  // The packet thread's side: between packets it serves whoever asked.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!channel.wanted() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(channel.wanted());
  channel.serve(iface);
  reader.join();
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->flows.size(), 4u);
  EXPECT_FALSE(channel.wanted());
  // Fresh enough: the next reader gets the same snapshot without asking the engine.
  EXPECT_EQ(channel.get(std::chrono::milliseconds(10)), got);
  EXPECT_FALSE(channel.wanted());
}

TEST(SnapshotChannel, AReaderDoesNotWaitForeverOnABusyEngine) {
  SnapshotChannel channel;
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(channel.get(std::chrono::milliseconds(50)), nullptr);  // nobody serves
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

}  // namespace
}  // namespace netlens

namespace netlens {
namespace {
using namespace netlens::test;

TEST(SnapshotChannel, ASummaryCopiesNoEntriesAndAFullOneServesBoth) {
  NetworkInterface iface(engineConfig());
  someTraffic(iface, 3);
  SnapshotChannel channel(std::chrono::milliseconds(60'000));
  auto ask = [&](bool entries) {
    std::shared_ptr<const InterfaceSnapshot> got;
    std::thread reader([&] { got = channel.get(std::chrono::milliseconds(5000), entries); });
    while (!channel.wanted()) std::this_thread::yield();
    channel.serve(iface);
    reader.join();
    return got;
  };
  auto summary = ask(false);
  ASSERT_NE(summary, nullptr);
  EXPECT_TRUE(summary->flows.empty());
  EXPECT_TRUE(summary->hosts.empty());
  EXPECT_EQ(summary->summary.active_flows, 3u);
  auto full = ask(true);
  ASSERT_NE(full, nullptr);
  EXPECT_EQ(full->flows.size(), 3u);
  // The full snapshot is fresh: a summary reader now gets it without asking the engine.
  EXPECT_EQ(channel.summary(std::chrono::milliseconds(10)), full);
  EXPECT_FALSE(channel.wanted());
}

}  // namespace
}  // namespace netlens
