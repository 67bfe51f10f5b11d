// Writes seed inputs for fuzz_dns into the directory given: a DNS response with compression, a
// PTR answer, an mDNS answer, a NetBIOS registration and a DHCP request (byte 0: the flavor).
#include <cstdio>
#include <string>
#include <vector>

#include "dns_builder.hpp"

namespace {
void write(const std::string& dir, const char* name, uint8_t control, const std::vector<uint8_t>& body) {
  const std::string path = dir + "/" + name;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return;
  std::fputc(control, f);
  std::fwrite(body.data(), 1, body.size(), f);
  std::fclose(f);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string dir = argv[1];
  using netlens::test::DnsBuilder;
  DnsBuilder a;
  a.header(0x8180, 1, 2);
  const size_t q = a.name("www.example.com");
  a.u16(1);
  a.u16(1);
  a.pointer(q);
  a.rr(1, 60, {192, 0, 2, 1});
  a.pointer(q);
  a.rr(28, 60, {0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  write(dir, "dns-a", 0, a.b);
  DnsBuilder p;
  p.header(0x8180, 1, 1);
  const size_t pq = p.name("1.2.0.192.in-addr.arpa");
  p.u16(12);
  p.u16(1);
  p.pointer(pq);
  DnsBuilder t;
  t.name("host.example.org");
  p.rr(12, 60, t.b);
  write(dir, "dns-ptr", 0, p.b);
  DnsBuilder m;
  m.header(0x8400, 0, 1);
  m.name("printer.local");
  m.rr(1, 120, {10, 0, 0, 9});
  write(dir, "mdns", 1, m.b);
  DnsBuilder n;
  n.header(0x2910, 1, 0, 0, 1);
  const size_t nq = n.name("EHEFEDEIEFEMEMCACACACACACACACAAA");
  n.u16(32);
  n.u16(1);
  n.pointer(nq);
  n.rr(32, 300, {0, 0, 10, 0, 0, 7});
  write(dir, "netbios", 2, n.b);
  std::vector<uint8_t> dhcp(236, 0);
  dhcp[0] = 1;
  dhcp[1] = 1;
  dhcp[2] = 6;
  for (uint8_t b : {99, 130, 83, 99, 53, 1, 3, 12, 4, 'h', 'o', 's', 't', 55, 3, 1, 3, 6, 255}) dhcp.push_back(b);
  write(dir, "dhcp", 0x80, dhcp);
  return 0;
}
