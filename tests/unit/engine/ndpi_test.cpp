// Application detection with the real nDPI: what a flow is classified as, what is kept of what
// nDPI learned, when nDPI's state is released, how application totals are credited, and the
// custom protocols file with its reload at run time.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

#include "engine_harness.hpp"

namespace netlens::test {
namespace {

using namespace tcp_flag;

// Asks the engine to reload its nDPI files and moves its clock (second by second from t) until
// the new module is in use; false when it is not within 4 s.
bool reloadNdpi(NetworkInterface& iface, double& t) {
  const uint64_t before = iface.classifier().reloads();
  iface.requestNdpiReload();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  while (iface.classifier().reloads() == before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    iface.advanceClock(at(t));
    t += 1;
  }
  return iface.classifier().reloads() == before + 1;
}

const std::string kHttpRequest =
    "GET /docs/index.html?lang=en HTTP/1.1\r\n"
    "Host: www.netlens-test.org\r\n"
    "User-Agent: netlens-unit/1.0\r\n"
    "Accept: */*\r\n"
    "\r\n";
const std::string kHttpResponse =
    "HTTP/1.1 200 OK\r\n"
    "Server: test\r\n"
    "Content-Type: text/html\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "hello";

// Plays a complete HTTP exchange (handshake, request, response, ACK) from time t.
void playHttp(NetworkInterface& iface, Conversation& c, double t) {
  for (const Bytes& b : c.handshake()) feed(iface, at(t), b);
  feed(iface, at(t + 0.01), c.tcp(true, Psh | Ack, kHttpRequest));
  feed(iface, at(t + 0.02), c.tcp(false, Psh | Ack, kHttpResponse));
  feed(iface, at(t + 0.03), c.tcp(true, Ack));
}

const AppStats* appNamed(const NetworkInterface& iface, const std::string& name) {
  const auto& apps = iface.applications();
  for (size_t id = 0; id < apps.size(); ++id)
    if (iface.classifier().protocolName(uint16_t(id)) == name) return &apps[id];
  return nullptr;
}

TEST(EngineNdpi, HttpIsDetectedWithHostAndUrl) {
  NetworkInterface iface(engineConfig());
  Conversation c({"192.168.1.10", 41000, macFor(1)}, {"198.51.100.7", 80, macFor(2)});
  for (const Bytes& b : c.handshake()) feed(iface, at(1), b);
  feed(iface, at(1.01), c.tcp(true, Psh | Ack, kHttpRequest));
  const Flow* f = findFlow(iface, "198.51.100.7", 80, 6);
  ASSERT_NE(f, nullptr);
  // The request names the application, but nDPI still waits for the response status.
  EXPECT_FALSE(f->detection_final);
  EXPECT_EQ(iface.classifier().liveInspections(), 1u);

  feed(iface, at(1.02), c.tcp(false, Psh | Ack, kHttpResponse));
  ASSERT_TRUE(f->detection_final);
  EXPECT_EQ(f->inspection, nullptr);
  EXPECT_EQ(iface.classifier().liveInspections(), 0u);
  EXPECT_EQ(iface.classifier().fullName(f->app), "HTTP");
  EXPECT_EQ(f->app.accounted(), NDPI_PROTOCOL_HTTP);
  ASSERT_NE(f->details, nullptr);
  EXPECT_EQ(f->details->server_name, "www.netlens-test.org");
  EXPECT_NE(f->details->url.find("/docs/index.html?lang=en"), std::string::npos) << f->details->url;
  EXPECT_EQ(f->details->user_agent, "netlens-unit/1.0");
  EXPECT_EQ(f->details->http_status, 200);
  EXPECT_EQ(f->inspected_packets, 5u);

  // Later packets of a decided flow are counted but never reach nDPI.
  const uint64_t inspected = iface.stats().inspected_packets;
  feed(iface, at(1.03), c.tcp(true, Ack));
  feed(iface, at(1.04), c.tcp(true, Psh | Ack, "more"));
  EXPECT_EQ(iface.stats().inspected_packets, inspected);
  EXPECT_EQ(f->inspected_packets, 5u);
  EXPECT_EQ(f->c2s.traffic.packets, 5u);
}

TEST(EngineNdpi, DnsIsDetectedWithTheQueryName) {
  NetworkInterface iface(engineConfig());
  Conversation c({"192.168.1.10", 53001, macFor(1)}, {"192.168.1.1", 53, macFor(2)});
  feed(iface, at(1), c.udp(true, dnsQuery(0x4242, "www.example.com")));
  const Flow* f = findFlow(iface, "192.168.1.1", 53, 17);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(f->detection_final);  // waits for the answer
  feed(iface, at(1.005), c.udp(false, dnsResponse(0x4242, "www.example.com", "93.184.216.34")));
  ASSERT_TRUE(f->detection_final);
  EXPECT_EQ(iface.classifier().fullName(f->app), "DNS");
  ASSERT_NE(f->details, nullptr);
  EXPECT_EQ(f->details->server_name, "www.example.com");
  EXPECT_EQ(iface.classifier().liveInspections(), 0u);
}

TEST(EngineNdpi, UndetectableFlowEndsUpUnknownAfterGivingUp) {
  EngineConfig cfg = engineConfig();
  NetworkInterface iface(cfg);
  Conversation c({"10.1.1.1", 47001, macFor(1)}, {"10.2.2.2", 47002, macFor(2)});
  const uint32_t limit = iface.classifier().maxPackets(17);
  ASSERT_GT(limit, 0u);
  // Bytes that look like no protocol nDPI knows.
  Bytes noise(64);
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = uint8_t(i * 37 + 11);
  const Flow* f = nullptr;
  for (uint32_t i = 0; i < limit; ++i) {
    noise[0] = uint8_t(i);
    feed(iface, at(1 + i * 0.01), c.udp(i % 2 == 0, noise));
    f = findFlow(iface, "10.2.2.2", 47002, 17);
    ASSERT_NE(f, nullptr);
    ASSERT_FALSE(f->detection_final) << "decided after " << i + 1 << " packets";
  }
  EXPECT_EQ(iface.classifier().liveInspections(), 1u);
  feed(iface, at(2), c.udp(true, noise));
  ASSERT_TRUE(f->detection_final);
  EXPECT_EQ(f->inspection, nullptr);
  EXPECT_EQ(f->app.accounted(), NDPI_PROTOCOL_UNKNOWN);
  EXPECT_EQ(iface.classifier().fullName(f->app), "Unknown");
  EXPECT_EQ(f->inspected_packets, limit + 1);
  EXPECT_EQ(iface.classifier().liveInspections(), 0u);

  iface.advanceClock(at(3));
  const AppStats& unknown = iface.applications()[NDPI_PROTOCOL_UNKNOWN];
  EXPECT_EQ(unknown.flows, 1u);
  EXPECT_EQ(unknown.traffic.packets, limit + 1);
  EXPECT_EQ(unknown.traffic.bytes, f->total().bytes);
}

TEST(EngineNdpi, ApplicationsAreCreditedOnlyOnceDetectionIsFinal) {
  NetworkInterface iface(engineConfig());
  Conversation web({"192.168.1.10", 41001, macFor(1)}, {"198.51.100.7", 80, macFor(2)});
  for (const Bytes& b : web.handshake()) feed(iface, at(1), b);
  iface.advanceClock(at(2));  // a tick: totals are rolled up
  const Flow* f = findFlow(iface, "198.51.100.7", 80, 6);
  ASSERT_NE(f, nullptr);
  ASSERT_FALSE(f->detection_final);
  EXPECT_EQ(sumApplications(iface).traffic.packets, 0u);
  EXPECT_EQ(sumApplications(iface).flows, 0u);
  EXPECT_EQ(iface.stats().ipv4.packets, 3u);

  feed(iface, at(2.1), web.tcp(true, Psh | Ack, kHttpRequest));
  feed(iface, at(2.2), web.tcp(false, Psh | Ack, kHttpResponse));
  ASSERT_TRUE(f->detection_final);
  iface.advanceClock(at(3.5));
  const AppStats& http = iface.applications()[NDPI_PROTOCOL_HTTP];
  EXPECT_EQ(http.flows, 1u);
  EXPECT_EQ(http.traffic.packets, 5u);
  EXPECT_EQ(http.traffic.bytes, f->total().bytes);

  // More traffic on the decided flow is added, and the flow is still counted once.
  feed(iface, at(3.6), web.tcp(true, Ack));
  iface.advanceClock(at(4.6));
  EXPECT_EQ(http.flows, 1u);
  EXPECT_EQ(http.traffic.packets, 6u);
  EXPECT_EQ(http.traffic.bytes, f->total().bytes);
  EXPECT_EQ(sumApplications(iface).traffic.bytes, f->total().bytes);
}

TEST(EngineNdpi, ApplicationTotalsEqualTheirFlowsAndFinishDecidesEverything) {
  NetworkInterface iface(engineConfig({"192.168.1.0/24"}));
  Conversation web1({"192.168.1.10", 41002, macFor(1)}, {"198.51.100.7", 80, macFor(2)});
  Conversation web2({"192.168.1.11", 41003, macFor(3)}, {"198.51.100.8", 80, macFor(4)});
  Conversation dns({"192.168.1.10", 53002, macFor(1)}, {"192.168.1.1", 53, macFor(5)});
  Conversation pending({"192.168.1.10", 41004, macFor(1)}, {"203.0.113.9", 5555, macFor(6)});
  playHttp(iface, web1, 1);
  playHttp(iface, web2, 1.5);
  feed(iface, at(2), dns.udp(true, dnsQuery(1, "netlens.example")));
  feed(iface, at(2), dns.udp(false, dnsResponse(1, "netlens.example", "192.0.2.1")));
  feed(iface, at(2), pending.tcp(true, Syn));  // undecided: nDPI has seen one SYN
  iface.advanceClock(at(3));

  EXPECT_EQ(iface.classifier().liveInspections(), 1u);
  // Per protocol, applications() holds exactly the flows decided as that protocol.
  auto check = [&](const char* when) {
    std::vector<AppStats> expected(iface.applications().size());
    uint64_t decided = 0;
    iface.forEachFlow([&](const Flow& f) {
      if (!f.detection_final) return;
      ++decided;
      expected[f.app.accounted()].traffic.add(f.total());
      ++expected[f.app.accounted()].flows;
    });
    for (size_t id = 0; id < expected.size(); ++id) {
      const AppStats& got = iface.applications()[id];
      EXPECT_EQ(got.flows, expected[id].flows) << when << " " << iface.classifier().protocolName(uint16_t(id));
      EXPECT_EQ(got.traffic.packets, expected[id].traffic.packets) << when;
      EXPECT_EQ(got.traffic.bytes, expected[id].traffic.bytes) << when;
    }
    return decided;
  };
  EXPECT_EQ(check("before finish"), 3u);
  EXPECT_EQ(iface.applications()[NDPI_PROTOCOL_HTTP].flows, 2u);
  EXPECT_EQ(iface.applications()[NDPI_PROTOCOL_DNS].flows, 1u);

  iface.finish();
  EXPECT_EQ(check("after finish"), 4u);
  iface.forEachFlow([&](const Flow& f) {
    EXPECT_TRUE(f.detection_final);
    EXPECT_EQ(f.inspection, nullptr);
  });
  EXPECT_EQ(iface.classifier().liveInspections(), 0u);
  // Every flow packet is in exactly one application.
  EXPECT_EQ(sumApplications(iface).traffic.packets, iface.stats().ipv4.packets);
  EXPECT_EQ(sumApplications(iface).traffic.bytes, iface.stats().ipv4.bytes);
  EXPECT_EQ(sumApplications(iface).flows, 4u);
}

// ---- custom protocols file -------------------------------------------------------------------

class TempProtosFile {
 public:
  TempProtosFile() {
    path_ = (std::filesystem::temp_directory_path() /
             ("netlens-engine-protos-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".txt"))
                .string();
  }
  ~TempProtosFile() { std::remove(path_.c_str()); }
  void write(const std::string& text) const {
    std::ofstream out(path_, std::ios::trunc);
    out << text;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(EngineNdpi, CustomProtocolFromTheProtocolsFile) {
  TempProtosFile protos;
  protos.write("# test protocols\ntcp:8888@MyProto\n");
  EngineConfig cfg = engineConfig();
  cfg.ndpi.protocols_file = protos.path();
  NetworkInterface iface(cfg);
  Conversation c({"10.0.0.1", 42000, macFor(1)}, {"10.0.0.2", 8888, macFor(2)});
  for (const Bytes& b : c.handshake()) feed(iface, at(1), b);
  feed(iface, at(1.01), c.tcp(true, Psh | Ack, "custom payload"));
  const Flow* f = findFlow(iface, "10.0.0.2", 8888, 6);
  ASSERT_NE(f, nullptr);
  iface.finish();
  EXPECT_EQ(iface.classifier().fullName(f->app), "MyProto");
  const AppStats* mine = appNamed(iface, "MyProto");
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ(mine->flows, 1u);
  EXPECT_EQ(mine->traffic.packets, 4u);
}

TEST(EngineNdpi, ReloadedProtocolsApplyToNewFlowsAndKeepUndecidedOnes) {
  TempProtosFile protos;
  protos.write("tcp:8888@MyProto\n");
  EngineConfig cfg = engineConfig();
  cfg.ndpi.protocols_file = protos.path();
  NetworkInterface iface(cfg);

  // Before the reload: port 8888 is MyProto; a flow to 9999 starts and stays undecided.
  Conversation before8888({"10.0.0.1", 42001, macFor(1)}, {"10.0.0.2", 8888, macFor(2)});
  Conversation old9999({"10.0.0.1", 42002, macFor(1)}, {"10.0.0.2", 9999, macFor(2)});
  for (const Bytes& b : before8888.handshake()) feed(iface, at(1), b);
  feed(iface, at(1.01), old9999.tcp(true, Syn));
  feed(iface, at(1.02), old9999.tcp(false, Syn | Ack));
  const Flow* old_flow = findFlow(iface, "10.0.0.2", 9999, 6);
  ASSERT_NE(old_flow, nullptr);
  ASSERT_FALSE(old_flow->detection_final);
  const Flow* f8888 = findFlow(iface, "10.0.0.2", 8888, 6);
  ASSERT_NE(f8888, nullptr);
  EXPECT_EQ(iface.classifier().fullName(f8888->app), "MyProto");

  protos.write("tcp:8888@MyProto\ntcp:9999@NewProto\n");
  double t = 2;
  ASSERT_TRUE(reloadNdpi(iface, t));

  // A new flow to 9999 uses the new definition.
  Conversation new9999({"10.0.0.3", 42003, macFor(3)}, {"10.0.0.2", 9999, macFor(2)});
  for (const Bytes& b : new9999.handshake()) feed(iface, at(t), b);
  const Flow* new_flow = findFlowFrom(iface, "10.0.0.3", 42003);
  ASSERT_NE(new_flow, nullptr);
  EXPECT_TRUE(new_flow->detection_final);
  EXPECT_EQ(iface.classifier().fullName(new_flow->app), "NewProto");

  // The old flow goes on with the module it started with: its HTTP exchange is still dissected.
  feed(iface, at(t), old9999.tcp(true, Ack));
  feed(iface, at(t + 0.01), old9999.tcp(true, Psh | Ack, kHttpRequest));
  feed(iface, at(t + 0.02), old9999.tcp(false, Psh | Ack, kHttpResponse));
  ASSERT_TRUE(old_flow->detection_final);
  EXPECT_EQ(iface.classifier().fullName(old_flow->app), "HTTP");
  ASSERT_NE(old_flow->details, nullptr);
  EXPECT_EQ(old_flow->details->server_name, "www.netlens-test.org");
  EXPECT_EQ(iface.classifier().liveInspections(), 0u);

  // The definition kept across the reload still applies.
  Conversation after8888({"10.0.0.4", 42004, macFor(4)}, {"10.0.0.2", 8888, macFor(2)});
  feed(iface, at(t + 0.1), after8888.tcp(true, Syn));
  const Flow* again = findFlowFrom(iface, "10.0.0.4", 42004);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(iface.classifier().fullName(again->app), "MyProto");
  iface.finish();
  EXPECT_EQ(iface.classifier().liveInspections(), 0u);
}

TEST(EngineNdpi, AFailedReloadKeepsTheCurrentDefinitions) {
  TempProtosFile protos;
  protos.write("tcp:8888@MyProto\n");
  EngineConfig cfg = engineConfig();
  cfg.ndpi.protocols_file = protos.path();
  NetworkInterface iface(cfg);

  std::remove(protos.path().c_str());  // the reload cannot read it
  iface.requestNdpiReload();
  double t = 1;
  for (int i = 0; i < 60; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    iface.advanceClock(at(t));
    t += 1;
  }
  EXPECT_EQ(iface.classifier().reloads(), 0u);
  Conversation c({"10.0.0.1", 42010, macFor(1)}, {"10.0.0.2", 8888, macFor(2)});
  feed(iface, at(t), c.tcp(true, Syn));
  const Flow* f = findFlowFrom(iface, "10.0.0.1", 42010);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(iface.classifier().fullName(f->app), "MyProto");

  // The failure does not block the next reload.
  protos.write("tcp:8888@MyProto\ntcp:7777@LaterProto\n");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  while (iface.classifier().reloads() == 0 && std::chrono::steady_clock::now() < deadline) {
    iface.requestNdpiReload();  // ignored while a reload is still pending
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    t += 1;
    iface.advanceClock(at(t));
  }
  ASSERT_EQ(iface.classifier().reloads(), 1u);
  Conversation later({"10.0.0.1", 42011, macFor(1)}, {"10.0.0.2", 7777, macFor(2)});
  feed(iface, at(t), later.tcp(true, Syn));
  const Flow* g = findFlowFrom(iface, "10.0.0.1", 42011);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(iface.classifier().fullName(g->app), "LaterProto");
}

}  // namespace
}  // namespace netlens::test

namespace netlens {
namespace {
using namespace netlens::test;

// nDPI numbers custom protocols in file order: a reload that reorders or removes them must not
// relabel the traffic already counted.
TEST(EngineNdpi, AReloadThatRenumbersCustomProtocolsKeepsTheirTraffic) {
  TempProtosFile protos;
  protos.write("tcp:8888@MyProto\ntcp:7777@GoneProto\n");
  EngineConfig cfg = engineConfig();
  cfg.ndpi.protocols_file = protos.path();
  NetworkInterface iface(cfg);

  Conversation my({"10.0.0.1", 42001, macFor(1)}, {"10.0.0.2", 8888, macFor(2)});
  for (const Bytes& b : my.handshake()) feed(iface, at(1), b);
  Conversation gone({"10.0.0.1", 42002, macFor(1)}, {"10.0.0.2", 7777, macFor(2)});
  for (const Bytes& b : gone.handshake()) feed(iface, at(1.5), b);
  iface.advanceClock(at(3));  // roll the decided flows into the applications

  auto appNamed = [&](const std::string& name) -> const AppStats* {
    const auto& apps = iface.applications();
    for (size_t id = 0; id < apps.size(); ++id)
      if (iface.classifier().protocolName(uint16_t(id)) == name && apps[id].flows) return &apps[id];
    return nullptr;
  };
  const AppStats* before = appNamed("MyProto");
  ASSERT_NE(before, nullptr);
  const TrafficCounter my_traffic = before->traffic;
  ASSERT_GT(my_traffic.packets, 0u);
  ASSERT_NE(appNamed("GoneProto"), nullptr);

  protos.write("tcp:9999@NewProto\ntcp:8888@MyProto\n");
  double t = 4;
  ASSERT_TRUE(reloadNdpi(iface, t));

  const AppStats* after = appNamed("MyProto");
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->traffic.packets, my_traffic.packets);
  EXPECT_EQ(after->flows, 1u);
  EXPECT_EQ(appNamed("NewProto"), nullptr);  // nothing was NewProto yet
  const AppStats* gone_stats = appNamed("GoneProto");  // removed from the file, history kept
  ASSERT_NE(gone_stats, nullptr);
  EXPECT_EQ(gone_stats->flows, 1u);

  // The flow decided before the reload still reads MyProto, and so does a new one.
  const Flow* old_flow = findFlow(iface, "10.0.0.2", 8888, 6);
  ASSERT_NE(old_flow, nullptr);
  EXPECT_EQ(iface.classifier().fullName(old_flow->app), "MyProto");
  Conversation again({"10.0.0.3", 42003, macFor(3)}, {"10.0.0.2", 8888, macFor(2)});
  for (const Bytes& b : again.handshake()) feed(iface, at(t), b);
  iface.advanceClock(at(t + 2));
  const AppStats* final_stats = appNamed("MyProto");
  ASSERT_NE(final_stats, nullptr);
  EXPECT_EQ(final_stats->flows, 2u);
  EXPECT_GT(final_stats->traffic.packets, my_traffic.packets);
}

}  // namespace
}  // namespace netlens
