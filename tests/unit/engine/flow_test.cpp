// Flows as the engine builds them from packets: one bidirectional entry per conversation, its
// direction, per-direction counters, the flow key's parts, and TCP state from flags and
// sequence numbers.
#include <gtest/gtest.h>

#include "engine_harness.hpp"

namespace netlens::test {
namespace {

using namespace tcp_flag;

TEST(EngineFlow, BothDirectionsLandInOneFlowWithTheFirstSenderAsClient) {
  NetworkInterface iface(engineConfig());
  // The client's address sorts after the server's, so "first sender" and "lower address" differ.
  Conversation c({"192.168.1.10", 51000, macFor(1)}, {"10.9.9.9", 443, macFor(2)});
  std::vector<Bytes> frames = c.handshake();
  frames.push_back(c.tcp(true, Psh | Ack, std::string(100, 'a')));
  frames.push_back(c.tcp(false, Ack));
  frames.push_back(c.tcp(false, Psh | Ack, std::string(300, 'b')));
  const double times[] = {1.0, 1.1, 1.2, 1.5, 1.6, 2.25};
  for (size_t i = 0; i < frames.size(); ++i) feed(iface, at(times[i]), frames[i]);
  // Client frames: 0, 2, 3; server frames: 1, 4, 5.
  const uint64_t c2s_bytes = frames[0].size() + frames[2].size() + frames[3].size();
  const uint64_t s2c_bytes = frames[1].size() + frames[4].size() + frames[5].size();

  ASSERT_EQ(iface.activeFlows(), 1u);
  const Flow* f = findFlow(iface, "10.9.9.9", 443, 6);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->client().ip, ip("192.168.1.10"));
  EXPECT_EQ(f->client().port, 51000);
  EXPECT_EQ(f->server().port, 443);
  EXPECT_EQ(f->c2s.traffic.packets, 3u);
  EXPECT_EQ(f->s2c.traffic.packets, 3u);
  EXPECT_EQ(f->c2s.traffic.bytes, c2s_bytes);
  EXPECT_EQ(f->s2c.traffic.bytes, s2c_bytes);
  EXPECT_EQ(f->c2s.payload_bytes, 100u);
  EXPECT_EQ(f->s2c.payload_bytes, 300u);
  EXPECT_EQ(f->total().bytes, c2s_bytes + s2c_bytes);
  EXPECT_EQ(f->first_seen, at(1.0));
  EXPECT_EQ(f->last_seen, at(2.25));
  EXPECT_EQ(f->c2s.first_seen, at(1.0));
  EXPECT_EQ(f->c2s.last_seen, at(1.5));
  EXPECT_EQ(f->s2c.first_seen, at(1.1));
  EXPECT_EQ(f->s2c.last_seen, at(2.25));
  EXPECT_EQ(f->c2s.tcp_flags, Syn | Ack | Psh);
  EXPECT_EQ(f->s2c.tcp_flags, Syn | Ack | Psh);
  EXPECT_EQ(f->tcp_state, TcpState::Established);
}

TEST(EngineFlow, FirstPacketFromTheLowerAddressAlsoMakesItTheClient) {
  NetworkInterface iface(engineConfig());
  Conversation c({"10.0.0.1", 60000, macFor(1)}, {"10.0.0.2", 53, macFor(2)});
  feed(iface, at(1), c.udp(true, dnsQuery(7, "example.org")));
  feed(iface, at(1.01), c.udp(false, dnsResponse(7, "example.org", "93.184.216.34")));
  const Flow* f = findFlow(iface, "10.0.0.2", 53, 17);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->client().ip, ip("10.0.0.1"));
  EXPECT_EQ(f->c2s.traffic.packets, 1u);
  EXPECT_EQ(f->s2c.traffic.packets, 1u);
  EXPECT_EQ(f->c2s.tcp_flags, 0);
}

