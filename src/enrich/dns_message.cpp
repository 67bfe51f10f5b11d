#include "enrich/dns_message.hpp"

#include <array>
#include <cstring>

namespace netlens::enrich {

const char* dnsErrorName(DnsError e) {
  switch (e) {
    case DnsError::None: return "none";
    case DnsError::Truncated: return "truncated";
    case DnsError::BadLabel: return "bad_label";
    case DnsError::BadPointer: return "bad_pointer";
    case DnsError::NameTooLong: return "name_too_long";
    case DnsError::TooManyRecords: return "too_many_records";
  }
  return "none";
}

namespace {
constexpr size_t kHeader = 12;
constexpr int kMaxHops = 64;
// The smallest record: a one-byte root name, type, class, TTL and a zero RDLENGTH.
constexpr size_t kMinRecord = 11;
constexpr size_t kMinQuestion = 5;
}  // namespace

DnsMessageReader::DnsMessageReader(const uint8_t* data, size_t len, DnsFlavor flavor)
    : p_(data), len_(data ? len : 0), flavor_(flavor) {}

namespace {
// Bytes shown as they are in a name: printable ASCII, not a space, not a dot inside a label.
constexpr std::array<uint8_t, 256> kPrintableInName = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0x21; c < 0x7F; ++c) t[size_t(c)] = c != '.';
  return t;
}();
}  // namespace

// Walks the name at `offset` (labels and compression pointers, with every check), copying its
// labels into `out` when it is given; returns the offset after the name, or 0 on error. Without
// `out` the name is only stepped over: it ends in the message at its first pointer, which is
// checked (backwards) but not followed (a name nobody reads needs no more checking; most names
// of a response are pointers to the question).
size_t DnsMessageReader::walkName(size_t offset, DnsName* out) {
  if (out) {
    out->len = 0;
    out->printable = true;
  }
  size_t pos = offset;
  size_t after = 0;  // where the name ends in the message (set at the first pointer)
  size_t wire_len = 0;
  for (int hops = 0;;) {
    if (pos >= len_) return fail(DnsError::Truncated), 0;
    const uint8_t l = p_[pos];
    if (l == 0) {
      if (after == 0) after = pos + 1;
      break;
    }
    if ((l & 0xC0) == 0xC0) {
      if (pos + 1 >= len_) return fail(DnsError::Truncated), 0;
      const size_t target = size_t(l & 0x3F) << 8 | p_[pos + 1];
      // Strictly backwards: every hop moves to an earlier byte, so no loop can exist.
      if (target >= pos || ++hops > kMaxHops) return fail(DnsError::BadPointer), 0;
      if (after == 0) after = pos + 2;
      if (!out) return after;
      pos = target;
      continue;
    }
    if (l & 0xC0) return fail(DnsError::BadLabel), 0;
    if (pos + 1 + l > len_) return fail(DnsError::Truncated), 0;
    wire_len += size_t(l) + 1;
    if (wire_len > DnsName::kMax) return fail(DnsError::NameTooLong), 0;
    if (out) {
      if (out->len > 0) out->text[out->len++] = '.';
      const uint8_t* label = p_ + pos + 1;
      uint8_t printable = 1;
      for (size_t i = 0; i < l; ++i) printable &= kPrintableInName[label[i]];
      std::memcpy(out->text + out->len, label, l);
      out->len = uint16_t(out->len + l);
      out->printable &= printable;
    }
    pos += 1 + l;
  }
  if (out) out->text[out->len] = '\0';
  return after;
}

size_t DnsMessageReader::readName(size_t offset, DnsName& out) { return walkName(offset, &out); }

namespace {
// The name's used bytes only (a DnsName is 260 bytes, most names are short).
void copyName(DnsName& to, const DnsName& from) {
  std::memcpy(to.text, from.text, size_t(from.len) + 1);
  to.len = from.len;
  to.printable = from.printable;
}
}  // namespace

