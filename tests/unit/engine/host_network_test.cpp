// Hosts (local and remote), local networks and interface totals as the engine accounts them.
#include <gtest/gtest.h>

#include "engine_harness.hpp"

namespace netlens::test {
namespace {

using namespace tcp_flag;

const std::string kRequest = "GET / HTTP/1.1\r\nHost: hosts.netlens-test.org\r\n\r\n";
const std::string kResponse = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

TEST(EngineHosts, LocalHostsHaveFullStatisticsAndRemoteOnesDoNot) {
  NetworkInterface iface(engineConfig({"192.168.1.0/24", "fd00::/8"}));
  Conversation web({"192.168.1.10", 41000, macFor(0x10)}, {"198.51.100.7", 80, macFor(0xFE)});
  std::vector<Bytes> frames = web.handshake();
  frames.push_back(web.tcp(true, Psh | Ack, kRequest));
  frames.push_back(web.tcp(false, Psh | Ack, kResponse));
  for (const Bytes& b : frames) feed(iface, at(1), b);
  Conversation v6({"fd00::10", 50000, macFor(0x11)}, {"2001:db8::53", 5353, macFor(0xFE)});
  feed(iface, at(1.5), v6.udp(true, std::string("ping")));
  iface.advanceClock(at(2));

  const Flow* f = findFlow(iface, "198.51.100.7", 80, 6);
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE(f->detection_final);
  const Host* local = findHost(iface, "192.168.1.10");
  const Host* remote = findHost(iface, "198.51.100.7");
  ASSERT_TRUE(local && remote);
  EXPECT_TRUE(local->local);
  EXPECT_FALSE(remote->local);
  EXPECT_EQ(local->network, 0);
  EXPECT_EQ(remote->network, kNoNetwork);
  EXPECT_EQ(remote->local_stats, nullptr);

  EXPECT_EQ(local->sent.packets, 3u);
  EXPECT_EQ(local->received.packets, 2u);
  EXPECT_EQ(local->sent.bytes, f->c2s.traffic.bytes);
  EXPECT_EQ(local->received.bytes, f->s2c.traffic.bytes);
  EXPECT_EQ(remote->sent.bytes, f->s2c.traffic.bytes);
  EXPECT_EQ(remote->received.bytes, f->c2s.traffic.bytes);
  EXPECT_EQ(local->flows_as_client, 1u);
  EXPECT_EQ(local->flows_as_server, 0u);
  EXPECT_EQ(remote->flows_as_client, 0u);
  EXPECT_EQ(remote->flows_as_server, 1u);
  EXPECT_EQ(local->active_flows, 1u);
  EXPECT_EQ(remote->active_flows, 1u);
  EXPECT_EQ(local->first_seen, at(1));
  EXPECT_EQ(local->last_seen, at(1));

  ASSERT_NE(local->local_stats, nullptr);
  const LocalHostStats& ls = *local->local_stats;
  EXPECT_TRUE(ls.has_mac);
  EXPECT_EQ(ls.mac, macFor(0x10));
  ASSERT_EQ(ls.apps.size(), 1u);
  EXPECT_EQ(ls.apps[0].first, NDPI_PROTOCOL_HTTP);
  EXPECT_EQ(ls.apps[0].second.flows, 1u);
  EXPECT_EQ(ls.apps[0].second.sent.bytes, f->c2s.traffic.bytes);
  EXPECT_EQ(ls.apps[0].second.received.bytes, f->s2c.traffic.bytes);
  ASSERT_EQ(ls.peers.size(), 1u);
  const auto peer = ls.peers.find(ip("198.51.100.7"));
  ASSERT_NE(peer, ls.peers.end());
  EXPECT_EQ(peer->second.flows, 1u);
  EXPECT_EQ(peer->second.bytes, f->total().bytes);

  // IPv6 locality comes from the IPv6 local network.
  const Host* local6 = findHost(iface, "fd00::10");
  const Host* remote6 = findHost(iface, "2001:db8::53");
  ASSERT_TRUE(local6 && remote6);
  EXPECT_TRUE(local6->local);
  EXPECT_EQ(local6->network, 1);
  ASSERT_NE(local6->local_stats, nullptr);
  EXPECT_EQ(local6->local_stats->mac, macFor(0x11));
  EXPECT_FALSE(remote6->local);
  EXPECT_EQ(local6->sent.packets, 1u);
  EXPECT_EQ(remote6->received.packets, 1u);
  EXPECT_EQ(iface.activeHosts(), 4u);
}

TEST(EngineHosts, CountersAddUpOverSeveralFlows) {
  NetworkInterface iface(engineConfig({"10.0.0.0/8"}));
  // 10.0.0.5 is a client in two flows and a server in one.
  Conversation a({"10.0.0.5", 40000, macFor(5)}, {"10.0.0.6", 7001, macFor(6)});
  Conversation b({"10.0.0.5", 40001, macFor(5)}, {"192.0.2.1", 7002, macFor(1)});
  Conversation c({"192.0.2.2", 40002, macFor(2)}, {"10.0.0.5", 7003, macFor(5)});
  feed(iface, at(1), a.udp(true, std::string(10, 'a')));
  feed(iface, at(1), a.udp(false, std::string(20, 'a')));
  feed(iface, at(1), b.udp(true, std::string(30, 'b')));
  feed(iface, at(1), c.udp(true, std::string(40, 'c')));
  feed(iface, at(1), c.udp(false, std::string(50, 'c')));
  feed(iface, at(1), c.udp(false, std::string(60, 'c')));
  iface.advanceClock(at(2));

  const Host* h = findHost(iface, "10.0.0.5");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->flows_as_client, 2u);
  EXPECT_EQ(h->flows_as_server, 1u);
  EXPECT_EQ(h->active_flows, 3u);
  EXPECT_EQ(h->sent.packets, 1u + 1u + 2u);
  EXPECT_EQ(h->received.packets, 1u + 1u);
  // Frame sizes: 14 Ethernet + 20 IPv4 + 8 UDP + payload.
  EXPECT_EQ(h->sent.bytes, (42u + 10) + (42u + 30) + (42u + 50) + (42u + 60));
  EXPECT_EQ(h->received.bytes, (42u + 20) + (42u + 40));
  ASSERT_NE(h->local_stats, nullptr);
  EXPECT_EQ(h->local_stats->peers.size(), 3u);
  const Host* peer = findHost(iface, "10.0.0.6");
  ASSERT_NE(peer, nullptr);
  EXPECT_TRUE(peer->local);
  EXPECT_EQ(peer->active_flows, 1u);
  EXPECT_EQ(peer->flows_as_server, 1u);
}

TEST(EngineHosts, PeersAreBoundedAndTheApplicationBreakdownCanBeOff) {
  EngineConfig cfg = engineConfig({"192.168.1.0/24"});
  cfg.max_peers_per_host = 2;
  cfg.local_host_apps = false;
  NetworkInterface iface(cfg);
  for (uint16_t i = 0; i < 3; ++i) {
    const std::string server = "203.0.113." + std::to_string(10 + i);
    Conversation c({"192.168.1.10", uint16_t(40000 + i), macFor(1)}, {server, 53, macFor(2)});
    feed(iface, at(1), c.udp(true, dnsQuery(i, "peer.example")));
    feed(iface, at(1), c.udp(false, dnsResponse(i, "peer.example", "192.0.2.7")));
  }
  iface.advanceClock(at(2));
  const Host* h = findHost(iface, "192.168.1.10");
  ASSERT_NE(h, nullptr);
  ASSERT_NE(h->local_stats, nullptr);
  EXPECT_EQ(h->local_stats->peers.size(), 2u);
  EXPECT_EQ(h->local_stats->peers_dropped, 1u);
  EXPECT_EQ(h->flows_as_client, 3u);
  EXPECT_TRUE(h->local_stats->apps.empty());
  EXPECT_EQ(iface.applications()[NDPI_PROTOCOL_DNS].flows, 3u);  // interface totals still kept
}

TEST(EngineHosts, DnsAnswersNameHostsOnEveryVlanAndRepeatsChangeNothing) {
  // The same address is a host on VLAN 10 and on VLAN 20 before any answer names it; answers
  // heard on each VLAN name the host of that VLAN, a repeated answer counts once, and a host
  // created after the answer takes the name from the cache.
  NetworkInterface iface(engineConfig());
  const char* server = "203.0.113.80";
  Conversation web10({"10.0.0.10", 40000, macFor(1)}, {server, 443, macFor(2)}, 10);
  Conversation web20({"10.0.0.20", 40000, macFor(3)}, {server, 443, macFor(4)}, 20);
  feed(iface, at(1), web10.tcp(true, Syn));
  feed(iface, at(1), web20.tcp(true, Syn));
  Conversation dns10({"10.0.0.10", 5353, macFor(1)}, {"10.0.0.53", 53, macFor(5)}, 10);
  Conversation dns20({"10.0.0.20", 5353, macFor(3)}, {"10.0.0.53", 53, macFor(5)}, 20);
  feed(iface, at(2), dns10.udp(true, dnsQuery(7, "www.example.org")));
  feed(iface, at(2), dns10.udp(false, dnsResponse(7, "www.example.org", server)));
  const uint64_t learned = iface.stats().names.names_learned;
  feed(iface, at(2.5), dns10.udp(false, dnsResponse(8, "www.example.org", server)));  // a repeat
  EXPECT_EQ(iface.stats().names.names_learned, learned);
  const Host* on10 = findHost(iface, server, 10);
  const Host* on20 = findHost(iface, server, 20);
  ASSERT_TRUE(on10 && on20);
  ASSERT_TRUE(on10->names);
  EXPECT_EQ(on10->names->best(), "www.example.org");
  EXPECT_TRUE(!on20->names || on20->names->best().empty());
  feed(iface, at(3), dns20.udp(false, dnsResponse(9, "www.example.org", server)));
  ASSERT_TRUE(on20->names);
  EXPECT_EQ(on20->names->best(), "www.example.org");
  // A host that appears after the answer (VLAN 30) is named from the cache.
  Conversation web30({"10.0.0.30", 40000, macFor(6)}, {server, 443, macFor(7)}, 30);
  feed(iface, at(4), web30.tcp(true, Syn));
  const Host* on30 = findHost(iface, server, 30);
  ASSERT_TRUE(on30 && on30->names);
  EXPECT_EQ(on30->names->best(), "www.example.org");
}

TEST(EngineNetworks, IngressEgressAndInnerTraffic) {
  NetworkInterface iface(engineConfig({"192.168.1.0/24", "10.0.0.0/8"}));
  const Side lan1{"192.168.1.10", 40000, macFor(1)}, lan2{"192.168.1.20", 7000, macFor(2)};
  const Side dc{"10.1.1.1", 7100, macFor(3)}, internet{"203.0.113.5", 443, macFor(4)};
  Conversation out(lan1, internet);  // local client to a remote server
  Conversation in({"198.51.100.9", 50000, macFor(5)}, lan2);  // remote client to a local server
  Conversation inner(lan1, lan2);  // inside 192.168.1.0/24
  Conversation across(lan2, dc);   // from one local network to another

  const Bytes out_c2s = out.udp(true, std::string(100, 'o'));
  const Bytes out_s2c = out.udp(false, std::string(200, 'o'));
  const Bytes in_c2s = in.udp(true, std::string(10, 'i'));
  const Bytes inner_c2s = inner.udp(true, std::string(1, 'n'));
  const Bytes inner_s2c = inner.udp(false, std::string(2, 'n'));
  const Bytes across_c2s = across.udp(true, std::string(3, 'x'));
  for (const Bytes* b : {&out_c2s, &out_s2c, &out_s2c, &in_c2s, &inner_c2s, &inner_s2c, &across_c2s})
    feed(iface, at(1), *b);
  iface.advanceClock(at(2));

  ASSERT_EQ(iface.networks().size(), 2u);
  const NetworkStats& lan = iface.networks()[0];
  const NetworkStats& ten = iface.networks()[1];
  EXPECT_EQ(lan.cidr.toString(), "192.168.1.0/24");
  EXPECT_EQ(lan.ingress.packets, 2u + 1u);  // out's two replies, in's request
  EXPECT_EQ(lan.ingress.bytes, 2 * out_s2c.size() + in_c2s.size());
  EXPECT_EQ(lan.egress.packets, 1u + 1u);  // out's request, across
  EXPECT_EQ(lan.egress.bytes, out_c2s.size() + across_c2s.size());
  EXPECT_EQ(lan.inner.packets, 2u);
  EXPECT_EQ(lan.inner.bytes, inner_c2s.size() + inner_s2c.size());
  EXPECT_EQ(ten.ingress.packets, 1u);
  EXPECT_EQ(ten.ingress.bytes, across_c2s.size());
  EXPECT_EQ(ten.egress.packets, 0u);
  EXPECT_EQ(ten.inner.packets, 0u);

  EXPECT_EQ(lan.hosts, 2u);
  EXPECT_EQ(ten.hosts, 1u);
  EXPECT_EQ(lan.flows, 4u);
  EXPECT_EQ(lan.active_flows, 4u);
  EXPECT_EQ(ten.flows, 1u);
  EXPECT_EQ(ten.active_flows, 1u);
}

TEST(EngineInterface, TotalsByKindAndDecodeErrors) {
  NetworkInterface iface(engineConfig());
  Conversation tcp4({"10.0.0.1", 40000, macFor(1)}, {"10.0.0.2", 80, macFor(2)});
  Conversation udp4({"10.0.0.1", 40001, macFor(1)}, {"10.0.0.2", 53, macFor(2)});
  Conversation udp6({"2001:db8::1", 40002, macFor(1)}, {"2001:db8::2", 5000, macFor(2)});
  const Bytes syn = tcp4.tcp(true, Syn);
  const Bytes dgram = udp4.udp(true, dnsQuery(9, "a.example"));
  const Bytes dgram6 = udp6.udp(true, std::string(40, 'z'));
  Bytes icmp_echo = {8, 0, 0, 0, 0, 1, 0, 1};
  icmp_echo.insert(icmp_echo.end(), 32, 0x61);
  const Bytes icmp = ethernetFrame(macFor(2), macFor(1), 0x0800, ipv4("10.0.0.1", "10.0.0.2", 1, icmp_echo));
  Bytes arp_body = {0, 1, 8, 0, 6, 4, 0, 1};
  arp_body.insert(arp_body.end(), 20, 0);
  const Bytes arp = ethernetFrame(Mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, macFor(1), 0x0806, arp_body);
  const Bytes too_short(20, 0);
  const Bytes fragment = ethernetFrame(macFor(2), macFor(1), 0x0800,
                                       ipv4("10.0.0.1", "10.0.0.2", 17, Bytes(40, 1), /*frag_field=*/0x00B9));
  const Bytes whole = udp4.udp(true, std::string(100, 'q'));

  uint64_t all_bytes = 0;
  auto send = [&](const Bytes& b, uint32_t caplen, double t) {
    iface.processPacket(PacketRef{at(t), b.data(), caplen, uint32_t(b.size()), 1});
    all_bytes += caplen;
  };
  send(syn, uint32_t(syn.size()), 1);
  send(dgram, uint32_t(dgram.size()), 1.1);
  send(dgram6, uint32_t(dgram6.size()), 1.2);
  send(icmp, uint32_t(icmp.size()), 1.3);
  send(arp, uint32_t(arp.size()), 1.4);
  send(arp, uint32_t(arp.size()), 1.5);
  send(too_short, uint32_t(too_short.size()), 1.6);
  send(fragment, uint32_t(fragment.size()), 1.7);
  send(whole, uint32_t(whole.size()) - 50, 1.8);  // captured short of its IP length
  iface.advanceClock(at(2));

  const InterfaceStats& s = iface.stats();
  EXPECT_EQ(s.received.packets, 9u);
  EXPECT_EQ(s.received.bytes, all_bytes);
  EXPECT_EQ(s.ipv4.packets, 3u);
  EXPECT_EQ(s.ipv4.bytes, syn.size() + dgram.size() + icmp.size());
  EXPECT_EQ(s.ipv6.packets, 1u);
  EXPECT_EQ(s.ipv6.bytes, dgram6.size());
  EXPECT_EQ(s.l4[6].packets, 1u);
  EXPECT_EQ(s.l4[6].bytes, syn.size());
  EXPECT_EQ(s.l4[17].packets, 2u);
  EXPECT_EQ(s.l4[17].bytes, dgram.size() + dgram6.size());
  EXPECT_EQ(s.l4[1].packets, 1u);
  EXPECT_EQ(s.non_ip[size_t(NonIpKind::Arp)].packets, 2u);
  EXPECT_EQ(s.non_ip[size_t(NonIpKind::Arp)].bytes, 2 * arp.size());
  EXPECT_EQ(s.decode_errors[size_t(DecodeError::TooShort)], 1u);
  EXPECT_EQ(s.decode_errors[size_t(DecodeError::IpFragment)], 1u);
  EXPECT_EQ(s.decode_errors[size_t(DecodeError::TruncatedIp)], 1u);
  EXPECT_EQ(s.decode_errors[size_t(DecodeError::BadIpHeader)], 0u);
  EXPECT_EQ(s.decode_error_bytes, too_short.size() + fragment.size() + whole.size() - 50);
  EXPECT_EQ(s.engine_drops, 0u);
  EXPECT_EQ(s.first_packet, at(1));
  EXPECT_EQ(s.last_packet, at(1.8));
  EXPECT_EQ(iface.activeFlows(), 4u);
  EXPECT_EQ(s.flows.created, 4u);
  EXPECT_EQ(s.hosts.created, 4u);

  // The tick at 2 s covered exactly one second of traffic.
  EXPECT_DOUBLE_EQ(s.throughput.pps, 9.0);
  EXPECT_DOUBLE_EQ(s.throughput.bps, double(all_bytes) * 8);
  // A quiet half second later, then one packet: rates follow.
  iface.advanceClock(at(2.5));
  feed(iface, at(2.9), syn);
  iface.advanceClock(at(4));
  EXPECT_DOUBLE_EQ(s.throughput.pps, 0.5);
  EXPECT_DOUBLE_EQ(s.throughput.bps, double(syn.size()) * 8 / 2);
}

}  // namespace
}  // namespace netlens::test