TEST(EngineFlow, VlanAndL4ProtocolArePartOfTheFlowKey) {
  NetworkInterface iface(engineConfig({"192.168.1.0/24"}));
  const Side cli{"192.168.1.10", 40000, macFor(1)}, srv{"192.168.1.20", 7000, macFor(2)};
  Conversation on10(cli, srv, 10), on20(cli, srv, 20), untagged(cli, srv);
  feed(iface, at(1), on10.udp(true, std::string("one")));
  feed(iface, at(1), on20.udp(true, std::string("two")));
  feed(iface, at(1), on20.udp(false, std::string("two-back")));
  feed(iface, at(1), untagged.udp(true, std::string("three")));
  feed(iface, at(1), untagged.tcp(true, Syn));  // same addresses and ports, TCP

  EXPECT_EQ(iface.activeFlows(), 4u);
  EXPECT_EQ(countFlows(iface), 4u);
  const Flow* f10 = findFlow(iface, "192.168.1.20", 7000, 17, 10);
  const Flow* f20 = findFlow(iface, "192.168.1.20", 7000, 17, 20);
  const Flow* f0 = findFlow(iface, "192.168.1.20", 7000, 17, 0);
  const Flow* t0 = findFlow(iface, "192.168.1.20", 7000, 6, 0);
  ASSERT_TRUE(f10 && f20 && f0 && t0);
  EXPECT_EQ(f10->total().packets, 1u);
  EXPECT_EQ(f20->c2s.traffic.packets, 1u);
  EXPECT_EQ(f20->s2c.traffic.packets, 1u);
  EXPECT_EQ(f0->total().packets, 1u);
  EXPECT_EQ(t0->total().packets, 1u);
  // Hosts are per VLAN too: each address exists once per VLAN it was seen on.
  EXPECT_EQ(iface.activeHosts(), 6u);
  ASSERT_NE(findHost(iface, "192.168.1.10", 10), nullptr);
  ASSERT_NE(findHost(iface, "192.168.1.10", 20), nullptr);
  const Host* h0 = findHost(iface, "192.168.1.10", 0);
  ASSERT_NE(h0, nullptr);
  EXPECT_EQ(h0->active_flows, 2u);  // the untagged UDP and TCP flows
  EXPECT_EQ(findHost(iface, "192.168.1.10", 10)->active_flows, 1u);
}

TEST(EngineFlow, TcpStateFollowsHandshakeAndClose) {
  NetworkInterface iface(engineConfig());
  Conversation c({"10.0.0.1", 40001, macFor(1)}, {"10.0.0.2", 5001, macFor(2)});
  auto state = [&] { return findFlow(iface, "10.0.0.2", 5001, 6)->tcp_state; };
  std::vector<Bytes> hs = c.handshake();
  feed(iface, at(1), hs[0]);
  EXPECT_EQ(state(), TcpState::SynSent);
  feed(iface, at(1.01), hs[1]);
  EXPECT_EQ(state(), TcpState::SynReceived);
  feed(iface, at(1.02), hs[2]);
  EXPECT_EQ(state(), TcpState::Established);
  feed(iface, at(1.03), c.tcp(true, Psh | Ack, "hello"));
  EXPECT_EQ(state(), TcpState::Established);
  feed(iface, at(1.04), c.tcp(true, Fin | Ack));
  EXPECT_EQ(state(), TcpState::Closing);
  feed(iface, at(1.05), c.tcp(false, Ack));
  EXPECT_EQ(state(), TcpState::Closing);
  feed(iface, at(1.06), c.tcp(false, Fin | Ack));
  EXPECT_EQ(state(), TcpState::Closed);
  feed(iface, at(1.07), c.tcp(true, Ack));
  EXPECT_EQ(state(), TcpState::Closed);
  const Flow* f = findFlow(iface, "10.0.0.2", 5001, 6);
  EXPECT_EQ(f->c2s.tcp_flags, Syn | Ack | Psh | Fin);
  EXPECT_EQ(f->s2c.tcp_flags, Syn | Ack | Fin);
  EXPECT_EQ(f->c2s.retransmissions + f->s2c.retransmissions, 0u);
  EXPECT_EQ(f->c2s.out_of_order + f->s2c.out_of_order, 0u);
}

TEST(EngineFlow, RstResetsAndAMidStreamFlowIsEstablished) {
  NetworkInterface iface(engineConfig());
  Conversation refused({"10.0.0.1", 40002, macFor(1)}, {"10.0.0.2", 5002, macFor(2)});
  feed(iface, at(1), refused.tcp(true, Syn));
  feed(iface, at(1.01), refused.tcp(false, Rst | Ack));
  const Flow* r = findFlow(iface, "10.0.0.2", 5002, 6);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->tcp_state, TcpState::Reset);
  EXPECT_EQ(r->s2c.tcp_flags, Rst | Ack);

  // A capture that starts in the middle of a connection.
  Conversation joined({"10.0.0.1", 40003, macFor(1)}, {"10.0.0.2", 5003, macFor(2)});
  feed(iface, at(1.1), joined.tcp(true, Psh | Ack, "data"));
  const Flow* j = findFlow(iface, "10.0.0.2", 5003, 6);
  ASSERT_NE(j, nullptr);
  EXPECT_EQ(j->tcp_state, TcpState::Established);
  feed(iface, at(1.2), joined.tcp(false, Rst));
  EXPECT_EQ(j->tcp_state, TcpState::Reset);
}

