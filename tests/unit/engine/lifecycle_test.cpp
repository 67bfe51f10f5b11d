// Lifecycle and bounds: idle and closed flows expire, idle hosts expire once they have no flow,
// ended flows reach the flow sinks, and full tables evict or drop with counters, without
// losing what was already counted.
#include <gtest/gtest.h>

#include "engine_harness.hpp"

namespace netlens::test {
namespace {

using namespace tcp_flag;

EngineConfig expiringConfig() {
  EngineConfig cfg = engineConfig({"192.168.1.0/24"});
  cfg.expire_idle = true;
  cfg.lifecycle.flow_idle_s = 30;
  cfg.lifecycle.tcp_closed_s = 5;
  cfg.lifecycle.local_host_idle_s = 100;
  cfg.lifecycle.remote_host_idle_s = 50;
  return cfg;
}

TEST(EngineLifecycle, IdleAndClosedFlowsExpireAndReachTheSink) {
  NetworkInterface iface(expiringConfig());
  RecordingSink sink;
  iface.addFlowSink(&sink);
  Conversation udp({"192.168.1.10", 40000, macFor(1)}, {"198.51.100.1", 5000, macFor(2)});
  Conversation tcp({"192.168.1.10", 40001, macFor(1)}, {"198.51.100.1", 80, macFor(2)});
  feed(iface, at(0), udp.udp(true, std::string("x")));
  feed(iface, at(0), udp.udp(false, std::string("y")));
  for (const Bytes& b : tcp.handshake()) feed(iface, at(0), b);
  feed(iface, at(0.05), tcp.tcp(true, Psh | Ack, "GET /a HTTP/1.1\r\nHost: sink.netlens-test.org\r\n\r\n"));
  feed(iface, at(0.06), tcp.tcp(false, Psh | Ack, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
  feed(iface, at(0.1), tcp.tcp(true, Fin | Ack));
  feed(iface, at(0.2), tcp.tcp(false, Fin | Ack));
  feed(iface, at(0.3), tcp.tcp(true, Ack));
  const TrafficCounter udp_total = findFlow(iface, "198.51.100.1", 5000, 17)->total();
  const TrafficCounter tcp_total = findFlow(iface, "198.51.100.1", 80, 6)->total();
  ASSERT_EQ(findFlow(iface, "198.51.100.1", 80, 6)->tcp_state, TcpState::Closed);

  runClockTo(iface, at(4));
  EXPECT_EQ(iface.activeFlows(), 2u);
  EXPECT_TRUE(sink.ended.empty());
  runClockTo(iface, at(6.5));  // past the closed timeout, well before the idle one
  EXPECT_EQ(iface.activeFlows(), 1u);
  EXPECT_EQ(findFlow(iface, "198.51.100.1", 80, 6), nullptr);
  ASSERT_EQ(sink.ended.size(), 1u);
  const EndedFlow& closed = sink.ended[0];
  EXPECT_EQ(closed.why, FlowEndReason::Closed);
  EXPECT_EQ(closed.server.port, 80);
  EXPECT_EQ(closed.client.ip, ip("192.168.1.10"));
  EXPECT_EQ(closed.tcp_state, TcpState::Closed);
  EXPECT_EQ(closed.c2s.packets + closed.s2c.packets, tcp_total.packets);
  EXPECT_EQ(closed.c2s.bytes + closed.s2c.bytes, tcp_total.bytes);
  // The sink sees a decided flow with nDPI's state already released.
  EXPECT_TRUE(closed.detection_final);
  EXPECT_FALSE(closed.still_inspecting);
  EXPECT_EQ(closed.app_name, "HTTP");
  EXPECT_EQ(closed.server_name, "sink.netlens-test.org");

  runClockTo(iface, at(29));
  EXPECT_EQ(iface.activeFlows(), 1u);
  runClockTo(iface, at(31));
  EXPECT_EQ(iface.activeFlows(), 0u);
  ASSERT_EQ(sink.ended.size(), 2u);
  const EndedFlow& idle = sink.ended[1];
  EXPECT_EQ(idle.why, FlowEndReason::Idle);
  EXPECT_EQ(idle.server.port, 5000);
  EXPECT_EQ(idle.c2s.packets, 1u);
  EXPECT_EQ(idle.s2c.packets, 1u);
  EXPECT_TRUE(idle.detection_final);
  EXPECT_GE(idle.ended_at, at(30));
  EXPECT_EQ(iface.stats().flows.expired, 2u);
  EXPECT_EQ(iface.classifier().liveInspections(), 0u);

  // What the flows carried stays in the totals.
  const Host* h = findHost(iface, "192.168.1.10");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->active_flows, 0u);
  EXPECT_EQ(h->sent.packets + h->received.packets, udp_total.packets + tcp_total.packets);
  EXPECT_EQ(h->sent.bytes + h->received.bytes, udp_total.bytes + tcp_total.bytes);
  const AppTotals apps = sumApplications(iface);
  EXPECT_EQ(apps.flows, 2u);
  EXPECT_EQ(iface.applications()[NDPI_PROTOCOL_HTTP].traffic.bytes, tcp_total.bytes);
  EXPECT_EQ(apps.traffic.packets, udp_total.packets + tcp_total.packets);
  EXPECT_EQ(apps.traffic.bytes, udp_total.bytes + tcp_total.bytes);
  EXPECT_EQ(iface.stats().ipv4.bytes, udp_total.bytes + tcp_total.bytes);
  EXPECT_EQ(iface.networks()[0].active_flows, 0u);
  EXPECT_EQ(iface.networks()[0].flows, 2u);
  EXPECT_EQ(iface.networks()[0].egress.bytes + iface.networks()[0].ingress.bytes, udp_total.bytes + tcp_total.bytes);
}

TEST(EngineLifecycle, TrafficKeepsAFlowAlive) {
  NetworkInterface iface(expiringConfig());
  Conversation c({"192.168.1.10", 40000, macFor(1)}, {"198.51.100.1", 5000, macFor(2)});
  for (int s = 0; s <= 80; s += 20) {
    runClockTo(iface, at(s));
    feed(iface, at(s), c.udp(true, std::string("keepalive")));
  }
  runClockTo(iface, at(100));
  const Flow* f = findFlow(iface, "198.51.100.1", 5000, 17);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->c2s.traffic.packets, 5u);
  EXPECT_EQ(iface.stats().flows.expired, 0u);
  EXPECT_EQ(iface.stats().flows.created, 1u);
}

TEST(EngineLifecycle, IdleHostsExpireLocalLaterThanRemote) {
  NetworkInterface iface(expiringConfig());
  Conversation c({"192.168.1.10", 40000, macFor(1)}, {"198.51.100.1", 5000, macFor(2)});
  feed(iface, at(0), c.udp(true, std::string("hello")));
  runClockTo(iface, at(31));
  ASSERT_EQ(iface.activeFlows(), 0u);
  EXPECT_EQ(iface.activeHosts(), 2u);
  runClockTo(iface, at(49));
  EXPECT_NE(findHost(iface, "198.51.100.1"), nullptr);
  runClockTo(iface, at(51));
  EXPECT_EQ(findHost(iface, "198.51.100.1"), nullptr);
  const Host* local = findHost(iface, "192.168.1.10");
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->sent.packets, 1u);  // the expired flow's traffic is still there
  EXPECT_EQ(iface.networks()[0].hosts, 1u);
  runClockTo(iface, at(99));
  EXPECT_NE(findHost(iface, "192.168.1.10"), nullptr);
  runClockTo(iface, at(101));
  EXPECT_EQ(findHost(iface, "192.168.1.10"), nullptr);
  EXPECT_EQ(iface.activeHosts(), 0u);
  EXPECT_EQ(iface.stats().hosts.expired, 2u);
  EXPECT_EQ(iface.networks()[0].hosts, 0u);
  // Interface and application totals outlive hosts and flows.
  EXPECT_EQ(iface.stats().ipv4.packets, 1u);
  EXPECT_EQ(sumApplications(iface).traffic.packets, 1u);
}

TEST(EngineLifecycle, HostsInAFlowDoNotExpire) {
  EngineConfig cfg = expiringConfig();
  cfg.lifecycle.flow_idle_s = 30;
  cfg.lifecycle.remote_host_idle_s = 10;
  cfg.lifecycle.local_host_idle_s = 10;
  NetworkInterface iface(cfg);
  Conversation c({"192.168.1.10", 40000, macFor(1)}, {"198.51.100.1", 5000, macFor(2)});
  feed(iface, at(0), c.udp(true, std::string("hello")));
  runClockTo(iface, at(25));  // both hosts idle longer than their timeout, but in a flow
  EXPECT_EQ(iface.activeHosts(), 2u);
  EXPECT_EQ(iface.stats().hosts.expired, 0u);
  ASSERT_NE(findHost(iface, "198.51.100.1"), nullptr);
  EXPECT_EQ(findHost(iface, "198.51.100.1")->active_flows, 1u);
  runClockTo(iface, at(31));
  EXPECT_EQ(iface.activeFlows(), 0u);
  runClockTo(iface, at(31 + 10 + 1));
  EXPECT_EQ(iface.activeHosts(), 0u);
  EXPECT_EQ(iface.stats().hosts.expired, 2u);
}

TEST(EngineLifecycle, AHostTalkingToItselfExpiresAfterItsFlow) {
  // Loopback-style traffic: both ends of the flow are the same host.
  NetworkInterface iface(expiringConfig());
  RecordingSink sink;
  iface.addFlowSink(&sink);
  Conversation self({"192.168.1.10", 40000, macFor(1)}, {"192.168.1.10", 6000, macFor(1)});
  feed(iface, at(0), self.udp(true, std::string("ping")));
  feed(iface, at(0), self.udp(false, std::string("pong")));
  ASSERT_EQ(iface.activeHosts(), 1u);
  const Host* h = findHost(iface, "192.168.1.10");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->active_flows, 1u);
  runClockTo(iface, at(31));
  ASSERT_EQ(sink.ended.size(), 1u);
  ASSERT_NE(findHost(iface, "192.168.1.10"), nullptr);
  EXPECT_EQ(findHost(iface, "192.168.1.10")->active_flows, 0u);
  runClockTo(iface, at(31 + 100 + 1));
  EXPECT_EQ(iface.activeHosts(), 0u);
}

