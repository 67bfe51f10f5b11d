// sFlow v5 decoding: datagram headers with IPv4 and IPv6 agents, flow samples and expanded flow
// samples with raw packet headers, generic interface counters, formats skipped by length, and
// malformed datagrams counted without reading past them.
#include <gtest/gtest.h>

#include "collect/sflow_parser.hpp"
#include "collect/sflow_source.hpp"
#include "sflow_builders.hpp"

namespace netlens::test {
namespace {

using namespace sflow;

Bytes tcpFrame(size_t payload) {
  return ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, tcpSegment(40000, 443, 0x18, 1, std::string(payload, 'x'))));
}

TEST(SflowParser, FlowSampleWithEthernetHeader) {
  const Bytes frame = tcpFrame(1400);
  const Bytes header(frame.begin(), frame.begin() + 128);  // what an agent samples by default
  const Bytes d = datagram("192.0.2.10", 7, 42,
                           {flowSample(5, 400, {rawHeader(header, uint32_t(frame.size()) + 4)}, 3, 4)});
  std::vector<SflowPacketSample> packets;
  std::vector<AgentInterfaceCounters> counters;
  const SflowParseResult r = parseSflow(d.data(), d.size(), packets, counters);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.version, 5u);
  EXPECT_EQ(r.agent, ip("192.0.2.10"));
  EXPECT_EQ(r.sub_agent, 7u);
  EXPECT_EQ(r.sequence, 42u);
  EXPECT_EQ(r.flow_samples, 1u);
  ASSERT_EQ(packets.size(), 1u);
  const SflowPacketSample& s = packets[0];
  EXPECT_EQ(s.sampling_rate, 400u);
  EXPECT_EQ(s.header_length, 128u);
  EXPECT_EQ(Bytes(s.header, s.header + s.header_length), header);
  EXPECT_EQ(s.frame_length, frame.size() + 4);
  EXPECT_EQ(s.packetLength(), frame.size());  // the FCS was stripped
  EXPECT_EQ(s.linkType(), 1);
  EXPECT_EQ(s.input_if, 3u);
  EXPECT_EQ(s.output_if, 4u);
  EXPECT_TRUE(counters.empty());
}

TEST(SflowParser, ExpandedSampleIpv6AgentAndIpHeaders) {
  const Bytes v4 = ipv4("10.0.0.1", "10.0.0.2", 17, udpDatagram(5000, 53, std::string(20, 'q')));
  const Bytes v6 = ipv6("2001:db8::1", "2001:db8::2", 17, udpDatagram(5000, 53, std::string(20, 'q')));
  const Bytes d = datagram("2001:db8::ff", 0, 1,
                           {expandedFlowSample(1, 10, {rawHeader(v4, uint32_t(v4.size()), 0, 11)}),
                            flowSample(2, 20, {rawHeader(v6, uint32_t(v6.size()), 0, 12)})});
  std::vector<SflowPacketSample> packets;
  std::vector<AgentInterfaceCounters> counters;
  const SflowParseResult r = parseSflow(d.data(), d.size(), packets, counters);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.agent, ip("2001:db8::ff"));
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[0].linkType(), 228);
  EXPECT_EQ(packets[0].sampling_rate, 10u);
  EXPECT_EQ(packets[0].input_if, 70000u);
  EXPECT_EQ(packets[0].output_if, 70001u);
  EXPECT_EQ(packets[0].packetLength(), v4.size());
  EXPECT_EQ(packets[1].linkType(), 229);
  EXPECT_EQ(packets[1].sampling_rate, 20u);
}

TEST(SflowParser, GenericInterfaceCountersAndSkippedFormats) {
  IfCounters c;
  c.index = 12;
  c.in_octets = 5'000'000'000ull;
  const Bytes other_record = tlv(2, Bytes(52, 7));         // Ethernet interface counters: not read
  const Bytes extended_switch = tlv(1001, Bytes(16, 0));   // extended switch data: not read
  const Bytes unknown_sample = tlv((9u << 12) | 1, Bytes(12, 1));  // another enterprise's sample
  const Bytes frame = tcpFrame(10);
  const Bytes d = datagram("192.0.2.10", 0, 9,
                           {counterSample(1, {genericCounters(c), other_record}), unknown_sample,
                            flowSample(3, 1, {extended_switch, rawHeader(frame, uint32_t(frame.size()) + 4)})});
  std::vector<SflowPacketSample> packets;
  std::vector<AgentInterfaceCounters> counters;
  const SflowParseResult r = parseSflow(d.data(), d.size(), packets, counters);
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.counter_samples, 1u);
  EXPECT_EQ(r.skipped, 3u);
  ASSERT_EQ(counters.size(), 1u);
  EXPECT_EQ(counters[0].agent, ip("192.0.2.10"));
  EXPECT_EQ(counters[0].if_index, 12u);
  EXPECT_EQ(counters[0].if_speed, 1'000'000'000u);
  EXPECT_EQ(counters[0].in_octets, 5'000'000'000u);
  EXPECT_EQ(counters[0].in_errors, 1u);
  EXPECT_EQ(counters[0].out_octets, 987654321u);
  EXPECT_EQ(counters[0].out_errors, 4u);
  EXPECT_EQ(counters[0].if_status, 3u);
  ASSERT_EQ(packets.size(), 1u);  // the header after the skipped record
  EXPECT_EQ(packets[0].sampling_rate, 1u);
}

TEST(SflowParser, UnknownHeaderProtocolIsSkipped) {
  const Bytes d = datagram("192.0.2.10", 0, 1, {flowSample(1, 5, {rawHeader(Bytes(40, 1), 44, 4, 2)})});  // token bus
  std::vector<SflowPacketSample> packets;
  std::vector<AgentInterfaceCounters> counters;
  const SflowParseResult r = parseSflow(d.data(), d.size(), packets, counters);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.skipped, 1u);
  EXPECT_TRUE(packets.empty());
}