bool DnsMessageReader::begin() {
  if (len_ < kHeader) return fail(DnsError::Truncated);
  id_ = be16(0);
  flags_ = be16(2);
  qdcount_ = be16(4);
  ancount_ = be16(6);
  nscount_ = be16(8);
  arcount_ = be16(10);
  const uint64_t need = uint64_t(qdcount_) * kMinQuestion + (uint64_t(ancount_) + nscount_ + arcount_) * kMinRecord;
  if (need > len_ - kHeader) return fail(DnsError::TooManyRecords);
  pos_ = kHeader;
  question_.len = 0;
  question_.text[0] = '\0';
  for (uint16_t q = 0; q < qdcount_; ++q) {
    const size_t end = q == 0 ? readName(pos_, question_) : walkName(pos_, nullptr);
    if (end == 0) return false;
    if (end + 4 > len_) return fail(DnsError::Truncated);
    if (q == 0) qtype_ = be16(end);
    pos_ = end + 4;
  }
  if (flavor_ == DnsFlavor::Netbios && question_.len >= 32) {
    uint8_t suffix = 0;
    DnsName decoded;
    if (decodeNetbiosName(question_.view().substr(0, 32), decoded, suffix)) question_ = decoded;
  }
  remaining_ = uint32_t(ancount_) + nscount_ + arcount_;
  return true;
}

bool DnsMessageReader::next(DnsAddressRecord& out) {
  for (;;) {
    // The rest of an NB record's address list first.
    while (nb_next_ + 6 <= nb_end_) {
      const uint16_t nb_flags = be16(nb_next_);
      const size_t at = nb_next_ + 2;
      nb_next_ += 6;
      out = DnsAddressRecord{};
      out.type = DnsRecordType::Nb;
      out.address = IpAddress::v4(p_ + at);
      out.name = nb_owner_;
      out.netbios_suffix = nb_suffix_;
      out.netbios_group = (nb_flags & 0x8000) != 0;
      out.ttl = nb_ttl_;
      return true;
    }
    nb_next_ = nb_end_ = 0;
    if (remaining_ == 0 || error_ != DnsError::None) return false;
    --remaining_;
    // The owner name is only copied for the records that name an address.
    const size_t start = pos_;
    const size_t end = walkName(start, nullptr);
    if (end == 0) return false;
    if (end + 10 > len_) return fail(DnsError::Truncated);
    const uint16_t type = be16(end);
    const uint32_t ttl = be32(end + 4);
    const uint16_t rdlen = be16(end + 8);
    const size_t rdata = end + 10;
    if (rdata + rdlen > len_) return fail(DnsError::Truncated);
    pos_ = rdata + rdlen;
    const bool v4 = type == uint16_t(DnsRecordType::A) && rdlen == 4;
    if ((v4 || (type == uint16_t(DnsRecordType::Aaaa) && rdlen == 16)) && flavor_ != DnsFlavor::Netbios) {
      if (skip_address_owners_) {
        out.name.len = 0;
        out.name.text[0] = '\0';
        out.name.printable = true;
      } else {
        if (walkName(start, &scratch_) == 0) return false;  // (stepped over before, not followed)
        if (!scratch_.printable || scratch_.len == 0) continue;
        copyName(out.name, scratch_);
      }
      out.type = v4 ? DnsRecordType::A : DnsRecordType::Aaaa;
      out.address = v4 ? IpAddress::v4(p_ + rdata) : IpAddress::v6(p_ + rdata);
      out.netbios_suffix = 0;
      out.netbios_group = false;
      out.ttl = ttl;
      return true;
    }
    if (type == uint16_t(DnsRecordType::Ptr) && flavor_ != DnsFlavor::Netbios) {
      if (walkName(start, &scratch_) == 0) return false;
      const IpAddress addr = addressOfReverseName(scratch_.view());
      if (addr.empty()) continue;  // a service pointer (mDNS/DNS-SD), not a reverse name
      DnsName target;
      const size_t target_end = walkName(rdata, &target);
      if (target_end == 0) return false;
      if (target_end > rdata + rdlen) return fail(DnsError::Truncated);
      if (!target.printable || target.len == 0) continue;
      copyName(out.name, target);
      out.type = DnsRecordType::Ptr;
      out.address = addr;
      out.netbios_suffix = 0;
      out.netbios_group = false;
      out.ttl = ttl;
      return true;
    }
    if (type == uint16_t(DnsRecordType::Nb) && flavor_ == DnsFlavor::Netbios && rdlen >= 6) {
      if (walkName(start, &scratch_) == 0) return false;
      if (scratch_.len < 32) continue;
      if (!decodeNetbiosName(scratch_.view().substr(0, 32), nb_owner_, nb_suffix_)) continue;
      nb_next_ = rdata;
      nb_end_ = rdata + rdlen;
      nb_ttl_ = ttl;
      continue;
    }
  }
}

