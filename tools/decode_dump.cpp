// netlens-decode: prints how netlens's decoder reads each frame of a capture, one line per
// frame. A developer tool for "why was this packet (not) counted?".
#include <pcap/pcap.h>

#include <cstdio>

#include "decode/packet_decoder.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: netlens-decode FILE.pcap|FILE.pcapng\n");
    return 2;
  }
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(argv[1], err);
  if (!p) {
    std::fprintf(stderr, "netlens-decode: %s\n", err);
    return 1;
  }
  const int dlt = pcap_datalink(p);
  pcap_pkthdr* h;
  const u_char* data;
  unsigned long n = 0;
  while (pcap_next_ex(p, &h, &data) == 1) {
    ++n;
    const netlens::DecodedPacket d = netlens::decodePacket(dlt, data, h->caplen);
    if (d.status == netlens::DecodeStatus::Ip) {
      std::printf("%lu ip%u proto %u %s:%u -> %s:%u vlan %u l3_len %u payload %u\n", n, d.ip_version, d.l4_proto,
                  d.src_ip.toString().c_str(), d.src_port, d.dst_ip.toString().c_str(), d.dst_port, d.vlan,
                  d.l3_len, d.payload_len);
    } else if (d.status == netlens::DecodeStatus::NonIp) {
      std::printf("%lu non-ip %s\n", n, netlens::nonIpKindName(d.non_ip));
    } else {
      std::printf("%lu error %s\n", n, netlens::decodeErrorName(d.error));
    }
  }
  pcap_close(p);
  return 0;
}
