#include "collect/flow_elements.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace netlens::ie {

namespace {

struct Label {
  std::string_view name;
  uint32_t id;
};

// nProbe's labels of the elements netlens reads, sorted by name for a binary search.
constexpr std::array kLabels = std::to_array<Label>({
    {"DNS_QUERY", DnsQuery},
    {"DOT1Q_SRC_VLAN", Dot1qVlanId},
    {"DST_PROC_NAME", DstProcName},
    {"DST_PROC_PID", DstProcPid},
    {"DST_PROC_UID", DstProcUid},
    {"DST_PROC_USER_NAME", DstProcUserName},
    {"DST_VLAN", DstVlan},
    {"FIRST_SWITCHED", FirstSwitched},
    {"FLOW_END_MICROSECONDS", FlowEndMicroseconds},
    {"FLOW_END_MILLISECONDS", FlowEndMilliseconds},
    {"FLOW_END_REASON", FlowEndReason},
    {"FLOW_END_SEC", FlowEndSeconds},
    {"FLOW_START_MICROSECONDS", FlowStartMicroseconds},
    {"FLOW_START_MILLISECONDS", FlowStartMilliseconds},
    {"FLOW_START_SEC", FlowStartSeconds},
    {"HTTP_SITE", HttpSite},
    {"INPUT_SNMP", InputSnmp},
    {"IN_BYTES", InBytes},
    {"IN_PKTS", InPkts},
    {"IPV4_DST_ADDR", Ipv4DstAddr},
    {"IPV4_SRC_ADDR", Ipv4SrcAddr},
    {"IPV6_DST_ADDR", Ipv6DstAddr},
    {"IPV6_SRC_ADDR", Ipv6SrcAddr},
    {"IP_PROTOCOL_VERSION", IpProtocolVersion},
    {"L4_DST_PORT", L4DstPort},
    {"L4_SRC_PORT", L4SrcPort},
    {"L7_INFO", L7Info},
    {"L7_PROTO", L7Proto},
    {"L7_PROTO_NAME", L7ProtoName},
    {"LAST_SWITCHED", LastSwitched},
    {"OUTPUT_SNMP", OutputSnmp},
    {"OUT_BYTES", OutBytes},
    {"OUT_PKTS", OutPkts},
    {"PROTOCOL", Protocol},
    {"SRC_PROC_NAME", SrcProcName},
    {"SRC_PROC_PID", SrcProcPid},
    {"SRC_PROC_UID", SrcProcUid},
    {"SRC_PROC_USER_NAME", SrcProcUserName},
    {"SRC_TOS", SrcTos},
    {"SRC_VLAN", SrcVlan},
    {"TCP_FLAGS", TcpFlags},
    {"TLS_SERVER_NAME", TlsServerName},
});

constexpr bool sortedByName() {
  for (size_t i = 1; i < kLabels.size(); ++i)
    if (!(kLabels[i - 1].name < kLabels[i].name)) return false;
  return true;
}
static_assert(sortedByName(), "kLabels must stay sorted by name");

bool parseNumber(std::string_view s, uint32_t& out) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

uint32_t elementOfKey(std::string_view key) {
  if (key.empty()) return 0;
  if (key[0] >= '0' && key[0] <= '9') {
    uint32_t id = 0;
    const size_t dot = key.find('.');
    if (dot == std::string_view::npos) return parseNumber(key, id) ? id : 0;
    uint32_t pen = 0;
    if (!parseNumber(key.substr(0, dot), pen) || !parseNumber(key.substr(dot + 1), id)) return 0;
    if (pen == 0) return id;
    if (pen == kNtopPen) return id < kNtopBase ? id + kNtopBase : id;
    return 0;  // another enterprise's element
  }
  const auto it = std::lower_bound(kLabels.begin(), kLabels.end(), key,
                                   [](const Label& l, std::string_view k) { return l.name < k; });
  return it != kLabels.end() && it->name == key ? it->id : 0;
}

std::string_view elementName(uint32_t id) {
  for (const Label& l : kLabels)
    if (l.id == id) return l.name;
  return {};
}

}  // namespace netlens::ie