TEST(EngineLifecycle, NothingExpiresWhenExpiryIsOff) {
  EngineConfig cfg = expiringConfig();
  cfg.expire_idle = false;
  NetworkInterface iface(cfg);
  RecordingSink sink;
  iface.addFlowSink(&sink);
  Conversation udp({"192.168.1.10", 40000, macFor(1)}, {"198.51.100.1", 5000, macFor(2)});
  Conversation tcp({"192.168.1.10", 40001, macFor(1)}, {"198.51.100.1", 5001, macFor(2)});
  feed(iface, at(0), udp.udp(true, std::string("x")));
  feed(iface, at(0), tcp.tcp(true, Syn));
  feed(iface, at(0), tcp.tcp(false, Rst | Ack));
  runClockTo(iface, at(1000));
  EXPECT_EQ(iface.activeFlows(), 2u);
  EXPECT_EQ(iface.activeHosts(), 2u);
  EXPECT_TRUE(sink.ended.empty());
  EXPECT_EQ(iface.stats().flows.expired, 0u);
  EXPECT_EQ(iface.stats().hosts.expired, 0u);
  // The clock still ran: the totals were rolled up on the ticks.
  EXPECT_EQ(findHost(iface, "192.168.1.10")->sent.packets, 2u);
}

// ---- bounds -----------------------------------------------------------------------------------

