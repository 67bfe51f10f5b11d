#pragma once
// DhcpMessage: what a DHCP (BOOTP) message tells about a client (RFC 2131/2132): its hardware
// address, the addresses in play, its host name (option 12), its parameter request list
// (option 55, the "DHCP fingerprint") and its vendor class (option 60). Pure function over
// bytes, bounds-checked, no allocation.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/ip_address.hpp"

namespace netlens::enrich {

struct DhcpMessage {
  uint8_t op = 0;            // 1 request (client), 2 reply (server)
  uint8_t message_type = 0;  // option 53: 1 DISCOVER, 2 OFFER, 3 REQUEST, 5 ACK, 8 INFORM, ...
  std::array<uint8_t, 6> mac{};
  bool has_mac = false;      // Ethernet hardware address (htype 1, hlen 6)
  IpAddress ciaddr, yiaddr, requested;  // empty when 0.0.0.0 / absent
  char host_name[64];
  uint8_t host_name_len = 0;
  uint8_t params[64];        // option 55, in the client's order
  uint8_t params_len = 0;
  char vendor_class[64];
  uint8_t vendor_class_len = 0;

  std::string_view hostName() const { return {host_name, host_name_len}; }
  std::string_view vendorClass() const { return {vendor_class, vendor_class_len}; }
  // The address the client has or gets: ciaddr, else the requested address (REQUEST), else
  // yiaddr (a server's ACK); empty when none is known.
  IpAddress clientAddress() const;
};

enum class DhcpError : uint8_t { None = 0, Truncated, NotDhcp, BadOption };

// Parses a UDP payload (ports 67/68). Host names and vendor classes with unprintable bytes are
// left out (the rest of the message still counts).
DhcpError parseDhcp(const uint8_t* data, size_t len, DhcpMessage& out);

}  // namespace netlens::enrich
