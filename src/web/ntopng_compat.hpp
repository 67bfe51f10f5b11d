#pragma once
// A compatibility subset of ntopng's REST API v2 (ntopng 5.2), so that scripts written for
// ntopng work unchanged against netlens. Like api_v1, every answer is a pure function of a
// snapshot and the request's parameters; registerNtopngCompat() only wires the routes.
// Which ntopng fields carry real values and which are neutral placeholders is listed at the
// top of ntopng_compat.cpp.
#include <httplib.h>

#include <array>
#include <string>
#include <vector>

#include "web/api_v1.hpp"
#include "web/web_server.hpp"

namespace netlens::web::ntopng {

// ntopng's return codes (rest_utils.consts): the rc, its name and the HTTP status.
struct Code {
  int rc;
  const char* str;
  const char* str_hr;
  int http;
};
inline constexpr Code kOk{0, "OK", "Success", 200};
inline constexpr Code kNotFound{-1, "NOT_FOUND", "Not found", 404};
inline constexpr Code kInvalidInterface{-2, "INVALID_INTERFACE", "Invalid interface", 400};
inline constexpr Code kNotGranted{-3, "NOT_GRANTED", "Not authorized", 401};
inline constexpr Code kInvalidArgs{-5, "INVALID_ARGUMENTS", "Invalid arguments", 400};
inline constexpr Code kInternalError{-6, "INTERNAL_ERROR", "Internal error", 500};

// The envelope {"rc":..,"rc_str":..,"rc_str_hr":..,"rsp":[]} of an error.
ApiResult errorAnswer(const Code& code);

// What interface/data.lua reports about the machine (system_host_stats), read by the caller.
struct SystemHostStats {
  uint64_t mem_total = 0, mem_free = 0, mem_buffers = 0, mem_cached = 0, mem_sreclaimable = 0, mem_shmem = 0;  // kB
  uint64_t mem_used = 0;
  uint64_t mem_ntopng_resident = 0, mem_ntopng_virtual = 0;  // kB, this process
  double cpu_load = 0;  // 1-minute load average
  // user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice: percent of CPU time
  std::array<double, 10> cpu_states{};
};

// What interface/data.lua reports that is not in a snapshot.
struct ServerContext {
  Micros now_wall = 0;  // for epoch / localtime
  Micros started = 0;   // for uptime
  SystemHostStats system;
};

struct InterfaceName {
  int ifid;
  std::string name;
};

ApiResult ntopngInterfaces(const std::vector<InterfaceName>& visible);
ApiResult ntopngInterfaceData(int ifid, const QueryView& s, const Visibility& v, const ServerContext& ctx);
ApiResult ntopngHostData(int ifid, const QueryView& s, const Params& p, const Visibility& v);
ApiResult ntopngHostActive(const QueryView& s, const Params& p, const Visibility& v);
ApiResult ntopngFlowActive(const QueryView& s, const Params& p, const Visibility& v);
ApiResult ntopngL7Counters(const QueryView& s, const Visibility& v);

}  // namespace netlens::web::ntopng

namespace netlens::web {

// Adds GET (and POST with a JSON object body, as ntopng's own examples send) routes under
// /lua/rest/v2/get/... . `interfaces` must outlive the server.
void registerNtopngCompat(httplib::Server& s, const std::vector<WebInterface>& interfaces, Micros started);

}  // namespace netlens::web