TEST(EngineFlow, RetransmissionsAndOutOfOrderFromSequenceNumbers) {
  NetworkInterface iface(engineConfig());
  Conversation c({"10.0.0.1", 40004, macFor(1)}, {"10.0.0.2", 5004, macFor(2)});
  for (const Bytes& b : c.handshake()) feed(iface, at(1), b);
  const uint32_t srv_ack = c.nextSeq(false);
  const uint32_t s0 = c.nextSeq(true);
  const std::string seg(100, 'x');
  feed(iface, at(1.1), c.tcpAt(true, Ack | Psh, s0, srv_ack, seg));        // in order
  feed(iface, at(1.2), c.tcpAt(true, Ack | Psh, s0, srv_ack, seg));        // the same again
  feed(iface, at(1.3), c.tcpAt(true, Ack | Psh, s0 + 100, srv_ack, seg));  // in order
  feed(iface, at(1.4), c.tcpAt(true, Ack | Psh, s0 + 300, srv_ack, seg));  // 100 bytes missing
  feed(iface, at(1.5), c.tcpAt(true, Ack, s0 + 400, srv_ack));             // pure ACK: no data
  feed(iface, at(1.6), c.tcpAt(true, Ack | Psh, s0 + 400, srv_ack, seg));  // in order after the gap
  feed(iface, at(1.7), c.tcpAt(true, Ack | Psh, s0 + 300, srv_ack, seg));  // old data again
  // The server side keeps its own numbering: a duplicate there counts on its side only.
  const uint32_t r0 = c.nextSeq(false);
  feed(iface, at(1.8), c.tcpAt(false, Ack | Psh, r0, s0 + 500, seg));
  feed(iface, at(1.9), c.tcpAt(false, Ack | Psh, r0, s0 + 500, seg));

  const Flow* f = findFlow(iface, "10.0.0.2", 5004, 6);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->c2s.retransmissions, 2u);
  EXPECT_EQ(f->c2s.out_of_order, 1u);
  EXPECT_EQ(f->s2c.retransmissions, 1u);
  EXPECT_EQ(f->s2c.out_of_order, 0u);
  EXPECT_EQ(f->c2s.traffic.packets, 2u + 7u);
  EXPECT_EQ(f->c2s.payload_bytes, 600u);
}

TEST(EngineFlow, PacketTimeNeverRunsBackwards) {
  NetworkInterface iface(engineConfig());
  Conversation c({"10.0.0.1", 40005, macFor(1)}, {"10.0.0.2", 5005, macFor(2)});
  feed(iface, at(5), c.udp(true, std::string("late")));
  feed(iface, at(4), c.udp(false, std::string("early")));  // captured out of order
  const Flow* f = findFlow(iface, "10.0.0.2", 5005, 17);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(iface.now(), at(5));
  EXPECT_EQ(f->s2c.first_seen, at(5));
  EXPECT_EQ(f->last_seen, at(5));
  EXPECT_EQ(f->s2c.traffic.packets, 1u);
  EXPECT_EQ(iface.stats().last_packet, at(5));
}

TEST(EngineFlow, Ipv6FlowsAreBidirectionalToo) {
  NetworkInterface iface(engineConfig());
  Conversation c({"2001:db8::20", 50000, macFor(1)}, {"2001:db8::1", 8080, macFor(2)});
  for (const Bytes& b : c.handshake()) feed(iface, at(1), b);
  const Flow* f = findFlow(iface, "2001:db8::1", 8080, 6);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(iface.activeFlows(), 1u);
  EXPECT_EQ(f->key.ipVersion(), 6);
  EXPECT_EQ(f->client().ip, ip("2001:db8::20"));
  EXPECT_EQ(f->c2s.traffic.packets, 2u);
  EXPECT_EQ(f->s2c.traffic.packets, 1u);
  EXPECT_EQ(f->tcp_state, TcpState::Established);
}

}  // namespace
}  // namespace netlens::test