TEST(EngineBounds, FullFlowTableEvictsTheOldest) {
  EngineConfig cfg = engineConfig({"192.168.1.0/24"});
  cfg.expire_idle = false;
  cfg.lifecycle.max_flows = 16;
  NetworkInterface iface(cfg);
  RecordingSink sink;
  iface.addFlowSink(&sink);
  const Side client{"192.168.1.10", 40000, macFor(1)};
  TrafficCounter sent;
  for (uint16_t i = 0; i < 24; ++i) {
    Conversation c(client, {"198.51.100.1", uint16_t(6000 + i), macFor(2)});
    const Bytes b = c.udp(true, std::string(10 + i, 'p'));
    feed(iface, at(i), b);
    feed(iface, at(i + 0.5), b);
    sent.add(2, 2 * b.size());
    ASSERT_LE(iface.activeFlows(), 16u);
  }
  EXPECT_EQ(iface.activeFlows(), 16u);
  EXPECT_EQ(iface.stats().flows.created, 24u);
  EXPECT_EQ(iface.stats().flows.evicted, 8u);
  EXPECT_EQ(iface.stats().flows.dropped, 0u);
  EXPECT_EQ(iface.stats().engine_drops, 0u);
  ASSERT_EQ(sink.ended.size(), 8u);
  for (size_t i = 0; i < sink.ended.size(); ++i) {
    EXPECT_EQ(sink.ended[i].why, FlowEndReason::Evicted);
    EXPECT_EQ(sink.ended[i].server.port, 6000 + i) << "the oldest flows go first";
    EXPECT_EQ(sink.ended[i].c2s.packets, 2u);
    EXPECT_TRUE(sink.ended[i].detection_final);
  }
  for (uint16_t i = 0; i < 24; ++i)
    EXPECT_EQ(findFlow(iface, "198.51.100.1", uint16_t(6000 + i), 17) != nullptr, i >= 8) << i;

  iface.finish();
  // Evicted flows' traffic is still in the hosts and applications.
  const Host* h = findHost(iface, "192.168.1.10");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->sent.packets, sent.packets);
  EXPECT_EQ(h->sent.bytes, sent.bytes);
  EXPECT_EQ(h->flows_as_client, 24u);
  EXPECT_EQ(h->active_flows, 16u);
  const AppTotals apps = sumApplications(iface);
  EXPECT_EQ(apps.flows, 24u);
  EXPECT_EQ(apps.traffic.packets, sent.packets);
  EXPECT_EQ(apps.traffic.bytes, sent.bytes);
  EXPECT_EQ(iface.classifier().liveInspections(), 0u);
}

