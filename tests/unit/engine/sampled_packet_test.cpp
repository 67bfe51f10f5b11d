// Sampled packets (sFlow): a frame that stands for sampling_rate packets of its original length,
// usually cut to its first bytes. Counted scaled, decoded and classified by nDPI all the same.
#include <gtest/gtest.h>

#include "engine_harness.hpp"

namespace netlens::test {
namespace {

using namespace tcp_flag;

void feedSampled(NetworkInterface& iface, Micros ts, const Bytes& frame, uint32_t rate, size_t keep = 128) {
  const uint32_t caplen = uint32_t(std::min(keep, frame.size()));
  PacketRef p{ts, frame.data(), caplen, uint32_t(frame.size()), 1};
  p.sampling_rate = rate;
  iface.processPacket(p);
}

TEST(EngineSampled, TruncatedHeadersCountAsTheirOriginalPacketsScaled) {
  NetworkInterface iface(engineConfig({"10.0.0.0/8"}));
  Conversation c({"10.0.0.1", 40000, macFor(1)}, {"198.51.100.9", 8443, macFor(2)});
  const Bytes big = c.tcp(true, Psh | Ack, std::string(1400, 'x'));  // 1454-byte frame, 128 sampled
  const Bytes again = c.tcpAt(true, Psh | Ack, c.nextSeq(true) - 5000, 0, std::string(1400, 'y'));
  feedSampled(iface, at(1), big, 100);
  feedSampled(iface, at(2), again, 100);  // would be a retransmission if it were captured
  const Flow* f = findFlow(iface, "198.51.100.9", 8443, 6);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->c2s.traffic.packets, 200u);
  EXPECT_EQ(f->c2s.traffic.bytes, 200u * big.size());
  EXPECT_EQ(f->c2s.payload_bytes, 200u * 1400u);
  EXPECT_EQ(f->c2s.retransmissions, 0u);
  EXPECT_EQ(f->c2s.out_of_order, 0u);
  EXPECT_EQ(iface.stats().received.packets, 200u);
  EXPECT_EQ(iface.stats().received.bytes, 200u * big.size());
  EXPECT_EQ(iface.stats().decode_errors[size_t(DecodeError::TruncatedIp)], 0u);
  EXPECT_EQ(iface.stats().ipv4.bytes, 200u * big.size());
  EXPECT_EQ(f->inspected_packets, 2u);  // nDPI saw both samples
}

TEST(EngineSampled, NdpiClassifiesTruncatedSamples) {
  NetworkInterface iface(engineConfig());
  Conversation c({"10.0.0.1", 40001, macFor(1)}, {"10.0.0.2", 80, macFor(2)});
  const std::string request =
      "GET /docs/index.html?lang=en HTTP/1.1\r\nHost: www.netlens-test.org\r\nUser-Agent: netlens-unit/1.0\r\n"
      "Accept: */*\r\nCookie: " + std::string(600, 'c') + "\r\n\r\n";
  const std::vector<Bytes> handshake = c.handshake();
  for (const Bytes& b : handshake) feedSampled(iface, at(1), b, 10);
  feedSampled(iface, at(1.1), c.tcp(true, Psh | Ack, request), 10, 160);  // cut inside the headers
  const Bytes answer = c.tcp(false, Psh | Ack, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2000\r\n\r\n" +
                                                   std::string(2000, 'h'));
  feedSampled(iface, at(1.2), answer, 10, 160);
  runClockTo(iface, at(3));
  const Flow* f = findFlow(iface, "10.0.0.2", 80, 6);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(iface.classifier().fullName(f->app), "HTTP");
  EXPECT_EQ(f->c2s.traffic.packets, 30u);
  EXPECT_EQ(f->s2c.traffic.packets, 20u);
  EXPECT_EQ(f->s2c.traffic.bytes, 10u * (handshake[1].size() + answer.size()));

  // A sampled DNS query (whole, it is short) is DNS with its query name.
  Conversation d({"10.0.0.1", 40053, macFor(1)}, {"10.0.0.53", 53, macFor(3)});
  feedSampled(iface, at(4), d.udp(true, dnsQuery(7, "www.example.org")), 1000);
  runClockTo(iface, at(5));
  const Flow* dns = findFlow(iface, "10.0.0.53", 53, 17);
  ASSERT_NE(dns, nullptr);
  EXPECT_EQ(iface.classifier().fullName(dns->app).rfind("DNS", 0), 0u) << iface.classifier().fullName(dns->app);
  EXPECT_EQ(dns->c2s.traffic.packets, 1000u);
}

TEST(EngineSampled, CapturedFramesCutShortAreStillTruncatedIp) {
  // Only sampled frames may be cut: a capture that lost bytes is an error as before.
  NetworkInterface iface(engineConfig());
  Conversation c({"10.0.0.1", 40000, macFor(1)}, {"10.0.0.2", 80, macFor(2)});
  const Bytes big = c.tcp(true, Psh | Ack, std::string(1000, 'x'));
  iface.processPacket(PacketRef{at(1), big.data(), 128, uint32_t(big.size()), 1});
  EXPECT_EQ(iface.stats().decode_errors[size_t(DecodeError::TruncatedIp)], 1u);
  EXPECT_EQ(countFlows(iface), 0u);
}

}  // namespace
}  // namespace netlens::test
