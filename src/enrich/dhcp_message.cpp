#include "enrich/dhcp_message.hpp"

#include <cstring>

namespace netlens::enrich {

namespace {
constexpr size_t kFixed = 236;  // op .. file
constexpr uint8_t kCookie[4] = {99, 130, 83, 99};

IpAddress addressAt(const uint8_t* p) {
  if (p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0) return {};
  return IpAddress::v4(p);
}

template <size_t N>
uint8_t copyPrintable(const uint8_t* p, size_t n, char (&out)[N]) {
  // Some clients NUL-terminate the option's text.
  while (n > 0 && p[n - 1] == 0) --n;
  if (n == 0 || n >= N) return 0;
  for (size_t i = 0; i < n; ++i)
    if (p[i] < 0x20 || p[i] >= 0x7F) return 0;
  std::memcpy(out, p, n);
  return uint8_t(n);
}
}  // namespace

IpAddress DhcpMessage::clientAddress() const {
  if (!ciaddr.empty()) return ciaddr;
  if (!requested.empty()) return requested;
  return yiaddr;
}

DhcpError parseDhcp(const uint8_t* p, size_t len, DhcpMessage& m) {
  m = DhcpMessage{};
  if (!p || len < kFixed + 4) return DhcpError::Truncated;
  if (std::memcmp(p + kFixed, kCookie, 4) != 0) return DhcpError::NotDhcp;
  m.op = p[0];
  if (m.op != 1 && m.op != 2) return DhcpError::NotDhcp;
  if (p[1] == 1 && p[2] == 6) {
    std::memcpy(m.mac.data(), p + 28, 6);
    m.has_mac = true;
  }
  m.ciaddr = addressAt(p + 12);
  m.yiaddr = addressAt(p + 16);
  for (size_t o = kFixed + 4; o < len;) {
    const uint8_t code = p[o];
    if (code == 0) {  // pad
      ++o;
      continue;
    }
    if (code == 255) break;  // end
    if (o + 1 >= len) return DhcpError::BadOption;
    const uint8_t n = p[o + 1];
    const uint8_t* v = p + o + 2;
    if (o + 2 + n > len) return DhcpError::BadOption;
    switch (code) {
      case 53:
        if (n >= 1) m.message_type = v[0];
        break;
      case 12:
        m.host_name_len = copyPrintable(v, n, m.host_name);
        break;
      case 50:
        if (n == 4) m.requested = addressAt(v);
        break;
      case 55:
        m.params_len = uint8_t(n < sizeof(m.params) ? n : sizeof(m.params));
        std::memcpy(m.params, v, m.params_len);
        break;
      case 60:
        m.vendor_class_len = copyPrintable(v, n, m.vendor_class);
        break;
      default:
        break;
    }
    o += 2 + size_t(n);
  }
  return DhcpError::None;
}

}  // namespace netlens::enrich