TEST(EngineBounds, ClosedFlowsAreEvictedBeforeActiveOnes) {
  EngineConfig cfg = engineConfig();
  cfg.expire_idle = false;
  cfg.lifecycle.max_flows = 16;
  NetworkInterface iface(cfg);
  RecordingSink sink;
  iface.addFlowSink(&sink);
  for (uint16_t i = 0; i < 16; ++i) {
    Conversation c({"10.0.0.1", uint16_t(40000 + i), macFor(1)}, {"10.0.0.2", 443, macFor(2)});
    feed(iface, at(1), c.tcp(true, Syn));
    if (i == 9) feed(iface, at(1.5), c.tcp(false, Rst | Ack));  // the newest in time, but reset
  }
  Conversation extra({"10.0.0.1", 41000, macFor(1)}, {"10.0.0.2", 443, macFor(2)});
  feed(iface, at(2), extra.tcp(true, Syn));
  ASSERT_EQ(sink.ended.size(), 1u);
  EXPECT_EQ(sink.ended[0].why, FlowEndReason::Evicted);
  EXPECT_EQ(sink.ended[0].client.port, 40009);
  EXPECT_EQ(sink.ended[0].tcp_state, TcpState::Reset);
  EXPECT_EQ(iface.activeFlows(), 16u);
}

