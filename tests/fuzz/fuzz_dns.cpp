// libFuzzer target for the DNS / mDNS / NetBIOS name service reader and the DHCP parser:
// arbitrary bytes as a UDP payload. Byte 0 picks the flavor (and DHCP); the rest is copied into
// a buffer of exactly its size so AddressSanitizer reports any read past it. Checks what the
// readers promise: names within bounds and NUL-terminated, records only from a message whose
// header was read, and every address of the right family.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "enrich/dhcp_message.hpp"
#include "enrich/dns_message.hpp"

namespace {

void require(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace netlens::enrich;
  if (size < 1) return 0;
  const uint8_t control = data[0];
  std::vector<uint8_t> msg(data + 1, data + size);
  if (control & 0x80) {
    DhcpMessage m;
    if (parseDhcp(msg.data(), msg.size(), m) == DhcpError::None) {
      require(m.host_name_len < sizeof(m.host_name));
      require(m.params_len <= sizeof(m.params));
      require(m.clientAddress().empty() || m.clientAddress().isV4());
    }
    return 0;
  }
  const DnsFlavor flavor = (control & 3) == 1 ? DnsFlavor::Mdns : (control & 3) == 2 ? DnsFlavor::Netbios : DnsFlavor::Dns;
  DnsMessageReader r(msg.data(), msg.size(), flavor);
  if (!r.begin()) {
    require(r.error() != DnsError::None);
    return 0;
  }
  require(r.question().len <= DnsName::kMax && r.question().text[r.question().len] == '\0');
  DnsAddressRecord rec;
  size_t n = 0;
  while (r.next(rec)) {
    require(rec.name.len <= DnsName::kMax && rec.name.text[rec.name.len] == '\0');
    require(!rec.address.empty());
    if (rec.type == DnsRecordType::A || rec.type == DnsRecordType::Nb) require(rec.address.isV4());
    if (rec.type == DnsRecordType::Aaaa) require(rec.address.isV6());
    // Every record needs at least 11 bytes, every NB address 6: the count is bounded by the size.
    require(++n <= msg.size());
  }
  // Reading a name anywhere in the message never runs away either.
  DnsName name;
  for (size_t off = 0; off < msg.size() && off < 64; ++off) {
    const size_t end = r.readName(off, name);
    require(end == 0 || (end > off && end <= msg.size()));
  }
  return 0;
}
