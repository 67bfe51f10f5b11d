#include "core/ip_address.hpp"

#include <arpa/inet.h>

namespace netlens {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() >= sizeof(buf)) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t raw[16];
  if (inet_pton(AF_INET, buf, raw) == 1) return v4(raw);
  if (inet_pton(AF_INET6, buf, raw) == 1) return v6(raw);
  return std::nullopt;
}

size_t IpAddress::format(char* buf) const {
  if (version_ == 0) {
    buf[0] = '\0';
    return 0;
  }
  if (version_ == 4) {  // the common case, without inet_ntop's sprintf
    char* p = buf;
    for (int i = 0; i < 4; ++i) {
      unsigned v = bytes_[i];
      if (v >= 100) *p++ = char('0' + v / 100);
      if (v >= 10) *p++ = char('0' + v / 10 % 10);
      *p++ = char('0' + v % 10);
      *p++ = i < 3 ? '.' : '\0';
    }
    return size_t(p - buf - 1);
  }
  inet_ntop(AF_INET6, bytes_.data(), buf, INET6_ADDRSTRLEN);
  return std::strlen(buf);
}

std::string IpAddress::toString() const {
  char buf[INET6_ADDRSTRLEN];
  size_t n = format(buf);
  return std::string(buf, n);
}

}  // namespace netlens
