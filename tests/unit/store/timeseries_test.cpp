// Time series: tier parsing, the summary line, and RRD files written by the real writer thread
// and read back with rrd_fetch: per-step amounts sum exactly at every tier.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "store/series_summary.hpp"
#include "store/timeseries_store.hpp"
#include "temp_dir.hpp"

namespace netlens::store {
namespace {

TEST(Tiers, ParsesAndRejects) {
  std::string error;
  auto t = parseTiers("1:1d,60:30d,3600:100d,86400:365d", &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(*t, TimeseriesConfig{}.tiers);
  EXPECT_FALSE(parseTiers("60:1d,1:2d", &error));  // coarse before fine
  EXPECT_NE(error.find("fine to coarse"), std::string::npos);
  EXPECT_FALSE(parseTiers("1:1q", &error));
  EXPECT_FALSE(parseTiers("x:1d", &error));
  EXPECT_FALSE(parseTiers("", &error));
  EXPECT_FALSE(parseTiers("60:30", &error));  // keeps less than one row
}

TEST(Tiers, ArchivesFollowTheSeriesStep) {
  const auto tiers = TimeseriesConfig{}.tiers;
  // 1-second series: raw 1 day, then 60 s × 30 days, 1 h × 100 days, 1 day × 365.
  const std::vector<std::pair<uint32_t, uint64_t>> one{{1, 86400}, {60, 43200}, {3600, 2400}, {86400, 365}};
  EXPECT_EQ(archivesFor(1, tiers), one);
  // 5-minute host series: the 1-minute tier becomes 5-minute rows for 30 days.
  const std::vector<std::pair<uint32_t, uint64_t>> five{{1, 8640}, {12, 2400}, {288, 365}};
  EXPECT_EQ(archivesFor(300, tiers), five);
}

TEST(Summary, TotalAverageMinMaxAndP95) {
  std::vector<std::pair<uint32_t, double>> pts;
  for (uint32_t i = 1; i <= 100; ++i) pts.emplace_back(1000 + i * 60, double(i));  // rates 1..100
  pts.emplace_back(1000 + 101 * 60, NAN);  // unknown: left out
  const SeriesSummary s = summarize(pts, 60, false);
  EXPECT_EQ(s.points, 100u);
  ASSERT_TRUE(s.total);
  EXPECT_EQ(*s.total, 5050.0 * 60);
  EXPECT_DOUBLE_EQ(s.average, 50.5);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.min_time, 1060u);
  EXPECT_EQ(s.max, 100);
  EXPECT_EQ(s.max_time, 1000u + 100 * 60);
  EXPECT_EQ(s.p95, 95);  // nearest rank: the 95th of 100 values
  EXPECT_FALSE(summarize(pts, 60, true).total);  // a gauge has no total
}

// Interface traffic of `seconds` seconds with gaps, written through the queue like the packet
// thread does, then read back at every tier.
TEST(TimeseriesStore, SecondsSumExactlyAtEveryTier) {
  testing::TempDir dir;
  TimeseriesConfig cfg;
  cfg.dir = dir.str() + "/timeseries";
  std::mt19937 rng(7);
  const uint32_t t0 = 1'700'000'123;  // not on any boundary
  uint64_t total = 0, packets = 0;
  {
    TimeseriesStore ts(cfg, {"eth0"});
    ts.start();
    for (uint32_t s = 0; s < 5000; ++s) {
      if (s % 700 > 600) continue;  // idle stretches: no tick at all
      auto b = std::make_unique<SeriesBatch>();
      b->second = t0 + s;
      b->has_second = true;
      b->bytes = rng() % 1'000'000;
      b->packets = 1 + b->bytes / 1000;
      total += b->bytes;
      packets += b->packets;
      b->end_of_file = s == 4999;
      ASSERT_TRUE(ts.offer(std::move(b)));
    }
    ts.stop();
    EXPECT_EQ(ts.stats().errors, 0u) << ts.stats().last_error;
    EXPECT_EQ(ts.stats().dropped_batches, 0u);
  }
  TimeseriesStore reader(cfg, {"eth0"});
  for (uint32_t res : {1u, 60u, 3600u, 86400u}) {
    std::string error;
    auto d = reader.fetch(0, {"interface", "", "bytes"}, t0 - 10, t0 + 5010, res, &error);
    ASSERT_TRUE(d) << error;
    EXPECT_EQ(d->step, res);
    const SeriesSummary s = summarize(d->points, d->step, d->gauge);
    EXPECT_EQ(uint64_t(*s.total), total) << "resolution " << res;
    auto p = reader.fetch(0, {"interface", "", "packets"}, t0 - 10, t0 + 5010, res, &error);
    ASSERT_TRUE(p) << error;
    EXPECT_EQ(uint64_t(*summarize(p->points, p->step, false).total), packets) << "resolution " << res;
  }
  // The 1-second points are the values given, each at its second.
  std::string error;
  auto d = reader.fetch(0, {"interface", "", "bytes"}, t0, t0 + 10, 1, &error);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->points.front().first, t0);
  EXPECT_EQ(d->data_end, t0 + 5000);
}

TEST(TimeseriesStore, HostSeriesAreDifferencesOfCumulativeCounters) {
  testing::TempDir dir;
  TimeseriesConfig cfg;
  cfg.dir = dir.str();
  const HostKey h{*IpAddress::parse("192.0.2.7"), 0};
  const uint32_t t0 = 1'700'000'100 / 300 * 300;
  {
    TimeseriesStore ts(cfg, {"eth0"});
    ts.start();
    uint64_t sent = 0, rcvd = 0, app = 0;
    for (uint32_t step = 0; step < 20; ++step) {
      if (step == 5 || step == 6) continue;  // no tick in those steps
      sent += 1000 * step;
      rcvd += 7 * step;
      app += 500 * step;
      auto b = std::make_unique<SeriesBatch>();
      auto& hs = b->host_step.emplace();
      hs.start = t0 + step * 300;
      hs.step = 300;
      hs.apps.emplace_back(7, app);  // HTTP in nDPI 4.2
      hs.hosts.push_back(HostSample{h, 1, sent, rcvd, sent / 100 + rcvd, 3, 0, 1});
      ASSERT_TRUE(ts.offer(std::move(b)));
    }
    ts.stop();
    EXPECT_EQ(ts.stats().errors, 0u) << ts.stats().last_error;
    std::string error;
    for (const char* m : {"bytes_sent", "bytes_rcvd", "bytes"}) {
      auto d = ts.fetch(0, {"host", "192.0.2.7", m}, t0, t0 + 20 * 300, 300, &error);
      ASSERT_TRUE(d) << error;
      const uint64_t want = std::string(m) == "bytes_sent" ? sent : std::string(m) == "bytes_rcvd" ? rcvd : sent + rcvd;
      EXPECT_EQ(uint64_t(*summarize(d->points, d->step, false).total), want) << m;
    }
    auto a = ts.fetch(0, {"host", "192.0.2.7", "app:7"}, t0, t0 + 20 * 300, 300, &error);
    ASSERT_TRUE(a) << error;
    EXPECT_EQ(uint64_t(*summarize(a->points, a->step, false).total), app);
    auto f = ts.fetch(0, {"host", "192.0.2.7", "flows"}, t0, t0 + 20 * 300, 300, &error);
    ASSERT_TRUE(f) << error;
    EXPECT_TRUE(f->gauge);
    EXPECT_EQ(f->points[3].second, 3);
    const auto metrics = ts.metrics(0, "host", "192.0.2.7");
    EXPECT_NE(std::find(metrics.begin(), metrics.end(), "app:7"), metrics.end());
  }
}

TEST(TimeseriesStore, UpdatesInThePastAreSkippedAndCounted) {
  testing::TempDir dir;
  TimeseriesConfig cfg;
  cfg.dir = dir.str();
  for (int run = 0; run < 2; ++run) {  // the same capture twice into the same directory
    TimeseriesStore ts(cfg, {"eth0"});
    ts.start();
    for (uint32_t s = 0; s < 3; ++s) {
      auto b = std::make_unique<SeriesBatch>();
      b->second = 1'700'000'000 + s;
      b->has_second = true;
      b->bytes = 100;
      ts.offer(std::move(b));
    }
    ts.stop();
    EXPECT_EQ(ts.stats().skipped_past, run == 0 ? 0u : 3u);
    EXPECT_EQ(ts.stats().errors, 0u) << ts.stats().last_error;
  }
}

TEST(TimeseriesStore, AFullQueueDropsAndCountsWithoutWaiting) {
  testing::TempDir dir;
  TimeseriesConfig cfg;
  cfg.dir = dir.str();
  cfg.queue_limit = 1000;
  TimeseriesStore ts(cfg, {"eth0"});  // not started: nothing drains the queue
  size_t accepted = 0;
  for (uint32_t s = 0; s < 2000; ++s) {
    auto b = std::make_unique<SeriesBatch>();
    b->second = 1'700'000'000 + s;
    b->has_second = true;
    accepted += ts.offer(std::move(b));
  }
  const WriterStats st = ts.stats();
  EXPECT_EQ(accepted, 1000u);
  EXPECT_EQ(st.dropped_batches, 1000u);
  EXPECT_EQ(st.dropped_samples, 1000u);
  EXPECT_EQ(st.queued_samples, 1000u);
}

TEST(Names, EncodingIsReversibleAndSafe) {
  for (const char* s : {"HTTP.Google", "2001:db8::1@10", "a/b", "..", "x%y", "Skype_Teams"}) {
    const std::string e = encodeName(s);
    EXPECT_EQ(e.find('/'), std::string::npos) << s;
    EXPECT_NE(e, "..");
    EXPECT_EQ(decodeName(e), s) << e;
  }
  auto k = parseHostKeyText("2001:db8::1@10");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->vlan, 10);
  EXPECT_EQ(hostKeyText(*k), "2001:db8::1@10");
  EXPECT_FALSE(parseHostKeyText("192.0.2.1@5000"));
  EXPECT_FALSE(parseHostKeyText("nope"));
}

}  // namespace
}  // namespace netlens::store
