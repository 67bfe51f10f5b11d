// Writes seeds for fuzz_decoder: one frame of every encapsulation the decoder handles, built with
// the unit tests' frame builders, so the fuzzer starts from each code path instead of having to
// find a TZSP tag list or a GTP-U extension header by mutation.
//
// usage: fuzz_decoder_seeds OUT_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "decoder_fuzz_input.hpp"
#include "frames.hpp"

namespace netlens::test {
namespace {

struct Seed {
  std::string name;
  LinkType link_type;
  Bytes frame;
};

std::vector<Seed> seeds() {
  const Bytes tcp4 =
      ipv4("10.0.0.1", "10.0.0.2", 6, tcpSegment(40000, 80, tcp_flag::Syn, 1, "GET /"));
  const Bytes udp6 = ipv6("2001:db8::1", "2001:db8::2", 17, udpDatagram(5353, 53, "query"));
  const Bytes sctp4 = ipv4("10.0.0.1", "10.0.0.2", 132, sctpPacket(36412, 2905, Bytes(20, 1)));
  const Bytes icmp6 = ipv6("2001:db8::1", "2001:db8::2", 58, icmpEcho(128, "ping"));
  const Bytes ext_chain = ipv6ExtHeader(
      43, 0,
      ipv6ExtHeader(44, 1, ipv6Fragment(60, 0, true, ipv6ExtHeader(17, 0, udpDatagram(1, 2)))));
  const Bytes ext6 = ipv6("2001:db8::1", "2001:db8::2", 0, ext_chain);
  const Bytes frag4 = ipv4("10.0.0.1", "10.0.0.2", 17, text("fragment"), 0x0010);
  const Bytes opts4 =
      ipv4("10.0.0.1", "10.0.0.2", 6, tcpSegment(1, 2, tcp_flag::Ack), 0, {0x94, 0x04, 0, 0});
  auto overUdp = [](uint16_t sport, uint16_t dport, const Bytes& payload) {
    return ethernet(0x0800, ipv4("192.0.2.1", "192.0.2.2", 17, udpDatagram(sport, dport, payload)));
  };
  Bytes tzsp_tags = {0x00};
  append(tzsp_tags, tzspTag(10, {0xC4}));

  return {
      {"ethernet-tcp4", LinkType::Ethernet, ethernet(0x0800, tcp4)},
      {"ethernet-udp6", LinkType::Ethernet, ethernet(0x86DD, udp6)},
      {"ethernet-sctp4", LinkType::Ethernet, ethernet(0x0800, sctp4)},
      {"ethernet-icmp6", LinkType::Ethernet, ethernet(0x86DD, icmp6)},
      {"ethernet-ext6", LinkType::Ethernet, ethernet(0x86DD, ext6)},
      {"ethernet-fragment4", LinkType::Ethernet, ethernet(0x0800, frag4)},
      {"ethernet-options4", LinkType::Ethernet, ethernet(0x0800, opts4)},
      {"llc-snap", LinkType::Ethernet, ethernet8023(llcSnap(0x0800, tcp4))},
      {"llc-stp", LinkType::Ethernet, ethernet8023(stpLlcPdu())},
      {"vlan", LinkType::Ethernet, ethernet(0x0800, tcp4, {10})},
      {"qinq", LinkType::Ethernet, ethernetTagged({{0x88A8, 100}, {0x8100, 200}}, 0x86DD, udp6)},
      {"mpls", LinkType::Ethernet, ethernet(0x8847, mplsStack({1, 2, 3}, tcp4))},
      {"pppoe4", LinkType::Ethernet, ethernet(0x8864, pppoeSession(0x0021, tcp4))},
      {"pppoe6", LinkType::Ethernet, ethernet(0x8864, pppoeSession(0x0057, udp6))},
      {"arp", LinkType::Ethernet, ethernet(0x0806, arpRequest())},
      {"lldp", LinkType::Ethernet, ethernet(0x88CC, lldpPdu())},
      {"lacp", LinkType::Ethernet, ethernet(0x8809, lacpPdu())},
      {"sll", LinkType::LinuxSll, linuxSll(0x0800, tcp4)},
      {"sll2", LinkType::LinuxSll2, linuxSll2(0x86DD, udp6)},
      {"raw4", LinkType::Raw, tcp4},
      {"raw6", LinkType::Ipv6, udp6},
      {"raw-openbsd", LinkType::RawOpenBsd, tcp4},
      {"ipv4", LinkType::Ipv4, tcp4},
      {"null4", LinkType::Null, bsdNull(2, tcp4)},
      {"null6", LinkType::Null, bsdNull(30, udp6)},
      {"loop6", LinkType::Loop, openBsdLoop(24, udp6)},
      {"hdlc", LinkType::CiscoHdlc, ciscoHdlc(0x0F, 0x0800, tcp4)},
      {"ppp-ff03", LinkType::Ppp, ppp(0x0021, tcp4, true)},
      {"ppp", LinkType::Ppp, ppp(0x0057, udp6, false)},
      {"ppp-serial", LinkType::PppSerial, ppp(0x0021, tcp4, true)},
      {"gtp", LinkType::Ethernet, overUdp(2152, 2152, gtpU(tcp4))},
      {"gtp-ext", LinkType::Ethernet,
       overUdp(2152, 2152, gtpU(udp6, true, {{0x00, 0x09}, {1, 2, 3, 4, 5, 6}}))},
      {"tzsp", LinkType::Ethernet,
       overUdp(40000, 37008, tzsp(ethernet(0x0800, tcp4, {5}), tzsp_tags))},
      {"capwap", LinkType::Ethernet, overUdp(12345, 5247, capwapData(0x0800, tcp4))},
      {"capwap-long", LinkType::Ethernet, overUdp(5247, 12345, capwapData(0x86DD, udp6, 4))},
      {"4in4", LinkType::Ethernet, ethernet(0x0800, ipv4("198.51.100.1", "198.51.100.2", 4, tcp4))},
      {"6in4", LinkType::Ethernet,
       ethernet(0x0800, ipv4("198.51.100.1", "198.51.100.2", 41, udp6))},
      {"4in6", LinkType::Raw, ipv6("2001:db8:ff::1", "2001:db8:ff::2", 4, tcp4)},
  };
}

}  // namespace
}  // namespace netlens::test

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  int written = 0;
  for (const auto& seed : netlens::test::seeds()) {
    for (const uint8_t tunnels : {uint8_t(0), netlens::fuzz::kNoTunnels}) {
      const uint8_t selector = uint8_t(netlens::fuzz::selectorFor(seed.link_type) | tunnels);
      std::ofstream out(dir / (seed.name + (tunnels ? "-no-tunnels" : "")), std::ios::binary);
      out.put(char(selector));
      out.write(reinterpret_cast<const char*>(seed.frame.data()),
                std::streamsize(seed.frame.size()));
      if (!out) {
        std::fprintf(stderr, "%s: cannot write into %s\n", argv[0], argv[1]);
        return 1;
      }
      ++written;
    }
  }
  std::printf("fuzz_decoder_seeds: %d seeds in %s\n", written, argv[1]);
  return 0;
}
