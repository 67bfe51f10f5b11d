#pragma once
// How netlens names hosts (-n, and the "dns_resolution_mode" preference), and the counters of
// name learning that the interface reports.
#include <cstdint>
#include <optional>
#include <string_view>

namespace netlens::enrich {

// Like ntopng's -n: names are always decoded from traffic except in None; Local and All also
// ask the DNS for the names of local hosts, or of every host, off the packet path.
enum class NameMode : uint8_t { Decode = 0, ResolveLocal, ResolveAll, None };
const char* nameModeName(NameMode m);
// "decode", "local", "all", "none", or ntopng's numbers (0 local, 1 all, 2 decode, 3 none).
std::optional<NameMode> parseNameMode(std::string_view text);

struct NameStats {
  uint64_t dns_responses = 0;   // DNS responses read (UDP, from port 53)
  uint64_t mdns_messages = 0;
  uint64_t netbios_messages = 0;
  uint64_t dhcp_messages = 0;
  uint64_t malformed = 0;       // DNS/mDNS/NetBIOS/DHCP messages that could not be read
  uint64_t names_learned = 0;   // a host or address got a new name
  uint64_t os_learned = 0;
  uint64_t cache_entries = 0;   // AddressNameCache (copied at summary time)
  uint64_t cache_evicted = 0;
  uint64_t resolve_requested = 0;  // handed to the resolver pool
  uint64_t resolve_queue_full = 0;  // not handed over: the pending list was full
  uint64_t resolved = 0;           // names the resolver found
};

}  // namespace netlens::enrich
