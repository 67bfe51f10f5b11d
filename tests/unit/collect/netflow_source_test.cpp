// The NetFlow/IPFIX collector source: a real UDP socket on loopback (IPv4 and IPv6), batches of
// records, per-exporter statistics (sequence gaps as losses, unknown templates, malformed
// datagrams), and the timeout that keeps the engine's clock moving.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "collect/netflow_source.hpp"
#include "export_builders.hpp"

namespace netlens::test {
namespace {

using namespace flowexport;

constexpr uint32_t kExportSecs = 1'700'000'000;
constexpr Micros kNow = Micros(kExportSecs) * kMicrosPerSecond;

// Sends each datagram from a fresh socket of the family of `to`.
void sendTo(const char* to, uint16_t port, const std::vector<Bytes>& datagrams) {
  const bool v6 = std::string(to).find(':') != std::string::npos;
  const int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_storage ss{};
  socklen_t len;
  if (v6) {
    auto& a = reinterpret_cast<sockaddr_in6&>(ss);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    inet_pton(AF_INET6, to, &a.sin6_addr);
    len = sizeof(a);
  } else {
    auto& a = reinterpret_cast<sockaddr_in&>(ss);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, to, &a.sin_addr);
    len = sizeof(a);
  }
  for (const Bytes& d : datagrams)
    ASSERT_EQ(sendto(fd, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&ss), len), ssize_t(d.size()));
  close(fd);
}

// Records from next() until `want` arrived or a second passed.
std::vector<FlowRecord> collect(NetflowSource& src, size_t want) {
  std::vector<FlowRecord> all;
  PacketRef pkt;
  const Micros deadline = wallClockMicros() + kMicrosPerSecond;
  while (all.size() < want && wallClockMicros() < deadline) {
    const ReadResult r = src.next(pkt);
    EXPECT_TRUE(r == ReadResult::Records || r == ReadResult::Timeout);
    if (r == ReadResult::Records) all.insert(all.end(), src.records().begin(), src.records().end());
  }
  return all;
}

const PeerStats* exporter(const CollectorStats& c, const char* address) {
  for (const PeerStats& e : c.peers)
    if (e.address == ip(address)) return &e;
  return nullptr;
}

TEST(NetflowSource, ListenSpecsAreParsedOrRefusedClearly) {
  EXPECT_EQ(parseUdpListen("127.0.0.1:2055").address, "127.0.0.1");
  EXPECT_EQ(parseUdpListen("[::1]:2055").address, "::1");
  EXPECT_EQ(parseUdpListen("*:6343").address, "");
  EXPECT_EQ(parseUdpListen(":6343").port, 6343);
  EXPECT_EQ(parseUdpListen("2055").port, 2055);
  EXPECT_THROW(parseUdpListen("127.0.0.1:99999"), std::invalid_argument);
  EXPECT_THROW(parseUdpListen("host.example:2055"), std::invalid_argument);
  EXPECT_THROW(parseUdpListen("127.0.0.1:"), std::invalid_argument);
}

TEST(NetflowSource, ReceivesV5OverIpv4AndIpfixOverIpv6) {
  NetflowSource v4("netflow://127.0.0.1:0", "127.0.0.1:0");
  ASSERT_NE(v4.port(), 0);
  sendTo("127.0.0.1", v4.port(), {v5Datagram({V5Flow{}, V5Flow{.src = "10.0.0.3"}}, 5000, kExportSecs)});
  const auto got = collect(v4, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].exporter, ip("127.0.0.1"));
  EXPECT_EQ(got[1].src_ip, ip("10.0.0.3"));

  NetflowSource v6("netflow://[::1]:0", "[::1]:0");
  const Bytes tmpl = set(2, templateRecord(300, ipv4Template()));
  const Bytes data = set(300, ipv4Record("10.1.0.1", "10.1.0.2", 1000, 53, 17, 80, 1, 0, 0));
  sendTo("::1", v6.port(), {ipfixMessage({tmpl, data}, kExportSecs, 5)});
  const auto got6 = collect(v6, 1);
  ASSERT_EQ(got6.size(), 1u);
  EXPECT_EQ(got6[0].exporter, ip("::1"));
  const auto stats = v6.collectorStats();
  EXPECT_EQ(stats->kind, "netflow");
  EXPECT_EQ(stats->listen, "[::1]:" + std::to_string(v6.port()));
  const PeerStats* e = exporter(*stats, "::1");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->templates, 1u);
  EXPECT_EQ(e->flows, 1u);
  EXPECT_EQ(e->domains, std::vector<uint32_t>{5});
  EXPECT_EQ(e->versions, std::vector<uint16_t>{10});
  EXPECT_GT(stats->receive_buffer, 0u);
}

