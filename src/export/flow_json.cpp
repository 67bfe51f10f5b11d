#include "export/flow_json.hpp"

#include <charconv>

#include "collect/flow_elements.hpp"

namespace netlens {

namespace {

// Element numbers as keys, without formatting through a stream.
struct Key {
  char buf[12];
  std::string_view view;
  explicit Key(uint32_t id) {
    const auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), id);
    view = std::string_view(buf, size_t(p - buf));
  }
};

template <typename T>
void put(JsonWriter& w, uint32_t id, const T& v) {
  w.field(Key(id).view, v);
}

void putProcess(JsonWriter& w, const FlowProcess& p, uint32_t pid, uint32_t name, uint32_t uid, uint32_t user) {
  if (!p.known()) return;
  if (p.pid) put(w, pid, p.pid);
  if (!p.name.empty()) put(w, name, std::string_view(p.name));
  put(w, uid, p.uid);
  if (!p.user.empty()) put(w, user, std::string_view(p.user));
}

}  // namespace

void writeFlowIeJson(JsonWriter& w, const FlowRecord& r, const NameTable& names) {
  char ip[48];
  w.beginObject();
  const bool v4 = r.ip_version == 4;
  put(w, v4 ? ie::Ipv4SrcAddr : ie::Ipv6SrcAddr, std::string_view(ip, r.src_ip.format(ip)));
  put(w, v4 ? ie::Ipv4DstAddr : ie::Ipv6DstAddr, std::string_view(ip, r.dst_ip.format(ip)));
  put(w, ie::L4SrcPort, r.src_port);
  put(w, ie::L4DstPort, r.dst_port);
  put(w, ie::Protocol, r.l4_proto);
  if (r.vlan) put(w, ie::SrcVlan, r.vlan);
  if (r.l4_proto == 6) put(w, ie::TcpFlags, r.tcp_flags);
  put(w, ie::InBytes, r.bytes);
  put(w, ie::InPkts, r.packets);
  put(w, ie::OutBytes, r.out_bytes);
  put(w, ie::OutPkts, r.out_packets);
  // Seconds as nProbe writes them (ntopng reads these), and milliseconds for finer collectors.
  put(w, ie::FirstSwitched, r.first_switched / kMicrosPerSecond);
  put(w, ie::LastSwitched, r.last_switched / kMicrosPerSecond);
  put(w, ie::FlowStartMilliseconds, r.first_switched / 1000);
  put(w, ie::FlowEndMilliseconds, r.last_switched / 1000);
  if (r.has(FlowField::L7Ids)) {
    char l7[16];
    auto p = std::to_chars(l7, l7 + 6, r.l7_master).ptr;
    *p++ = '.';
    p = std::to_chars(p, l7 + sizeof(l7), r.l7_app).ptr;
    put(w, ie::L7Proto, std::string_view(l7, size_t(p - l7)));
    thread_local std::string scratch;
    put(w, ie::L7ProtoName, names.fullName(AppProtocol{r.l7_master, r.l7_app}, scratch));
  }
  if (const FlowDetails* d = r.details.get()) {
    if (!d->server_name.empty()) {
      const std::string_view master = names.protocol(r.l7_master ? r.l7_master : r.l7_app);
      const uint32_t id = master == "DNS" ? ie::DnsQuery : master == "HTTP" ? ie::HttpSite : ie::TlsServerName;
      put(w, id, std::string_view(d->server_name));
    }
    if (!d->info.empty()) put(w, ie::L7Info, std::string_view(d->info));
    putProcess(w, d->client_process, ie::SrcProcPid, ie::SrcProcName, ie::SrcProcUid, ie::SrcProcUserName);
    putProcess(w, d->server_process, ie::DstProcPid, ie::DstProcName, ie::DstProcUid, ie::DstProcUserName);
  }
  w.endObject();
}

}  // namespace netlens
