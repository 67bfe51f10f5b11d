#pragma once
// DnsMessageReader: reads the records of a DNS message (RFC 1035) that map addresses to names:
// A, AAAA and PTR, plus NetBIOS name service NB records (RFC 1002, the same wire format on
// UDP 137) and mDNS (RFC 6762, UDP 5353). Pure function over bytes, bounds-checked on every
// read, no allocation: names are decoded into fixed buffers. Compression pointers must point
// strictly backwards, which makes loops impossible; the hop count is bounded as well.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/ip_address.hpp"

namespace netlens::enrich {

// A domain name in text form ("www.example.com", no trailing dot), at most 253 characters.
struct DnsName {
  static constexpr size_t kMax = 255;
  char text[kMax + 1];
  uint16_t len = 0;
  bool printable = true;  // every byte a printable ASCII character (names shown to people)
  std::string_view view() const { return {text, len}; }
};

enum class DnsError : uint8_t {
  None = 0,
  Truncated,       // a header, record or name goes past the end of the message
  BadLabel,        // label type 0x40/0x80, or an empty or unprintable name where one is needed
  BadPointer,      // a compression pointer that does not point backwards, or too many hops
  NameTooLong,     // more than 255 bytes
  TooManyRecords,  // more records announced than can fit in the message
};
const char* dnsErrorName(DnsError e);

enum class DnsFlavor : uint8_t { Dns, Mdns, Netbios };

enum class DnsRecordType : uint16_t { A = 1, Ptr = 12, Aaaa = 28, Nb = 32 };

// A record that names an address: A/AAAA/NB (owner -> address) or a reverse-zone PTR
// (the address comes from the owner name, the name is the PTR's target).
struct DnsAddressRecord {
  DnsRecordType type = DnsRecordType::A;
  IpAddress address;
  DnsName name;      // owner of A/AAAA/NB (NetBIOS names decoded, without the suffix byte); PTR target
  uint8_t netbios_suffix = 0;  // NB only: 0x00 workstation, 0x20 file server, ...
  bool netbios_group = false;  // NB only: a group name (not one host's)
  uint32_t ttl = 0;
};

class DnsMessageReader {
 public:
  DnsMessageReader(const uint8_t* data, size_t len, DnsFlavor flavor = DnsFlavor::Dns);

  // Reads the header and the questions. False (with error()) when the message is malformed.
  bool begin();
  uint16_t id() const { return id_; }
  bool isResponse() const { return (flags_ & 0x8000) != 0; }
  uint8_t opcode() const { return uint8_t((flags_ >> 11) & 0xF); }
  uint8_t rcode() const { return uint8_t(flags_ & 0xF); }
  uint16_t questions() const { return qdcount_; }
  uint16_t records() const { return uint16_t(ancount_ + nscount_ + arcount_); }
  // The first question's name and type (empty name when there was none).
  const DnsName& question() const { return question_; }
  uint16_t questionType() const { return qtype_; }

  // The next address-naming record of the answer, authority and additional sections (others
  // are skipped). False at the end or on malformed input (then error() says why; records
  // returned before stay valid).
  bool next(DnsAddressRecord& out);
  // From now on A/AAAA records come without their owner name (empty `name`): for a caller that
  // names the addresses after the question, so that no owner is decoded for nothing.
  void skipAddressOwners() { skip_address_owners_ = true; }
  DnsError error() const { return error_; }

  // Decodes the name at offset into out; returns the offset after it in the message (where a
  // pointer was followed: after the pointer), or 0 on error (error() says why).
  size_t readName(size_t offset, DnsName& out);

 private:
  size_t walkName(size_t offset, DnsName* out);
  bool fail(DnsError e) {
    error_ = e;
    return false;
  }
  uint16_t be16(size_t o) const { return uint16_t(uint16_t(p_[o]) << 8 | p_[o + 1]); }
  uint32_t be32(size_t o) const {
    return uint32_t(p_[o]) << 24 | uint32_t(p_[o + 1]) << 16 | uint32_t(p_[o + 2]) << 8 | p_[o + 3];
  }

  const uint8_t* p_;
  size_t len_;
  DnsFlavor flavor_;
  size_t pos_ = 0;
  uint16_t id_ = 0, flags_ = 0, qdcount_ = 0, ancount_ = 0, nscount_ = 0, arcount_ = 0;
  uint32_t remaining_ = 0;  // records still to read
  DnsName question_;
  uint16_t qtype_ = 0;
  DnsName scratch_;
  // NB records carry several (flags, address) pairs: the ones still to hand out.
  size_t nb_next_ = 0, nb_end_ = 0;
  DnsName nb_owner_;
  uint8_t nb_suffix_ = 0;
  uint32_t nb_ttl_ = 0;
  DnsError error_ = DnsError::None;
  bool skip_address_owners_ = false;
};

// The address a reverse-zone name stands for ("7.2.0.192.in-addr.arpa" -> 192.0.2.7;
// nibble form under ip6.arpa for IPv6); empty when the name is not such a name.
IpAddress addressOfReverseName(std::string_view name);
// The reverse-zone name of an address, written into buf (at least 74 bytes); returns its length.
size_t reverseNameOf(const IpAddress& ip, char* buf);

// Decodes a NetBIOS first-level encoded label (32 characters 'A'-'P') into the 15-character
// name (trailing spaces removed) and its suffix byte. False when the label is not one.
bool decodeNetbiosName(std::string_view encoded, DnsName& out, uint8_t& suffix);

}  // namespace netlens::enrich
