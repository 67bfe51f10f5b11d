#pragma once
// Host aliases: PUT /api/v1/hosts/{ip}/alias {"alias": "..."} and DELETE (administrators;
// the session's CSRF token is checked by WebAuth::gate like every state-changing route).
#include <httplib.h>

#include "enrich/name_aggregates.hpp"
#include "web/api_v1.hpp"
#include "web/web_server.hpp"

namespace netlens::web {

// Also the aggregations: GET /api/v1/interfaces/{id}/dns_names, /server_names (paged, sorted,
// searched) and /os, answered on the interface's packet thread like the hosts list.
void registerNameRoutes(httplib::Server& s, const WebOptions& options, const std::vector<WebInterface>& interfaces);

// The answers themselves (pure functions of an interface's state and the parameters).
ApiResult apiNameAggregates(const NetworkInterface& iface, enrich::NameKind kind, const Params& p, const Visibility& v);
ApiResult apiOperatingSystems(const NetworkInterface& iface, const Visibility& v);

}  // namespace netlens::web