TEST(EngineBounds, FullHostTableEvictsIdleHostsThenDrops) {
  EngineConfig cfg = engineConfig({"10.0.0.0/8"});
  cfg.expire_idle = true;
  cfg.lifecycle.flow_idle_s = 2;
  cfg.lifecycle.remote_host_idle_s = 1000;
  cfg.lifecycle.local_host_idle_s = 1000;
  cfg.lifecycle.max_hosts = 4;
  NetworkInterface iface(cfg);
  Conversation ab({"10.0.0.1", 40000, macFor(1)}, {"10.0.0.2", 5000, macFor(2)});
  feed(iface, at(0), ab.udp(true, std::string("ab")));
  runClockTo(iface, at(3));
  ASSERT_EQ(iface.activeFlows(), 0u);
  ASSERT_EQ(iface.activeHosts(), 2u);  // without flows, not yet idle long enough to expire

  Conversation cd({"10.0.0.3", 40000, macFor(3)}, {"10.0.0.4", 5000, macFor(4)});
  Conversation ef({"10.0.0.5", 40000, macFor(5)}, {"10.0.0.6", 5000, macFor(6)});
  feed(iface, at(3.1), cd.udp(true, std::string("cd")));
  EXPECT_EQ(iface.stats().hosts.evicted, 0u);
  feed(iface, at(3.2), ef.udp(true, std::string("ef")));
  EXPECT_EQ(iface.stats().hosts.evicted, 2u);
  EXPECT_EQ(iface.activeHosts(), 4u);
  EXPECT_EQ(findHost(iface, "10.0.0.1"), nullptr);
  EXPECT_EQ(findHost(iface, "10.0.0.2"), nullptr);
  ASSERT_NE(findHost(iface, "10.0.0.5"), nullptr);
  ASSERT_NE(findHost(iface, "10.0.0.6"), nullptr);
  EXPECT_EQ(iface.networks()[0].hosts, 4u);

  // Every host is in a flow now: new hosts are dropped, their packets still make a flow.
  Conversation gh({"10.0.0.7", 40000, macFor(7)}, {"10.0.0.8", 5000, macFor(8)});
  const Bytes g1 = gh.udp(true, std::string("gh"));
  feed(iface, at(3.3), g1);
  feed(iface, at(3.4), gh.udp(false, std::string("hg")));
  EXPECT_EQ(iface.stats().hosts.dropped, 2u);
  EXPECT_EQ(iface.activeHosts(), 4u);
  EXPECT_EQ(findHost(iface, "10.0.0.7"), nullptr);
  const Flow* f = findFlow(iface, "10.0.0.8", 5000, 17);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->client_host, kNoHost);
  EXPECT_EQ(f->server_host, kNoHost);
  EXPECT_EQ(f->c2s.traffic.packets, 1u);
  EXPECT_EQ(f->c2s.traffic.bytes, g1.size());
  EXPECT_EQ(f->s2c.traffic.packets, 1u);
  EXPECT_EQ(iface.stats().ipv4.packets, 5u);
  EXPECT_EQ(iface.stats().engine_drops, 0u);
  EXPECT_EQ(iface.networks()[0].hosts, 4u);
  EXPECT_EQ(iface.networks()[0].flows, 4u);
  iface.finish();
  EXPECT_EQ(iface.networks()[0].inner.packets, 5u);  // hosts dropped, the network still known
  EXPECT_EQ(sumApplications(iface).traffic.packets, 5u);
  EXPECT_EQ(iface.host(f->client_host), nullptr);
}

TEST(EngineBounds, ANewFlowKeepsItsClientWhenOnlyOneHostCanBeMadeRoomFor) {
  EngineConfig cfg = engineConfig();
  cfg.expire_idle = true;
  cfg.lifecycle.flow_idle_s = 5;
  cfg.lifecycle.remote_host_idle_s = 1000;
  cfg.lifecycle.max_hosts = 3;
  NetworkInterface iface(cfg);
  // A talks to B all along; A's short flow to X ends, so X is left without a flow.
  Conversation ab({"10.0.0.1", 40000, macFor(1)}, {"10.0.0.2", 5000, macFor(2)});
  Conversation ax({"10.0.0.1", 40001, macFor(1)}, {"10.0.0.9", 5000, macFor(9)});
  feed(iface, at(0), ax.udp(true, std::string("ax")));
  for (int s = 0; s <= 6; s += 2) {
    runClockTo(iface, at(s));
    feed(iface, at(s), ab.udp(true, std::string("ab")));
  }
  ASSERT_EQ(iface.activeFlows(), 1u);
  ASSERT_EQ(iface.activeHosts(), 3u);

  // C to D: there is room for one of them (X goes); the flow's client must be C itself.
  Conversation cd({"10.0.0.3", 40000, macFor(3)}, {"10.0.0.4", 5000, macFor(4)});
  feed(iface, at(6.5), cd.udp(true, std::string("cd")));
  const Flow* f = findFlow(iface, "10.0.0.4", 5000, 17);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(iface.stats().hosts.evicted, 1u);
  EXPECT_EQ(iface.stats().hosts.dropped, 1u);
  EXPECT_EQ(findHost(iface, "10.0.0.9"), nullptr);
  const Host* cli = iface.host(f->client_host);
  ASSERT_NE(cli, nullptr);
  EXPECT_EQ(cli->key.ip, ip("10.0.0.3"));
  EXPECT_EQ(cli->active_flows, 1u);
  EXPECT_EQ(f->server_host, kNoHost);
  EXPECT_EQ(findHost(iface, "10.0.0.4"), nullptr);
  iface.advanceClock(at(7.5));
  EXPECT_EQ(cli->sent.packets, 1u);
  EXPECT_EQ(cli->received.packets, 0u);
}

}  // namespace
}  // namespace netlens::test
