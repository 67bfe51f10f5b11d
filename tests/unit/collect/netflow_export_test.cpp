// netlens's NetFlow v9 / IPFIX export read back by netlens's own collector parser, over a real
// UDP socket on the loopback: every record, both directions, IPv4 and IPv6, across datagrams.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collect/netflow_parser.hpp"
#include "export/flow_export.hpp"
#include "export/netflow_exporter.hpp"

namespace netlens::test {
namespace {

FlowRecord flow(const char* src, uint16_t sport, const char* dst, uint16_t dport, uint64_t pk, uint64_t by, uint64_t out_pk,
                uint64_t out_by) {
  FlowRecord r;
  r.src_ip = *IpAddress::parse(src);
  r.dst_ip = *IpAddress::parse(dst);
  r.ip_version = r.src_ip.version();
  r.src_port = sport, r.dst_port = dport, r.l4_proto = 6, r.tcp_flags = 0x1b, r.vlan = 7;
  r.packets = pk, r.bytes = by, r.out_packets = out_pk, r.out_bytes = out_by;
  r.first_switched = 1'700'000'000'123'000ull;
  r.last_switched = 1'700'000'005'456'000ull;
  return r;
}

TEST(NetflowExport, V9AndIpfixReadBackByTheCollectorParser) {
  for (int version : {9, 10}) {
    const int rx = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(rx, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    socklen_t len = sizeof(a);
    getsockname(rx, reinterpret_cast<sockaddr*>(&a), &len);
    int rcvbuf = 4 << 20;
    setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));

    NetflowExportOptions o = parseNetflowExportSpec(std::string(version == 9 ? "v9" : "ipfix") + "@127.0.0.1:" +
                                                    std::to_string(ntohs(a.sin_port)));
    ASSERT_EQ(o.version, version);
    auto exporter = std::make_unique<NetflowExporter>(o);
    ExportStats described;
    exporter->describe(described);
    EXPECT_EQ(described.kind, "netflow");
    EXPECT_EQ(described.version, version);
    EXPECT_EQ(described.destinations, std::vector<std::string>{"127.0.0.1:" + std::to_string(ntohs(a.sin_port))});
    ExportBatch b;
    b.counters = std::make_shared<ExportCounters>();
    b.flows.push_back(flow("10.0.0.1", 40000, "10.0.0.2", 443, 10, 1000, 8, 9000));    // two records
    b.flows.push_back(flow("2001:db8::1", 5353, "2001:db8::53", 53, 1, 80, 0, 0));      // one, IPv6
    for (int i = 0; i < 300; ++i) b.flows.push_back(flow("10.1.0.1", uint16_t(1000 + i), "10.1.0.2", 80, 1, 60, 0, 0));
    auto counters = b.counters;
    ASSERT_TRUE(exporter->push(std::move(b)));
    exporter.reset();  // sends what is queued, then stops

    NetflowParser parser;
    std::vector<FlowRecord> out;
    uint8_t buf[65536];
    int datagrams = 0;
    pollfd p{rx, POLLIN, 0};
    while (poll(&p, 1, 500) > 0) {
      const ssize_t n = recv(rx, buf, sizeof(buf), 0);
      ASSERT_GT(n, 0);
      ASSERT_LE(n, 1400);
      ++datagrams;
      const ParseResult r = parser.parse(buf, size_t(n), *IpAddress::parse("127.0.0.1"), 1'700'000'010'000'000ull, out);
      EXPECT_TRUE(r.ok()) << r.error;
      EXPECT_EQ(r.skipped_unknown_template, 0u);
      EXPECT_EQ(r.version, version == 9 ? 9 : 10);
    }
    close(rx);
    EXPECT_GT(datagrams, 5);
    EXPECT_EQ(counters->flows_sent.load(), 302u);
    EXPECT_EQ(counters->messages.load(), uint64_t(datagrams));
    EXPECT_EQ(counters->records_sent.load(), out.size());  // what the collector read back
    ASSERT_EQ(out.size(), 2u + 1u + 300u);
    const FlowRecord& fwd = out[0];
    EXPECT_EQ(fwd.src_ip, *IpAddress::parse("10.0.0.1"));
    EXPECT_EQ(fwd.dst_port, 443);
    EXPECT_EQ(fwd.packets, 10u);
    EXPECT_EQ(fwd.bytes, 1000u);
    EXPECT_EQ(fwd.tcp_flags, 0x1b);
    EXPECT_EQ(fwd.vlan, 7);
    EXPECT_EQ(fwd.first_switched, 1'700'000'000'123'000ull);
    EXPECT_EQ(fwd.last_switched, 1'700'000'005'456'000ull);
    const FlowRecord& rev = out[1];
    EXPECT_EQ(rev.src_ip, *IpAddress::parse("10.0.0.2"));
    EXPECT_EQ(rev.src_port, 443);
    EXPECT_EQ(rev.packets, 8u);
    EXPECT_EQ(rev.bytes, 9000u);
    const FlowRecord& v6 = out[2];
    EXPECT_EQ(v6.ip_version, 6);
    EXPECT_EQ(v6.dst_ip, *IpAddress::parse("2001:db8::53"));
    EXPECT_EQ(v6.bytes, 80u);
    uint64_t bytes = 0;
    for (const FlowRecord& r : out) bytes += r.bytes;
    EXPECT_EQ(bytes, 1000u + 9000u + 80u + 300u * 60u);
  }
}

TEST(NetflowExport, SpecsAreCheckedWithAMessage) {
  EXPECT_THROW(parseNetflowExportSpec("127.0.0.1:2055"), std::invalid_argument);
  EXPECT_THROW(parseNetflowExportSpec("v5@127.0.0.1:2055"), std::invalid_argument);
  EXPECT_THROW(parseNetflowExportSpec("ipfix@"), std::invalid_argument);
  const NetflowExportOptions o = parseNetflowExportSpec("ipfix@127.0.0.1:2055,[::1]:4739");
  EXPECT_EQ(o.version, 10);
  ASSERT_EQ(o.collectors.size(), 2u);
  EXPECT_EQ(o.collectors[1], "[::1]:4739");
  NetflowExportOptions bad;
  bad.collectors = {"no-port"};
  EXPECT_THROW(NetflowExporter{bad}, std::runtime_error);
}

// One exporter per kind and destinations: a repeated one would send every flow twice to the same
// place, and its status line and /metrics series would be the other's.
TEST(NetflowExport, TheSameExportTwiceIsRefused) {
  auto message = [](const FlowIoOptions& o) -> std::string {
    try {
      openExporters(o, true);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  };
  FlowIoOptions zmq;
  zmq.zmq_export = {"tcp://127.0.0.1:5999", "tcp://127.0.0.1:5999"};
  EXPECT_EQ(message(zmq), "--zmq-export tcp://127.0.0.1:5999 is given twice");
  FlowIoOptions netflow;
  netflow.netflow_export = {"v9@127.0.0.1:2055", "ipfix@127.0.0.1:2055"};
  EXPECT_EQ(message(netflow),
            "--netflow-export ipfix@127.0.0.1:2055: the same collectors as --netflow-export v9@127.0.0.1:2055 "
            "(every flow would reach them twice)");
  // Different destination lists are different exporters, even when they overlap.
  FlowIoOptions apart;
  apart.netflow_export = {"v9@127.0.0.1:2055", "ipfix@127.0.0.1:2055,127.0.0.1:2056"};
  EXPECT_EQ(openExporters(apart, true).size(), 2u);
}

}  // namespace
}  // namespace netlens::test