bool decodeNetbiosName(std::string_view encoded, DnsName& out, uint8_t& suffix) {
  if (encoded.size() != 32) return false;
  char name[16];
  for (size_t i = 0; i < 16; ++i) {
    const char hi = encoded[2 * i], lo = encoded[2 * i + 1];
    if (hi < 'A' || hi > 'P' || lo < 'A' || lo > 'P') return false;
    name[i] = char(((hi - 'A') << 4) | (lo - 'A'));
  }
  suffix = uint8_t(name[15]);
  size_t n = 15;
  while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\0')) --n;
  out.len = 0;
  out.printable = n > 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t c = uint8_t(name[i]);
    if (c <= 0x20 || c >= 0x7F) out.printable = false;
    out.text[out.len++] = char(c);
  }
  out.text[out.len] = '\0';
  return true;
}

namespace {
bool endsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}
int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

IpAddress addressOfReverseName(std::string_view name) {
  if (endsWithNoCase(name, ".in-addr.arpa")) {
    std::string_view labels = name.substr(0, name.size() - 13);
    uint8_t bytes[4];
    int n = 0;
    size_t start = 0;
    while (start <= labels.size()) {
      size_t dot = labels.find('.', start);
      if (dot == std::string_view::npos) dot = labels.size();
      const std::string_view l = labels.substr(start, dot - start);
      if (l.empty() || l.size() > 3 || n >= 4) return {};
      unsigned v = 0;
      for (char c : l) {
        if (c < '0' || c > '9') return {};
        v = v * 10 + unsigned(c - '0');
      }
      if (v > 255) return {};
      bytes[3 - n++] = uint8_t(v);
      start = dot + 1;
    }
    if (n != 4) return {};
    return IpAddress::v4(bytes);
  }
  if (endsWithNoCase(name, ".ip6.arpa")) {
    const std::string_view nibbles = name.substr(0, name.size() - 9);
    if (nibbles.size() != 63) return {};
    uint8_t bytes[16] = {};
    for (int i = 0; i < 32; ++i) {
      const int v = hexDigit(nibbles[size_t(i) * 2]);
      if (v < 0 || (i < 31 && nibbles[size_t(i) * 2 + 1] != '.')) return {};
      // The first label is the least significant nibble.
      const int nibble = 31 - i;
      bytes[nibble / 2] |= uint8_t(nibble % 2 == 0 ? v << 4 : v);
    }
    return IpAddress::v6(bytes);
  }
  return {};
}

size_t reverseNameOf(const IpAddress& ip, char* buf) {
  static const char hex[] = "0123456789abcdef";
  size_t n = 0;
  if (ip.isV4()) {
    const uint8_t* b = ip.data();
    for (int i = 3; i >= 0; --i) {
      uint8_t v = b[i];
      char tmp[3];
      int k = 0;
      do {
        tmp[k++] = char('0' + v % 10);
        v = uint8_t(v / 10);
      } while (v);
      while (k) buf[n++] = tmp[--k];
      buf[n++] = '.';
    }
    std::memcpy(buf + n, "in-addr.arpa", 12);
    return n + 12;
  }
  const uint8_t* b = ip.data();
  for (int i = 15; i >= 0; --i) {
    buf[n++] = hex[b[i] & 0xF];
    buf[n++] = '.';
    buf[n++] = hex[b[i] >> 4];
    buf[n++] = '.';
  }
  std::memcpy(buf + n, "ip6.arpa", 8);
  return n + 8;
}

}  // namespace netlens::enrich