TEST(SflowParser, EveryTruncationIsMalformedAndNothingIsReadPastTheEnd) {
  const Bytes frame = tcpFrame(100);
  const Bytes d = datagram("192.0.2.10", 0, 1,
                           {flowSample(1, 5, {rawHeader(frame, uint32_t(frame.size()) + 4)}),
                            counterSample(2, {genericCounters(IfCounters{})})});
  for (size_t len = 0; len < d.size(); ++len) {
    Bytes cut(d.begin(), d.begin() + long(len));  // exactly len bytes: ASan sees any overread
    std::vector<SflowPacketSample> packets;
    std::vector<AgentInterfaceCounters> counters;
    const SflowParseResult r = parseSflow(cut.data(), cut.size(), packets, counters);
    EXPECT_EQ(r.malformed, 1u) << "cut at " << len;
    EXPECT_NE(r.error, nullptr);
  }
}

TEST(SflowParser, BadFieldsAreMalformed) {
  std::vector<SflowPacketSample> packets;
  std::vector<AgentInterfaceCounters> counters;
  auto parse = [&](const Bytes& d) { return parseSflow(d.data(), d.size(), packets, counters); };
  Bytes v4 = datagram("192.0.2.10", 0, 1, {});
  v4[3] = 4;  // sFlow v4: not read
  EXPECT_EQ(parse(v4).malformed, 1u);
  Bytes bad_agent = datagram("192.0.2.10", 0, 1, {});
  bad_agent[7] = 3;
  EXPECT_STREQ(parse(bad_agent).error, "unknown agent address type");
  const Bytes zero_rate = datagram("192.0.2.10", 0, 1, {flowSample(1, 0, {})});
  EXPECT_STREQ(parse(zero_rate).error, "flow sample with sampling rate 0");
  // A header claiming more bytes than its record holds.
  Bytes record = rawHeader(Bytes(16, 1), 64);
  record[8 + 15] = 200;  // header_length
  EXPECT_STREQ(parse(datagram("192.0.2.10", 0, 1, {flowSample(1, 1, {record})})).error,
               "sampled header longer than its record");
  // A count of samples beyond what is there.
  Bytes lying = datagram("192.0.2.10", 0, 1, {counterSample(1, {})});
  lying[27] = 50;
  const SflowParseResult r = parse(lying);
  EXPECT_EQ(r.counter_samples, 1u);
  EXPECT_STREQ(r.error, "truncated sample header");
  EXPECT_TRUE(packets.empty());
}

// The source keeps statistics per agent (sequence gaps as lost datagrams) and the latest
// counters per agent interface.
TEST(SflowSource, AgentStatisticsAndInterfaceCounters) {
  SflowSource src("sflow://127.0.0.1:0", "127.0.0.1:0");
  const Bytes frame = tcpFrame(1000);
  const Bytes header(frame.begin(), frame.begin() + 128);
  const IpAddress from = ip("127.0.0.1");
  IfCounters c;
  const Bytes d1 = datagram("192.0.2.10", 1, 10, {flowSample(1, 100, {rawHeader(header, uint32_t(frame.size()) + 4)}),
                                                   counterSample(1, {genericCounters(c)})});
  c.in_octets += 1000;
  const Bytes d2 = datagram("192.0.2.10", 1, 13, {counterSample(2, {genericCounters(c)}), tlv(77, Bytes(8, 0))});
  const Bytes garbage = {0, 0, 0, 5, 0, 0};
  const Micros now = 1'700'000'000ull * kMicrosPerSecond;
  src.handleDatagram(d1.data(), d1.size(), from, now);
  src.handleDatagram(d2.data(), d2.size(), from, now + 1);
  src.handleDatagram(garbage.data(), garbage.size(), from, now + 2);
  PacketRef pkt;
  ASSERT_EQ(src.next(pkt), ReadResult::Packet);
  EXPECT_EQ(pkt.sampling_rate, 100u);
  EXPECT_EQ(pkt.caplen, 128u);
  EXPECT_EQ(pkt.wire_len, frame.size());
  EXPECT_EQ(pkt.link_type, 1);

  const auto stats = src.collectorStats();
  EXPECT_EQ(stats->kind, "sflow");
  EXPECT_EQ(stats->messages, 3u);
  EXPECT_EQ(stats->malformed, 1u);
  EXPECT_EQ(stats->flows, 1u);  // flow samples
  ASSERT_EQ(stats->peers.size(), 2u);  // the agent, and the garbage's sender
  const PeerStats& agent = stats->peers[0];
  EXPECT_EQ(agent.address, ip("192.0.2.10"));
  EXPECT_EQ(agent.messages, 2u);
  EXPECT_EQ(agent.flows, 1u);
  EXPECT_EQ(agent.packets, 100u);
  EXPECT_EQ(agent.bytes, 100u * frame.size());
  EXPECT_EQ(agent.counter_samples, 2u);
  EXPECT_EQ(agent.skipped_records, 1u);
  EXPECT_EQ(agent.lost_messages, 2u);  // 11 and 12 never came
  EXPECT_EQ(agent.domains, std::vector<uint32_t>{1});
  EXPECT_EQ(stats->peers[1].address, from);
  EXPECT_EQ(stats->peers[1].malformed, 1u);
  ASSERT_EQ(stats->interfaces.size(), 1u);  // one agent interface, latest values
  EXPECT_EQ(stats->interfaces[0].in_octets, c.in_octets);
  EXPECT_EQ(stats->interfaces[0].last_seen, now + 1);
}

}  // namespace
}  // namespace netlens::test