TEST(NetflowSource, EveryAddressTakesBothFamiliesAndNamesIpv4ExportersPlainly) {
  NetflowSource src("netflow://*:0", "*:0");
  sendTo("127.0.0.1", src.port(), {v5Datagram({V5Flow{}}, 5000, kExportSecs)});
  sendTo("::1", src.port(), {v5Datagram({V5Flow{}}, 5000, kExportSecs)});
  ASSERT_EQ(collect(src, 2).size(), 2u);
  const auto stats = src.collectorStats();
  EXPECT_EQ(stats->listen, "*:" + std::to_string(src.port()));
  EXPECT_NE(exporter(*stats, "127.0.0.1"), nullptr);  // not ::ffff:127.0.0.1
  EXPECT_NE(exporter(*stats, "::1"), nullptr);
}

TEST(NetflowSource, IdleSocketTimesOutWithinAboutATenthOfASecond) {
  NetflowSource src("netflow://127.0.0.1:0", "127.0.0.1:0");
  PacketRef pkt;
  const Micros t0 = wallClockMicros();
  EXPECT_EQ(src.next(pkt), ReadResult::Timeout);
  const Micros waited = wallClockMicros() - t0;
  EXPECT_GE(waited, 90'000u);
  EXPECT_LT(waited, 1'000'000u);
}

TEST(NetflowSource, PerExporterStatisticsCountLossesTemplatesAndBadInput) {
  NetflowSource src("netflow://127.0.0.1:0", "127.0.0.1:0");
  const IpAddress a = ip("192.0.2.1"), b = ip("192.0.2.2"), c = ip("2001:db8::3");
  // Exporter a, v5: flows numbered 100 (2 flows), 102 (1 flow), then 110: 7 flows lost.
  const Bytes v5a = v5Datagram({V5Flow{}, V5Flow{}}, 5000, kExportSecs, 0, 0, 0, 0, 100);
  const Bytes v5b = v5Datagram({V5Flow{}}, 5000, kExportSecs, 0, 0, 0, 0, 102);
  const Bytes v5c = v5Datagram({V5Flow{.packets = 4, .bytes = 400}}, 5000, kExportSecs, 0, 0, 0, 0, 110);
  for (const Bytes* d : {&v5a, &v5b, &v5c}) src.handleDatagram(d->data(), d->size(), a, kNow);

  // Exporter b, v9: datagrams 1, 2, 5 (2 lost); a data set for a template never sent.
  const Bytes tmpl = set(0, templateRecord(256, ipv4Template()));
  const Bytes rec = set(256, ipv4Record("10.0.0.1", "10.0.0.2", 1, 2, 17, 100, 1, 0, 0));
  const Bytes unknown = set(999, Bytes(20, 0));
  const Bytes v9a = v9Datagram({tmpl, rec}, 5000, kExportSecs, 7, 2, 1);
  const Bytes v9b = v9Datagram({rec}, 5000, kExportSecs, 7, 1, 2);
  const Bytes v9c = v9Datagram({unknown, rec}, 5000, kExportSecs, 7, 2, 5);
  for (const Bytes* d : {&v9a, &v9b, &v9c}) src.handleDatagram(d->data(), d->size(), b, kNow);

  // Exporter c, IPFIX: record count 0 then 1 (in order), then a truncated message, then garbage.
  const Bytes i1 = ipfixMessage({set(2, templateRecord(300, ipv4Template())), set(300, ipv4Record("10.0.0.1", "10.0.0.2", 1, 2, 17, 100, 1, 0, 0))}, kExportSecs, 9, 0);
  const Bytes i2 = ipfixMessage({set(300, ipv4Record("10.0.0.1", "10.0.0.2", 1, 2, 17, 100, 1, 0, 0))}, kExportSecs, 9, 1);
  Bytes truncated = i2;
  truncated.resize(truncated.size() - 10);
  const Bytes garbage = {0xde, 0xad, 0xbe, 0xef};
  for (const Bytes* d : std::initializer_list<const Bytes*>{&i1, &i2, &truncated, &garbage}) src.handleDatagram(d->data(), d->size(), c, kNow);

  const auto stats = src.collectorStats();
  EXPECT_EQ(stats->messages, 10u);
  EXPECT_EQ(stats->malformed, 2u);
  ASSERT_EQ(stats->peers.size(), 3u);

  const PeerStats* ea = exporter(*stats, "192.0.2.1");
  ASSERT_NE(ea, nullptr);
  EXPECT_EQ(ea->messages, 3u);
  EXPECT_EQ(ea->flows, 4u);
  EXPECT_EQ(ea->packets, 10u + 10u + 10u + 4u);
  EXPECT_EQ(ea->bytes, 3000u + 400u);
  EXPECT_EQ(ea->lost_flows, 7u);
  EXPECT_EQ(ea->lost_messages, 0u);
  EXPECT_EQ(ea->versions, std::vector<uint16_t>{5});

  const PeerStats* eb = exporter(*stats, "192.0.2.2");
  ASSERT_NE(eb, nullptr);
  EXPECT_EQ(eb->flows, 3u);
  EXPECT_EQ(eb->unknown_template_sets, 1u);
  EXPECT_EQ(eb->templates, 1u);
  EXPECT_EQ(eb->templates_learned, 1u);
  EXPECT_EQ(eb->lost_messages, 2u);
  EXPECT_EQ(eb->domains, std::vector<uint32_t>{7});
  EXPECT_EQ(eb->malformed, 0u);

  const PeerStats* ec = exporter(*stats, "2001:db8::3");
  ASSERT_NE(ec, nullptr);
  EXPECT_EQ(ec->messages, 4u);
  EXPECT_EQ(ec->flows, 2u);
  EXPECT_EQ(ec->lost_flows, 0u);
  EXPECT_EQ(ec->malformed, 2u);
  EXPECT_FALSE(ec->last_error.empty());
  EXPECT_EQ(stats->flows, 4u + 3u + 2u);  // collector-wide: every exporter's records
}

TEST(NetflowSource, LateDatagramsAreNotLosses) {
  NetflowSource src("netflow://127.0.0.1:0", "127.0.0.1:0");
  const IpAddress a = ip("192.0.2.1");
  for (uint32_t seq : {1u, 2u, 4u, 3u, 5u}) {
    const Bytes d = v9Datagram({}, 5000, kExportSecs, 1, 0, seq);
    src.handleDatagram(d.data(), d.size(), a, kNow);
  }
  // A restart: the numbering begins again far away.
  const Bytes restart = v9Datagram({}, 5000, kExportSecs, 1, 0, 4'000'000'000u);
  src.handleDatagram(restart.data(), restart.size(), a, kNow);
  const auto stats = src.collectorStats();
  ASSERT_EQ(stats->peers.size(), 1u);
  EXPECT_EQ(stats->peers[0].lost_messages, 0u);
  EXPECT_EQ(stats->peers[0].sequence_resets, 1u);
}

}  // namespace
}  // namespace netlens::test
