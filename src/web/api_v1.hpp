#pragma once
// The REST API v1 as pure functions: a snapshot and the request's parameters in, a status and
// a JSON body out. The HTTP layer only routes, authenticates and compresses.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/snapshot.hpp"

namespace netlens::web {

using Params = std::multimap<std::string, std::string>;

struct ApiResult {
  int status = 200;
  std::string body;  // JSON
};

ApiResult apiError(int status, const std::string& message);

// What the caller may see (viewers limited to some networks); everything by default.
struct Visibility {
  std::function<bool(const IpAddress&)> address = nullptr;
  bool sees(const IpAddress& ip) const { return !address || address(ip); }
};

struct NamedSnapshot {
  int id;
  std::shared_ptr<const InterfaceSnapshot> snapshot;
};

ApiResult apiInterfaces(const std::vector<NamedSnapshot>& interfaces);
ApiResult apiInterface(const NamedSnapshot& iface);
ApiResult apiHosts(const QueryView& s, const Params& p, const Visibility& v);
ApiResult apiHost(const QueryView& s, const std::string& ip, const Params& p, const Visibility& v);
ApiResult apiFlows(const QueryView& s, const Params& p, const Visibility& v);
ApiResult apiFlow(const QueryView& s, const std::string& id, const Visibility& v);
ApiResult apiApplications(const QueryView& s);
ApiResult apiL4Protocols(const QueryView& s);
ApiResult apiNetworks(const QueryView& s);
// What feeds a flow collector (NetFlow/IPFIX, sFlow, ZMQ): its totals and its peers (exporters,
// agents, probes; sFlow agents' interface counters); "collector" is null for packet sources.
ApiResult apiExporters(const NamedSnapshot& iface);
ApiResult apiTopTalkers(const QueryView& s, const Params& p, const Visibility& v);

}  // namespace netlens::web
