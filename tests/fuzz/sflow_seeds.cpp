// Writes seeds for fuzz_sflow: sFlow v5 datagrams built with the unit tests' builders (IPv4 and
// IPv6 agents, flow and expanded flow samples with Ethernet, IPv4 and IPv6 headers, generic and
// skipped counter records).
//
// usage: fuzz_sflow_seeds OUT_DIR
#include <string>
#include <utility>
#include <vector>

#include "sflow_builders.hpp"
#include "seed_files.hpp"

namespace netlens::test {
namespace {

using namespace sflow;

fuzz::NamedSeeds seeds() {
  const Bytes tcp = ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, tcpSegment(40000, 443, 0x18, 1, std::string(300, 'x'))));
  const Bytes tcp_head(tcp.begin(), tcp.begin() + 128);
  const Bytes v4 = ipv4("10.0.0.1", "10.0.0.2", 17, udpDatagram(5000, 53, std::string(40, 'q')));
  const Bytes v6 = ipv6("2001:db8::1", "2001:db8::2", 17, udpDatagram(5000, 53, std::string(40, 'q')));
  const Bytes vlan = ethernet(0x86DD, v6, {100});
  return {
      {"ethernet", datagram("192.0.2.1", 0, 1, {flowSample(1, 100, {rawHeader(tcp_head, uint32_t(tcp.size()) + 4)})})},
      {"ip-headers", datagram("2001:db8::ff", 3, 7,
                              {expandedFlowSample(1, 10, {rawHeader(v4, uint32_t(v4.size()), 0, 11)}),
                               flowSample(2, 20, {rawHeader(v6, uint32_t(v6.size()), 0, 12), tlv(1001, Bytes(16, 0))})})},
      {"vlan-v6", datagram("192.0.2.1", 0, 2, {flowSample(3, 1, {rawHeader(vlan, uint32_t(vlan.size()) + 4)})})},
      {"counters", datagram("192.0.2.1", 0, 3, {counterSample(1, {genericCounters(IfCounters{}), tlv(2, Bytes(52, 1))})})},
      {"mixed", datagram("192.0.2.1", 0, 4,
                         {counterSample(2, {genericCounters(IfCounters{})}), tlv((9u << 12) | 1, Bytes(8, 0)),
                          flowSample(4, 400, {rawHeader(tcp_head, uint32_t(tcp.size()) + 4)})})},
  };
}

}  // namespace
}  // namespace netlens::test

int main(int argc, char** argv) { return netlens::fuzz::writeSeedFiles(argc, argv, netlens::test::seeds); }
