#pragma once
// The flow information elements netlens reads from and writes to probes: NetFlow v9 / IPFIX
// element numbers (RFC 3954, IANA's IPFIX registry), and ntop's enterprise elements (PEN
// 35632) as nProbe numbers them in its JSON: kNtopBase + the element's number.
#include <cstdint>
#include <string_view>

namespace netlens::ie {

inline constexpr uint32_t kNtopPen = 35632;
inline constexpr uint32_t kNtopBase = 57472;

enum : uint32_t {
  InBytes = 1,
  InPkts = 2,
  Protocol = 4,
  SrcTos = 5,
  TcpFlags = 6,
  L4SrcPort = 7,
  Ipv4SrcAddr = 8,
  InputSnmp = 10,
  L4DstPort = 11,
  Ipv4DstAddr = 12,
  OutputSnmp = 14,
  LastSwitched = 21,
  FirstSwitched = 22,
  OutBytes = 23,
  OutPkts = 24,
  Ipv6SrcAddr = 27,
  Ipv6DstAddr = 28,
  IpProtocolVersion = 60,
  SrcVlan = 58,
  DstVlan = 59,
  FlowEndReason = 136,
  FlowStartSeconds = 150,
  FlowEndSeconds = 151,
  FlowStartMilliseconds = 152,
  FlowEndMilliseconds = 153,
  FlowStartMicroseconds = 154,
  FlowEndMicroseconds = 155,
  Dot1qVlanId = 243,
  // ntop's elements
  L7Proto = kNtopBase + 118,
  L7ProtoName = kNtopBase + 119,
  SrcProcPid = kNtopBase + 168,
  SrcProcName = kNtopBase + 169,
  TlsServerName = kNtopBase + 188,
  DnsQuery = kNtopBase + 205,
  HttpSite = kNtopBase + 361,
  SrcProcUserName = kNtopBase + 372,
  DstProcPid = kNtopBase + 375,
  DstProcName = kNtopBase + 376,
  DstProcUserName = kNtopBase + 377,
  SrcProcUid = kNtopBase + 425,
  DstProcUid = kNtopBase + 426,
  L7Info = kNtopBase + 539,
};

// The element a JSON key names: "8", "35632.118" (enterprise.element) or "IPV4_SRC_ADDR".
// 0 when the key names nothing netlens reads.
uint32_t elementOfKey(std::string_view key);
// nProbe's label of an element ("IPV4_SRC_ADDR"); empty for elements netlens does not know.
std::string_view elementName(uint32_t id);

}  // namespace netlens::ie
