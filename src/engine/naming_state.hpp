#pragma once
// The state behind NetworkInterface's name learning (network_interface_names.cpp).
#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "engine/network_interface.hpp"
#include "enrich/address_names.hpp"
#include "enrich/resolver.hpp"

namespace netlens {

struct NetworkInterface::Naming {
  explicit Naming(uint32_t max_names) : cache(max_names) {}

  // What a DHCP client said of itself, by hardware address, until its address is known.
  struct DhcpClient {
    std::string host_name;
    enrich::OsType os = enrich::OsType::Unknown;
    enrich::OsSource os_source = enrich::OsSource::None;
  };
  static constexpr size_t kMaxDhcpClients = 4096;

  enrich::AddressNameCache cache;
  std::unordered_map<uint64_t, DhcpClient> dhcp_clients;

  // Active resolution: addresses to hand to the pool on the next tick, and its answers.
  static constexpr size_t kMaxPending = 4096;
  enrich::ReverseResolver* resolver = nullptr;
  std::shared_ptr<enrich::ResolveResults> results = std::make_shared<enrich::ResolveResults>();
  std::vector<std::pair<IpAddress, uint16_t>> pending;
  std::vector<enrich::ResolveResult> answers;
};

}  // namespace netlens
