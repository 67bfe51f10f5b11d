#pragma once
// UdpReceiver: the socket of a flow collector. Binds an IPv4 or IPv6 address (or every address,
// both families), asks for a large receive buffer, receives datagrams in batches (recvmmsg) and
// reads the kernel's count of datagrams dropped for lack of buffer (SO_RXQ_OVFL).
#include <cstdint>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <sys/uio.h>

#include "core/ip_address.hpp"

namespace netlens {

struct UdpListen {
  std::string address;  // "" (every address, IPv6 and IPv4), an IPv4 or an IPv6 address
  uint16_t port = 0;
  std::string text() const;
};

// "ADDR:PORT", "[V6ADDR]:PORT", "*:PORT", ":PORT" or "PORT". Throws std::invalid_argument
// with a clear message.
UdpListen parseUdpListen(const std::string& spec);

struct Datagram {
  const uint8_t* data = nullptr;
  uint32_t len = 0;
  bool truncated = false;  // longer than the receive slot: cut
  IpAddress from;          // IPv4-mapped IPv6 sources are given as IPv4
  uint16_t from_port = 0;
};

class UdpReceiver {
 public:
  static constexpr size_t kBatch = 64;
  static constexpr size_t kSlot = 65536;  // bytes per datagram: any UDP datagram fits

  // Binds; throws std::runtime_error with the reason when it cannot. `receive_buffer` is what is
  // asked for SO_RCVBUF (SO_RCVBUFFORCE first, which root may use beyond net.core.rmem_max).
  explicit UdpReceiver(const UdpListen& listen, int receive_buffer = 32 << 20);
  ~UdpReceiver();
  UdpReceiver(const UdpReceiver&) = delete;
  UdpReceiver& operator=(const UdpReceiver&) = delete;

  // Waits at most timeout_ms for the socket, then takes every datagram queued (up to kBatch).
  // Returns how many (0: timed out or interrupted), -1 on a socket error (see lastError()).
  int receive(int timeout_ms);
  const Datagram& operator[](size_t i) const { return datagrams_[i]; }

  uint64_t drops() const { return drops_; }  // datagrams the kernel dropped since the bind
  uint32_t receiveBuffer() const { return receive_buffer_; }
  uint16_t port() const { return port_; }  // the bound port (for port 0: the one chosen)
  const std::string& lastError() const { return error_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
  uint32_t receive_buffer_ = 0;
  uint64_t drops_ = 0;
  std::string error_;
  std::vector<uint8_t> buffers_;
  std::vector<sockaddr_storage> addresses_;
  std::vector<uint8_t> controls_;
  std::vector<mmsghdr> headers_;
  std::vector<iovec> iovecs_;
  std::vector<Datagram> datagrams_;
};

}  // namespace netlens
