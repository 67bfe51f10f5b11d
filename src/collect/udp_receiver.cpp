#include "collect/udp_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace netlens {

std::string UdpListen::text() const {
  if (address.empty()) return "*:" + std::to_string(port);
  if (address.find(':') != std::string::npos) return "[" + address + "]:" + std::to_string(port);
  return address + ":" + std::to_string(port);
}

UdpListen parseUdpListen(const std::string& spec) {
  UdpListen l;
  std::string port_text = spec;
  const auto colon = spec.rfind(':');
  if (colon != std::string::npos) {
    std::string addr = spec.substr(0, colon);
    port_text = spec.substr(colon + 1);
    if (addr.size() >= 2 && addr.front() == '[' && addr.back() == ']') addr = addr.substr(1, addr.size() - 2);
    if (addr == "*") addr.clear();
    if (!addr.empty() && !IpAddress::parse(addr))
      throw std::invalid_argument("'" + spec + "': '" + addr + "' is not an IPv4 or IPv6 address");
    l.address = addr;
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
    throw std::invalid_argument("'" + spec + "' is not ADDRESS:PORT (e.g. 0.0.0.0:2055, [::]:6343 or *:2055)");
  l.port = uint16_t(port);
  return l;
}

namespace {

IpAddress sourceOf(const sockaddr_storage& ss, uint16_t& port) {
  if (ss.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(ss);
    port = ntohs(in.sin_port);
    return IpAddress::v4(reinterpret_cast<const uint8_t*>(&in.sin_addr));
  }
  if (ss.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(ss);
    port = ntohs(in6.sin6_port);
    const uint8_t* b = in6.sin6_addr.s6_addr;
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, kMapped, 12) == 0) return IpAddress::v4(b + 12);
    return IpAddress::v6(b);
  }
  port = 0;
  return {};
}

constexpr size_t kControl = CMSG_SPACE(sizeof(uint32_t));

}  // namespace

UdpReceiver::UdpReceiver(const UdpListen& listen, int receive_buffer) {
  const auto parsed = listen.address.empty() ? std::nullopt : IpAddress::parse(listen.address);
  bool v4 = parsed && parsed->isV4();
  fd_ = ::socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0 && !parsed && errno == EAFNOSUPPORT) {
    v4 = true;  // every address, on a kernel without IPv6: IPv4's
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  }
  if (fd_ < 0) throw std::runtime_error("cannot open a UDP socket: " + std::string(std::strerror(errno)));
  const int one = 1, zero = 0;
  // The buffer absorbs bursts (a router exporting a full cache at once) while the packet thread
  // is busy; root may go beyond net.core.rmem_max.
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer, sizeof(receive_buffer)) != 0)
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
  int actual = 0;
  socklen_t len = sizeof(actual);
  if (::getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &actual, &len) == 0) receive_buffer_ = uint32_t(actual);
  ::setsockopt(fd_, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));

  int rc;
  if (v4) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(listen.port);
    if (parsed) std::memcpy(&a.sin_addr, parsed->data(), 4);
    rc = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  } else {
    if (!parsed) ::setsockopt(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));  // both families
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(listen.port);
    if (parsed) std::memcpy(&a.sin6_addr, parsed->data(), 16);
    rc = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  }
  if (rc != 0) {
    const int e = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("cannot listen on UDP " + listen.text() + ": " + std::strerror(e));
  }
  sockaddr_storage bound{};
  len = sizeof(bound);
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &len) == 0) sourceOf(bound, port_);

  buffers_.resize(kBatch * kSlot);
  addresses_.resize(kBatch);
  controls_.resize(kBatch * kControl);
  headers_.resize(kBatch);
  iovecs_.resize(kBatch);
  datagrams_.resize(kBatch);
}

UdpReceiver::~UdpReceiver() {
  if (fd_ >= 0) ::close(fd_);
}

int UdpReceiver::receive(int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, timeout_ms);
  if (ready < 0) {
    if (errno == EINTR) return 0;
    error_ = std::string("poll: ") + std::strerror(errno);
    return -1;
  }
  if (ready == 0) return 0;
  for (size_t i = 0; i < kBatch; ++i) {
    iovecs_[i] = {buffers_.data() + i * kSlot, kSlot};
    msghdr& m = headers_[i].msg_hdr;
    m = msghdr{};
    m.msg_name = &addresses_[i];
    m.msg_namelen = sizeof(sockaddr_storage);
    m.msg_iov = &iovecs_[i];
    m.msg_iovlen = 1;
    m.msg_control = controls_.data() + i * kControl;
    m.msg_controllen = kControl;
    headers_[i].msg_len = 0;
  }
  const int n = ::recvmmsg(fd_, headers_.data(), unsigned(kBatch), MSG_DONTWAIT, nullptr);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
    error_ = std::string("recvmmsg: ") + std::strerror(errno);
    return -1;
  }
  for (int i = 0; i < n; ++i) {
    msghdr& m = headers_[size_t(i)].msg_hdr;
    Datagram& d = datagrams_[size_t(i)];
    d.data = buffers_.data() + size_t(i) * kSlot;
    d.len = headers_[size_t(i)].msg_len;
    d.truncated = (m.msg_flags & MSG_TRUNC) != 0;
    d.from = sourceOf(addresses_[size_t(i)], d.from_port);
    for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL && c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
        uint32_t dropped;
        std::memcpy(&dropped, CMSG_DATA(c), sizeof(dropped));
        // The kernel's counter is 32 bits and cumulative: follow it modulo 2^32.
        const uint32_t delta = dropped - uint32_t(drops_);
        drops_ += delta;
      }
    }
  }
  return n;
}

}  // namespace netlens
