// The engine's tick closes exactly one second of traffic, and the sampler copies per-second,
// per-minute and per-host-step numbers from it (packet time).
#include <gtest/gtest.h>

#include <map>

#include "engine_harness.hpp"
#include "store/series_sampler.hpp"

namespace netlens::store {
namespace {

using test::at;
using test::Conversation;
using test::macFor;

struct RecordingQueue : SeriesQueue {
  std::vector<std::unique_ptr<SeriesBatch>> batches;
  bool offer(std::unique_ptr<SeriesBatch> b) override {
    batches.push_back(std::move(b));
    return true;
  }
};

TEST(SeriesSampler, OneBatchPerSecondWithThatSecondsTraffic) {
  NetworkInterface iface(test::engineConfig({"192.168.1.0/24"}));
  RecordingQueue q;
  SeriesSampler sampler(0, q, 300, true);
  iface.addTickObserver(&sampler);
  Conversation c({"192.168.1.10", 40000, macFor(1)}, {"198.51.100.1", 5000, macFor(2)});
  Conversation d({"192.168.1.11", 40000, macFor(3)}, {"198.51.100.1", 5000, macFor(2)});
  std::map<uint32_t, uint64_t> bytes;  // what each second carried
  auto send = [&](double t, const test::Bytes& frame) {
    test::feed(iface, at(t), frame);
    bytes[uint32_t(at(t) / kMicrosPerSecond)] += frame.size();
  };
  send(0.2, c.udp(true, std::string(100, 'a')));
  send(0.9, c.udp(false, std::string(200, 'b')));
  send(1.0, c.udp(true, std::string(10, 'c')));  // exactly on the boundary: the next second
  send(1.5, d.udp(true, std::string(10, 'd')));
  send(65.3, c.udp(true, std::string(50, 'e')));  // a gap, and a new minute
  send(301.0, d.udp(true, std::string(1, 'f')));  // a new host step
  iface.finish();

  std::map<uint32_t, uint64_t> seen;
  std::vector<std::vector<std::string>> active;
  int minutes = 0, host_steps = 0;
  for (const auto& b : q.batches) {
    ASSERT_TRUE(b->has_second);
    seen[b->second] += b->bytes;
    std::vector<std::string> hosts;
    for (const HostKey& k : b->active_hosts) hosts.push_back(k.ip.toString());
    std::sort(hosts.begin(), hosts.end());
    active.push_back(hosts);
    minutes += b->minute.has_value();
    if (b->host_step) {
      ++host_steps;
      uint64_t sum = 0;
      for (const HostSample& h : b->host_step->hosts) sum += h.sent_bytes + h.rcvd_bytes;
      EXPECT_GT(sum, 0u);
    }
  }
  EXPECT_EQ(seen, bytes);
  ASSERT_EQ(q.batches.size(), 4u);  // seconds 0, 1, 65 and 301 (the last at the end of input)
  EXPECT_EQ(active[0], (std::vector<std::string>{"192.168.1.10"}));
  EXPECT_EQ(active[1], (std::vector<std::string>{"192.168.1.10", "192.168.1.11"}));
  EXPECT_EQ(active[3], (std::vector<std::string>{"192.168.1.11"}));
  EXPECT_EQ(minutes, 3);     // the minutes of seconds 1 and 65 were left; the last ends the input
  EXPECT_EQ(host_steps, 2);  // the step of second 65 was left; the last ends the input
  EXPECT_TRUE(q.batches.back()->end_of_file);
  // finish() again (shutdown) adds nothing.
  iface.finish();
  EXPECT_EQ(q.batches.size(), 4u);
}

}  // namespace
}  // namespace netlens::store
