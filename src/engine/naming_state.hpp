#pragma once
// The state behind NetworkInterface's name learning (network_interface_names.cpp).
#include <array>
#include <cstdint>
#include <string>
#include <tuple>
#include <unordered_map>

#include "engine/network_interface.hpp"
#include "enrich/address_names.hpp"
#include "enrich/name_aggregates.hpp"
#include "enrich/host_keeper.hpp"
#include "enrich/resolver.hpp"

namespace netlens {

struct NetworkInterface::Naming {
  Naming(uint32_t max_names, uint32_t max_aggregates) : cache(max_names), aggregates(max_aggregates) {}

  // What a DHCP client said of itself, by hardware address, until its address is known.
  struct DhcpClient {
    std::string host_name;
    enrich::OsType os = enrich::OsType::Unknown;
    enrich::OsSource os_source = enrich::OsSource::None;
  };
  static constexpr size_t kMaxDhcpClients = 4096;

  enrich::AddressNameCache cache;
  enrich::NameAggregates aggregates;
  std::array<OsSeen, size_t(enrich::OsType::Count)> os_seen{};
  std::unordered_map<uint64_t, DhcpClient> dhcp_clients;

  // Active resolution: addresses to hand to the pool on the next tick, and its answers.
  static constexpr size_t kMaxPending = 4096;
  enrich::ReverseResolver* resolver = nullptr;
  const enrich::AliasTable* aliases = nullptr;

  // Purged local hosts: saved, and asked for when a local host appears.
  static constexpr size_t kMaxKeeperOps = 4096;
  enrich::HostKeeper* keeper = nullptr;
  std::shared_ptr<enrich::HostStates> restored = std::make_shared<enrich::HostStates>();
  std::vector<std::tuple<IpAddress, uint16_t, enrich::HostState>> purged;
  std::vector<std::pair<IpAddress, uint16_t>> returning;
  std::vector<enrich::RestoredHost> restored_now;
  std::shared_ptr<enrich::ResolveResults> results = std::make_shared<enrich::ResolveResults>();
  std::vector<std::pair<IpAddress, uint16_t>> pending;
  std::vector<enrich::ResolveResult> answers;
};

}  // namespace netlens
