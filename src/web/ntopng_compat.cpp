// ntopng REST API v2 compatibility subset (see ntopng_compat.hpp).
//
// Endpoints: /lua/rest/v2/get/ntopng/interfaces.lua, interface/data.lua, host/data.lua,
// host/active.lua, flow/active.lua, flow/l7/counters.lua. Every answer is ntopng's envelope
// {"rc","rc_str","rc_str_hr","rsp"}; errors carry ntopng's codes (INVALID_INTERFACE -2 / 400,
// INVALID_ARGUMENTS -5 / 400, NOT_FOUND -1 / 404, INTERNAL_ERROR -6 / 500) and "rsp":[].
// Units are ntopng's: times in seconds since the epoch, byte and packet counters, interface
// throughput_bps in bytes per second (as ntopng's interface stats), host/flow "thpt.bps" in bits.
//
// Fields netlens does not track (yet): present with a neutral value of ntopng's JSON type.
//   interface/data: speed (1000, ntopng's default for unknown speeds), all alert counters
//     (engaged_alerts*, alerted_flows*, dropped_alerts, host/flow/other_dropped_alerts),
//     num_local_hosts_anomalies, num_remote_hosts_anomalies, hosts_pctg, flows_pctg,
//     macs_pctg, num_live_captures, active_discovery_active, tcpPacketStats.lost,
//     throughput.upload/download (bps, pps: 0.0), download_upload_chart (empty arrays),
//     system_host_stats.alerts_stats / alerts_queries / written_alerts / dropped_alerts.
//   host/active: num_alerts, os, country, is_blacklisted, is_broadcast_domain, thpt (0.0).
//   host/data: systemhost, broadcast_domain_host, dhcpHost, is_blacklisted,
//     host_services_bitmap, continent/country/city/latitude/longitude, devtype, num_alerts,
//     active_alerted_flows, total_alerts, score*, asn/asname, os/os_detail, host_pool_id,
//     throughput_* (0.0 / trend 0), total_activity_time, alerted/unreachable/host_unreachable
//     flows, names ({}), ndpi.*.breed (""), ndpi.*.duration and ndpi_categories.*.duration.
//   flow/active: client/server is_broadcast_domain / is_broadcast / is_dhcp / is_blacklisted
//     (false); with verbose=true: tcp.appl_latency, tcp.nw_latency, tcp.lost (0).
// Real values, with netlens's meaning where it differs slightly from ntopng's:
//   interface/data: local2remote / bytes_upload / packets_upload are the traffic leaving the
//     local networks (sum of their egress), remote2local their ingress, *_download the rest of
//     the interface's traffic; num_devices counts the distinct MAC addresses of local hosts;
//     tcpPacketStats retransmissions / out_of_order sum the active flows;
//     periodic_stats_update_frequency_secs is netlens's 1 s tick.
//   flow/active: thpt is the flow's average over its life; key and hash_id are netlens's flow
//     id; names are IP addresses (the server's is its HTTP/TLS/DNS server name when known).
//   host/active, host/data: name is the IP address (netlens resolves no names).
// Not offered: ntopng's other filters (mode, network, pool, asn, country, ...), iffilter=all,
// host/data's host_stats_flows.
#include "web/ntopng_compat.hpp"

#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <unordered_map>

#include "web/web_auth.hpp"
#include "web/web_routes.hpp"

namespace netlens::web::ntopng {

namespace {

using Json = nlohmann::ordered_json;

struct Failed {
  Code code;
};

ApiResult answer(const Code& code, Json rsp) {
  Json env;
  env["rc"] = code.rc;
  env["rc_str"] = code.str;
  env["rc_str_hr"] = code.str_hr;
  env["rsp"] = std::move(rsp);
  return {code.http, env.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

ApiResult ok(Json rsp) { return answer(kOk, std::move(rsp)); }

template <typename F>
ApiResult guarded(F&& f) {
  try {
    return f();
  } catch (const Failed& e) {
    return errorAnswer(e.code);
  }
}

// ntopng treats an empty parameter as an absent one (isEmptyString).
const std::string* param(const Params& p, const std::string& name) {
  auto it = p.find(name);
  return it == p.end() || it->second.empty() ? nullptr : &it->second;
}

std::optional<uint64_t> numberParam(const Params& p, const std::string& name, uint64_t min, uint64_t max) {
  const std::string* v = param(p, name);
  if (!v) return std::nullopt;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || n < min || n > max) throw Failed{kInvalidArgs};
  return n;
}

std::string ipText(const IpAddress& ip) {
  char buf[48];
  return std::string(buf, ip.format(buf));
}

uint64_t seconds(Micros t) { return t / kMicrosPerSecond; }

// "host" is IP or IP@VLAN (ntopng's host key); a separate vlan= parameter also works.
HostKey hostParam(const Params& p, const char* name, const Code& missing) {
  const std::string* h = param(p, name);
  if (!h) throw Failed{missing};
  std::string text = *h;
  uint64_t vlan = numberParam(p, "vlan", 0, 4095).value_or(0);
  if (auto at = text.find('@'); at != std::string::npos) {
    const std::string v = text.substr(at + 1);
    text.resize(at);
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || v.empty() || n > 4095) throw Failed{kInvalidArgs};
    vlan = n;
  }
  const auto ip = IpAddress::parse(text);
  if (!ip) throw Failed{kInvalidArgs};
  return HostKey{*ip, uint16_t(vlan)};
}

struct HostKeyHash {
  size_t operator()(const HostKey& k) const { return size_t(k.hash()); }
};

// ntopng's names of L4 protocols (Utils::l4proto2name).
std::string l4Name(uint8_t proto) {
  switch (proto) {
    case 0: return "IP";
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 41: return "IPv6";
    case 46: return "RSVP";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "IPv6-ICMP";
    case 89: return "OSPF";
    case 103: return "PIM";
    case 112: return "VRRP";
    case 139: return "HIP";
    default: return std::to_string(proto);
  }
}

bool isMulticast(const IpAddress& ip) {
  if (ip.isV4()) return (ip.v4HostOrder() & 0xF0000000u) == 0xE0000000u;
  return ip.isV6() && ip.data()[0] == 0xFF;
}

// As ntopng: 0.0.0.0, 255.255.255.255, and the network and broadcast addresses of a local
// IPv4 network wider than /31.
bool isBroadcast(const IpAddress& ip, const InterfaceSummary& s) {
  if (!ip.isV4() || isMulticast(ip)) return false;
  const uint32_t a = ip.v4HostOrder();
  if (a == 0 || a == 0xFFFFFFFFu) return true;
  for (const NetworkStats& n : s.networks) {
    if (!n.cidr.network.isV4() || n.cidr.prefix == 0 || n.cidr.prefix >= 31 || !n.cidr.contains(ip)) continue;
    const uint32_t mask = ~((uint32_t(1) << (32 - n.cidr.prefix)) - 1);
    if (a == (a | ~mask) || a == (a & mask)) return true;
  }
  return false;
}

bool isPrivate(const IpAddress& ip) {
  if (ip.isV4()) {
    const uint32_t a = ip.v4HostOrder();
    return (a & 0xFF000000u) == 0x0A000000u || (a & 0xFFF00000u) == 0xAC100000u || (a & 0xFFFF0000u) == 0xC0A80000u ||
           (a & 0xFF000000u) == 0x7F000000u || (a & 0xFFFF0000u) == 0xA9FE0000u;
  }
  return ip.isV6() && ip.data()[0] == 0xFE && (ip.data()[1] & 0xC0) == 0x80;
}

// ntopng's numeric key of an address (IpAddress::key).
uint64_t ipKey(const IpAddress& ip) {
  if (ip.isV4()) return ip.v4HostOrder();
  uint32_t sum = 0;
  for (int i = 0; i < 4; ++i) {
    uint32_t w;
    std::memcpy(&w, ip.data() + 4 * i, 4);
    sum += w;
  }
  return sum;
}

std::string hostKeyText(const HostKey& k) {
  std::string s = ipText(k.ip);
  if (k.vlan) {
    s.push_back('@');  // (not "@" + ...: GCC 12 warns falsely about it at -O3)
    s += std::to_string(k.vlan);
  }
  return s;
}

// hostinfo2jqueryid: the host key with '.', '/' and ':' spelled out.
std::string jqueryId(const HostKey& k) {
  std::string out;
  for (char c : hostKeyText(k)) {
    if (c == '.') out += "__";
    else if (c == '/') out += "___";
    else if (c == ':') out += "____";
    else out += c;
  }
  return out;
}

// "00:14 sec", "01:02:03", "3 days, 04:05:06" as ntopng's secondsToTime.
std::string uptimeText(uint64_t secs) {
  if (secs < 1) return "< 1 sec";
  uint64_t days = secs / 86400;
  const uint64_t hours = secs / 3600 % 24, minutes = secs / 60 % 60, sec = secs % 60;
  std::string msg;
  if (days > 0) {
    const uint64_t years = days / 365;
    if (years > 0) {
      days %= 365;
      msg = std::to_string(years) + (years > 1 ? " years" : " year");
    }
    if (days > 0) {
      if (!msg.empty()) msg += ", ";
      msg += std::to_string(days) + (days > 1 ? " days" : " day");
    }
  }
  if (!msg.empty()) msg += ", ";
  char buf[32];
  if (hours > 0) {
    std::snprintf(buf, sizeof(buf), "%02u:", unsigned(hours));
    msg += buf;
  }
  std::snprintf(buf, sizeof(buf), "%02u:%02u", unsigned(minutes), unsigned(sec));
  msg += buf;
  if (secs < 60) msg += " sec";
  return msg;
}

std::string localTimeText(Micros now) {
  const time_t t = time_t(now / kMicrosPerSecond);
  struct tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof(buf), "%H:%M:%S %z", &tm);
  return std::string(buf, n);
}

struct ActiveFlowCount {
  uint32_t as_client = 0, as_server = 0;
};

std::unordered_map<HostKey, ActiveFlowCount, HostKeyHash> activeFlowsPerHost(const QueryView& s) {
  std::unordered_map<HostKey, ActiveFlowCount, HostKeyHash> m;
  m.reserve(s.hosts.size());
  for (const Flow& f : s.flows) {
    ++m[HostKey{f.client().ip, f.key.vlan()}].as_client;
    ++m[HostKey{f.server().ip, f.key.vlan()}].as_server;
  }
  return m;
}

bool sees(const Visibility& v, const Flow& f) { return v.sees(f.key.a().ip) || v.sees(f.key.b().ip); }

struct Paging {
  uint64_t page = 1, per_page = 10;  // ntopng's default table size
  bool all = false;
};

Paging paging(const Params& p) {
  Paging g;
  g.page = numberParam(p, "currentPage", 1, 1'000'000'000).value_or(1);
  g.per_page = numberParam(p, "perPage", 1, 1'000'000).value_or(10);
  return g;
}

// Sorts by the key and keeps the page; equal keys are ordered by identity so that pages
// neither repeat nor skip rows.
template <typename Row, typename Less, typename Identity>
std::vector<const Row*> page(std::vector<const Row*> rows, const Paging& g, bool descending, Less less, Identity identity) {
  auto cmp = [&](const Row* a, const Row* b) {
    if (descending ? less(*b, *a) : less(*a, *b)) return true;
    if (descending ? less(*a, *b) : less(*b, *a)) return false;
    return identity(*a) < identity(*b);
  };
  if (g.all) {
    std::sort(rows.begin(), rows.end(), cmp);
    return rows;
  }
  const uint64_t first = (g.page - 1) * g.per_page;
  if (first >= rows.size()) return {};
  const uint64_t last = std::min<uint64_t>(rows.size(), first + g.per_page);
  std::partial_sort(rows.begin(), rows.begin() + long(last), rows.end(), cmp);
  return std::vector<const Row*>(rows.begin() + long(first), rows.begin() + long(last));
}

// sortColumn as ntopng receives it ("traffic"; "column_traffic" is accepted too).
std::string sortColumn(const Params& p) {
  const std::string* c = param(p, "sortColumn");
  if (!c) return {};
  return c->rfind("column_", 0) == 0 ? c->substr(7) : *c;
}

// An amount per second over the flow's life; 0 for a flow seen at one instant only.
double perSecond(double amount, const Flow& f) {
  const Micros d = f.last_seen > f.first_seen ? f.last_seen - f.first_seen : 0;
  return d ? amount * double(kMicrosPerSecond) / double(d) : 0.0;
}

std::string serverName(const Flow& f) {
  if (const FlowDetails* d = f.details.get(); d && !d->server_name.empty()) {
    std::string n = d->server_name;
    if (auto colon = n.rfind(':'); colon != std::string::npos && colon + 1 < n.size() &&
                                   std::all_of(n.begin() + long(colon) + 1, n.end(), [](char c) { return c >= '0' && c <= '9'; }))
      n.resize(colon);
    const bool word = std::any_of(n.begin(), n.end(), [](unsigned char c) { return std::isalnum(c); });
    if (word && !IpAddress::parse(n)) return n;
  }
  return ipText(f.server().ip);
}

}  // namespace

ApiResult errorAnswer(const Code& code) { return answer(code, Json::array()); }

ApiResult ntopngInterfaces(const std::vector<InterfaceName>& visible) {
  Json rsp = Json::array();
  for (const InterfaceName& i : visible) rsp.push_back(Json{{"ifid", i.ifid}, {"ifname", i.name}});
  return ok(std::move(rsp));
}

ApiResult ntopngInterfaceData(int ifid, const QueryView& snap, const Visibility& v, const ServerContext& ctx) {
  const InterfaceSummary& s = snap.summary;
  const InterfaceStats& st = s.stats;
  uint64_t hosts = 0, local_hosts = 0, flows = 0, retransmissions = 0, out_of_order = 0;
  std::set<std::array<uint8_t, 6>> macs;
  for (const Host& h : snap.hosts) {
    if (!v.sees(h.key.ip)) continue;
    ++hosts;
    if (h.local) ++local_hosts;
    if (const LocalHostStats* l = h.local_stats.get(); l && l->has_mac) macs.insert(l->mac);
  }
  for (const Flow& f : snap.flows) {
    if (!sees(v, f)) continue;
    ++flows;
    retransmissions += f.c2s.retransmissions + f.s2c.retransmissions;
    out_of_order += f.c2s.out_of_order + f.s2c.out_of_order;
  }
  TrafficCounter upload, download = st.received, l2r, r2l;
  for (const NetworkStats& n : s.networks) {
    l2r.add(n.egress);
    r2l.add(n.ingress);
  }
  upload.packets = std::min(l2r.packets, st.received.packets);
  upload.bytes = std::min(l2r.bytes, st.received.bytes);
  download = st.received - upload;

  Json r;
  r["ifid"] = std::to_string(ifid);
  r["ifname"] = s.name;
  r["speed"] = 1000;
  r["periodic_stats_update_frequency_secs"] = 1;
  r["packets"] = st.received.packets;
  r["bytes"] = st.received.bytes;
  r["drops"] = st.kernel_drops + st.interface_drops;
  r["throughput_bps"] = st.throughput.bps / 8;
  r["throughput_pps"] = st.throughput.pps;
  for (const char* k : {"engaged_alerts", "dropped_alerts", "host_dropped_alerts", "flow_dropped_alerts", "other_dropped_alerts",
                        "alerted_flows", "alerted_flows_notice", "alerted_flows_warning", "alerted_flows_error",
                        "engaged_alerts_notice", "engaged_alerts_warning", "engaged_alerts_error"})
    r[k] = 0;
  r["num_flows"] = flows;
  r["num_hosts"] = hosts;
  r["num_local_hosts"] = local_hosts;
  r["num_devices"] = macs.size();
  r["epoch"] = seconds(ctx.now_wall);
  r["localtime"] = localTimeText(ctx.now_wall);
  r["uptime"] = uptimeText(seconds(ctx.now_wall > ctx.started ? ctx.now_wall - ctx.started : 0));
  const SystemHostStats& sys = ctx.system;
  Json cpu;
  static constexpr const char* kCpuStates[] = {"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice"};
  for (size_t i = 0; i < sys.cpu_states.size(); ++i) cpu[kCpuStates[i]] = sys.cpu_states[i];
  r["system_host_stats"] = Json{
      {"alerts_stats", {{"alert_queues", {{"internal_alerts_queue", {{"pct_not_enqueued", 0}}}}}}},
      {"mem_shmem", sys.mem_shmem},
      {"cpu_states", cpu},
      {"alerts_queries", 0},
      {"mem_free", sys.mem_free},
      {"mem_ntopng_resident", sys.mem_ntopng_resident},
      {"dropped_alerts", 0},
      {"written_alerts", 0},
      {"mem_ntopng_virtual", sys.mem_ntopng_virtual},
      {"mem_cached", sys.mem_cached},
      {"mem_total", sys.mem_total},
      {"mem_buffers", sys.mem_buffers},
      {"mem_used", sys.mem_used},
      {"mem_sreclaimable", sys.mem_sreclaimable},
      {"cpu_load", sys.cpu_load}};
  r["hosts_pctg"] = 0;
  r["flows_pctg"] = 0;
  r["macs_pctg"] = 0;
  r["remote_pps"] = 0;  // rates of a remote probe (ZMQ): none
  r["remote_bps"] = 0;
  r["is_view"] = false;
  r["num_live_captures"] = 0;
  r["local2remote"] = l2r.bytes;
  r["remote2local"] = r2l.bytes;
  r["bytes_upload"] = upload.bytes;
  r["bytes_download"] = download.bytes;
  r["packets_upload"] = upload.packets;
  r["packets_download"] = download.packets;
  r["num_local_hosts_anomalies"] = 0;
  r["num_remote_hosts_anomalies"] = 0;
  r["throughput"] = Json{{"download", {{"bps", 0.0}, {"pps", 0.0}}}, {"upload", {{"bps", 0.0}, {"pps", 0.0}}}};
  r["download_upload_chart"] = Json{{"download", Json::array()}, {"upload", Json::array()}};
  r["tcpPacketStats"] = Json{{"retransmissions", retransmissions}, {"out_of_order", out_of_order}, {"lost", 0}};
  r["active_discovery_active"] = false;
  return ok(std::move(r));
}

ApiResult ntopngHostData(int ifid, const QueryView& snap, const Params& p, const Visibility& v) {
  return guarded([&] {
    const HostKey key = hostParam(p, "host", kInvalidArgs);
    if (!v.sees(key.ip)) return errorAnswer(kNotFound);
    const Host* h = nullptr;
    for (const Host& x : snap.hosts)
      if (x.key == key) h = &x;
    if (!h) return errorAnswer(kNotFound);
    const InterfaceSummary& s = snap.summary;
    uint32_t active_client = 0, active_server = 0;
    std::set<IpAddress> peers_as_client, peers_as_server;
    for (const Flow& f : snap.flows) {
      if (f.key.vlan() != key.vlan) continue;
      if (f.client().ip == key.ip) ++active_client, peers_as_client.insert(f.server().ip);
      if (f.server().ip == key.ip) ++active_server, peers_as_server.insert(f.client().ip);
    }
    const std::string ip = ipText(h->key.ip);
    const LocalHostStats* l = h->local_stats.get();
    char mac[18] = "00:00:00:00:00:00";
    if (l && l->has_mac)
      std::snprintf(mac, sizeof(mac), "%02X:%02X:%02X:%02X:%02X:%02X", l->mac[0], l->mac[1], l->mac[2], l->mac[3], l->mac[4], l->mac[5]);
    auto ratio = [](uint64_t a, uint64_t b) { return a + b == 0 ? 0.0 : (double(a) - double(b)) / double(a + b); };

    Json r;
    r["ip"] = ip;
    r["vlan"] = h->key.vlan;
    r["observation_point_id"] = 0;
    r["hiddenFromTop"] = false;
    r["ipkey"] = ipKey(h->key.ip);
    r["tskey"] = hostKeyText(h->key);
    r["name"] = ip;
    r["localhost"] = h->local;
    r["systemhost"] = false;
    r["privatehost"] = isPrivate(h->key.ip);
    r["broadcast_domain_host"] = false;
    r["dhcpHost"] = false;
    r["is_blacklisted"] = false;
    r["is_broadcast"] = isBroadcast(h->key.ip, s);
    r["is_multicast"] = isMulticast(h->key.ip);
    r["host_services_bitmap"] = 0;
    r["continent"] = "";
    r["country"] = "";
    r["latitude"] = 0.0;
    r["longitude"] = 0.0;
    r["city"] = "";
    r["mac"] = mac;
    r["devtype"] = 0;
    r["num_alerts"] = 0;
    r["active_alerted_flows"] = 0;
    r["total_alerts"] = 0;
    r["score"] = 0;
    r["score.as_client"] = 0;
    r["score.as_server"] = 0;
    r["asn"] = 0;
    r["asname"] = "";
    r["os"] = 0;
    r["os_detail"] = "";
    r["host_pool_id"] = 0;
    r["throughput_bps"] = 0.0;
    r["throughput_trend_bps"] = 0;
    r["throughput_pps"] = 0.0;
    r["throughput_trend_pps"] = 0;
    r["bytes.sent"] = h->sent.bytes;
    r["bytes.rcvd"] = h->received.bytes;
    r["packets.sent"] = h->sent.packets;
    r["packets.rcvd"] = h->received.packets;
    uint64_t unknown = 0;
    Json ndpi = Json::object(), categories = Json::object();
    if (l) {
      std::map<uint16_t, TrafficCounter[2]> by_category;
      for (const auto& [id, t] : l->apps) {
        if (t.sent.bytes + t.received.bytes == 0) continue;
        if (id == 0) unknown = t.sent.bytes + t.received.bytes;
        ndpi[std::string(s.names->protocol(id))] = Json{{"breed", ""}, {"packets.sent", t.sent.packets}, {"packets.rcvd", t.received.packets},
                                                        {"bytes.sent", t.sent.bytes}, {"bytes.rcvd", t.received.bytes},
                                                        {"duration", 0}, {"num_flows", t.flows}};
        auto& c = by_category[s.names->protocolCategory(id)];
        c[0].add(t.sent);
        c[1].add(t.received);
      }
      for (const auto& [cat, t] : by_category)
        categories[std::string(s.names->category(cat))] = Json{{"category", cat}, {"bytes", t[0].bytes + t[1].bytes},
                                                               {"bytes.sent", t[0].bytes}, {"bytes.rcvd", t[1].bytes}, {"duration", 0}};
    }
    r["bytes.ndpi.unknown"] = unknown;
    r["total_activity_time"] = 0;
    r["flows.as_client"] = h->flows_as_client;
    r["flows.as_server"] = h->flows_as_server;
    r["total_flows.as_client"] = h->flows_as_client;
    r["total_flows.as_server"] = h->flows_as_server;
    r["active_flows.as_client"] = active_client;
    r["active_flows.as_server"] = active_server;
    for (const char* k : {"alerted_flows.as_client", "alerted_flows.as_server", "unreachable_flows.as_client",
                          "unreachable_flows.as_server", "host_unreachable_flows.as_client", "host_unreachable_flows.as_server"})
      r[k] = 0;
    r["contacts.as_client"] = peers_as_client.size();
    r["contacts.as_server"] = peers_as_server.size();
    r["bytes_ratio"] = ratio(h->sent.bytes, h->received.bytes);
    r["pkts_ratio"] = ratio(h->sent.packets, h->received.packets);
    r["ndpi"] = std::move(ndpi);
    r["ndpi_categories"] = std::move(categories);
    r["ifid"] = ifid;
    r["names"] = Json::object();
    r["seen.first"] = seconds(h->first_seen);
    r["seen.last"] = seconds(h->last_seen);
    r["duration"] = seconds(h->last_seen) - seconds(h->first_seen) + 1;
    return ok(std::move(r));
  });
}

ApiResult ntopngHostActive(const QueryView& snap, const Params& p, const Visibility& v) {
  return guarded([&] {
    Paging g = paging(p);
    g.all = param(p, "all") != nullptr;
    const std::string column = sortColumn(p);
    const std::string* order = param(p, "sortOrder");
    const bool descending = order && *order == "desc";
    const auto active = activeFlowsPerHost(snap);
    auto flowsOf = [&](const Host& h) {
      auto it = active.find(h.key);
      return it == active.end() ? ActiveFlowCount{} : it->second;
    };
    std::vector<const Host*> rows;
    rows.reserve(snap.hosts.size());
    for (const Host& h : snap.hosts)
      if (v.sees(h.key.ip)) rows.push_back(&h);
    auto less = [&](const Host& a, const Host& b) {
      if (column == "since") return a.first_seen < b.first_seen;
      if (column == "last") return a.last_seen < b.last_seen;
      if (column == "vlan") return a.key.vlan < b.key.vlan;
      if (column == "num_flows") {
        const auto fa = flowsOf(a), fb = flowsOf(b);
        return fa.as_client + fa.as_server < fb.as_client + fb.as_server;
      }
      if (column == "num_flows_as_client") return flowsOf(a).as_client < flowsOf(b).as_client;
      if (column == "num_flows_as_server") return flowsOf(a).as_server < flowsOf(b).as_server;
      if (column == "traffic") return a.sent.bytes + a.received.bytes < b.sent.bytes + b.received.bytes;
      if (column == "traffic_sent") return a.sent.bytes < b.sent.bytes;
      if (column == "traffic_rcvd") return a.received.bytes < b.received.bytes;
      if (column == "name") return ipText(a.key.ip) < ipText(b.key.ip);
      if (column == "alerts" || column == "country" || column == "thpt" || column == "os" || column == "asn" || column == "score")
        return false;  // not tracked: every host is equal, ordered by address
      return a.key.ip < b.key.ip;  // "ip" and ntopng's default
    };
    const auto shown = page(std::move(rows), g, descending, less, [](const Host& h) { return std::pair(h.key.ip, h.key.vlan); });

    Json data = Json::array();
    for (const Host* h : shown) {
      const ActiveFlowCount fc = flowsOf(*h);
      const std::string ip = ipText(h->key.ip);
      Json rec;
      rec["key"] = jqueryId(h->key);
      rec["first_seen"] = seconds(h->first_seen);
      rec["last_seen"] = seconds(h->last_seen);
      rec["vlan"] = h->key.vlan;
      rec["ip"] = ip;
      rec["os"] = 0;
      rec["num_alerts"] = 0;
      rec["country"] = "";
      rec["is_blacklisted"] = false;
      rec["name"] = ip;
      rec["thpt"] = Json{{"pps", 0.0}, {"bps", 0.0}};
      rec["bytes"] = Json{{"total", h->sent.bytes + h->received.bytes}, {"sent", h->sent.bytes}, {"recvd", h->received.bytes}};
      rec["is_localhost"] = h->local;
      rec["is_multicast"] = isMulticast(h->key.ip);
      rec["is_broadcast"] = isBroadcast(h->key.ip, snap.summary);
      rec["is_broadcast_domain"] = false;
      rec["num_flows"] = Json{{"total", fc.as_client + fc.as_server}, {"as_client", fc.as_client}, {"as_server", fc.as_server}};
      data.push_back(std::move(rec));
    }
    // ntopng echoes the sort parameters it was given: [[column, order]], [] when none.
    Json sort_spec = Json::array();
    if (const std::string* c = param(p, "sortColumn")) sort_spec.push_back("column_" + *c);
    if (order) {
      if (sort_spec.empty()) sort_spec.push_back(nullptr);
      sort_spec.push_back(*order);
    }
    Json r;
    r["perPage"] = g.all ? 0 : g.per_page;
    r["currentPage"] = g.all ? 0 : g.page;
    r["data"] = std::move(data);
    r["sort"] = Json::array({std::move(sort_spec)});
    return ok(std::move(r));
  });
}

ApiResult ntopngFlowActive(const QueryView& snap, const Params& p, const Visibility& v) {
  return guarded([&] {
    const Paging g = paging(p);
    const std::string column = sortColumn(p);
    const std::string* order = param(p, "sortOrder");
    const bool descending = !order || *order == "desc";  // ntopng's default order for flows
    const bool verbose = param(p, "verbose") && *param(p, "verbose") == "true";
    std::optional<HostKey> host;
    if (param(p, "host")) host = hostParam(p, "host", kInvalidArgs);
    const auto vlan = numberParam(p, "vlan", 0, 4095);
    const auto l4 = numberParam(p, "l4proto", 0, 255);
    const auto port = numberParam(p, "port", 0, 65535);
    const std::string* app = param(p, "application");
    const NameTable& names = *snap.summary.names;

    std::vector<const Flow*> rows;
    rows.reserve(snap.flows.size());
    for (const Flow& f : snap.flows) {
      if (!sees(v, f)) continue;
      const Endpoint a = f.key.a(), b = f.key.b();
      if (host && !(f.key.vlan() == host->vlan && (a.ip == host->ip || b.ip == host->ip))) continue;
      if (vlan && f.key.vlan() != *vlan) continue;
      if (l4 && f.key.l4Proto() != *l4) continue;
      if (port && a.port != *port && b.port != *port) continue;
      if (app && strcasecmp(app->c_str(), std::string(names.protocol(f.app.app)).c_str()) != 0 &&
          strcasecmp(app->c_str(), std::string(names.protocol(f.app.master)).c_str()) != 0)
        continue;
      rows.push_back(&f);
    }
    const uint64_t total = rows.size();
    auto bytes = [](const Flow& f) { return f.c2s.traffic.bytes + f.s2c.traffic.bytes; };
    auto less = [&](const Flow& a, const Flow& b) {
      if (column == "client") return a.client().ip < b.client().ip;
      if (column == "server") return a.server().ip < b.server().ip;
      if (column == "vlan") return a.key.vlan() < b.key.vlan();
      if (column == "proto_l4") return a.key.l4Proto() < b.key.l4Proto();
      if (column == "ndpi") return a.app.accounted() < b.app.accounted();
      if (column == "duration") return a.last_seen - a.first_seen < b.last_seen - b.first_seen;
      if (column == "thpt") return perSecond(double(bytes(a)), a) < perSecond(double(bytes(b)), b);
      if (column == "last_seen") return a.last_seen < b.last_seen;
      if (column == "first_seen") return a.first_seen < b.first_seen;
      if (column == "info") {
        const std::string ia = a.details ? a.details->info : std::string(), ib = b.details ? b.details->info : std::string();
        return ia < ib;
      }
      return bytes(a) < bytes(b);  // "bytes" and ntopng's default
    };
    const auto shown = page(std::move(rows), g, descending, less, [](const Flow& f) { return f.id; });

    std::string scratch;
    Json data = Json::array();
    for (const Flow* f : shown) {
      const Endpoint cli = f->client(), srv = f->server();
      const uint64_t total_bytes = bytes(*f);
      const uint64_t packets = f->c2s.traffic.packets + f->s2c.traffic.packets;
      const uint64_t cli2srv = total_bytes ? (f->c2s.traffic.bytes * 200 + total_bytes) / (2 * total_bytes) : 0;  // rounded percent
      Json rec;
      rec["key"] = std::to_string(f->id);
      rec["hash_id"] = std::to_string(f->id);
      rec["first_seen"] = seconds(f->first_seen);
      rec["last_seen"] = seconds(f->last_seen);
      rec["client"] = Json{{"name", ipText(cli.ip)}, {"ip", ipText(cli.ip)}, {"port", cli.port},
                           {"is_broadcast_domain", false}, {"is_dhcp", false}, {"is_blacklisted", false}};
      rec["server"] = Json{{"name", serverName(*f)}, {"ip", ipText(srv.ip)}, {"port", srv.port},
                           {"is_broadcast", false}, {"is_dhcp", false}, {"is_blacklisted", false}};
      rec["vlan"] = f->key.vlan();
      rec["protocol"] = Json{{"l4", l4Name(f->key.l4Proto())}, {"l7", std::string(names.fullName(f->app, scratch))}};
      rec["duration"] = seconds(f->last_seen) - seconds(f->first_seen) + 1;
      rec["bytes"] = total_bytes;
      rec["thpt"] = Json{{"pps", perSecond(double(packets), *f)}, {"bps", perSecond(double(total_bytes) * 8, *f)}};
      rec["breakdown"] = Json{{"cli2srv", cli2srv}, {"srv2cli", total_bytes ? 100 - cli2srv : 0}};
      if (verbose) {
        rec["packets"] = packets;
        rec["tcp"] = Json{{"appl_latency", 0.0},
                          {"nw_latency", {{"cli", 0.0}, {"srv", 0.0}}},
                          {"retransmissions", {{"cli2srv", f->c2s.retransmissions}, {"srv2cli", f->s2c.retransmissions}}},
                          {"out_of_order", {{"cli2srv", f->c2s.out_of_order}, {"srv2cli", f->s2c.out_of_order}}},
                          {"lost", {{"cli2srv", 0}, {"srv2cli", 0}}}};
      }
      data.push_back(std::move(rec));
    }
    Json r;
    r["perPage"] = g.per_page;
    r["currentPage"] = g.page;
    r["totalRows"] = total;
    r["data"] = std::move(data);
    const std::string* c = param(p, "sortColumn");
    r["sort"] = Json::array({Json::array({c ? "column_" + *c : std::string("column_"), order ? *order : std::string("desc")})});
    return ok(std::move(r));
  });
}

ApiResult ntopngL7Counters(const QueryView& snap, const Visibility& v) {
  // Active flows per application as ntopng counts them: the application when nDPI named one,
  // else the master protocol (netlens's "accounted" protocol); sorted by name.
  std::map<std::string, uint64_t> counts;
  for (const Flow& f : snap.flows)
    if (sees(v, f)) ++counts[std::string(snap.summary.names->protocol(f.app.accounted()))];
  Json rsp = Json::array();
  for (const auto& [name, n] : counts) rsp.push_back(Json{{"name", name}, {"count", n}});
  return ok(std::move(rsp));
}

}  // namespace netlens::web::ntopng

namespace netlens::web {

namespace {

using namespace ntopng;

// /proc readings for system_host_stats. CPU states are the shares of CPU time since the
// previous reading (since boot for the first one), as ntopng's.
class SystemSampler {
 public:
  SystemHostStats read() {
    SystemHostStats s;
    std::ifstream mem("/proc/meminfo");
    std::string key;
    uint64_t value = 0;
    std::string unit;
    std::string line;
    while (std::getline(mem, line)) {
      std::istringstream in(line);
      if (!(in >> key >> value)) continue;
      if (key == "MemTotal:") s.mem_total = value;
      else if (key == "MemFree:") s.mem_free = value;
      else if (key == "Buffers:") s.mem_buffers = value;
      else if (key == "Cached:") s.mem_cached = value;
      else if (key == "SReclaimable:") s.mem_sreclaimable = value;
      else if (key == "Shmem:") s.mem_shmem = value;
    }
    const uint64_t reclaimable = s.mem_free + s.mem_buffers + s.mem_cached + s.mem_sreclaimable;
    s.mem_used = s.mem_total > reclaimable ? s.mem_total - reclaimable : 0;
    std::ifstream status("/proc/self/status");
    while (std::getline(status, line)) {
      std::istringstream in(line);
      if (!(in >> key >> value)) continue;
      if (key == "VmRSS:") s.mem_ntopng_resident = value;
      else if (key == "VmSize:") s.mem_ntopng_virtual = value;
    }
    std::ifstream load("/proc/loadavg");
    load >> s.cpu_load;
    std::ifstream stat("/proc/stat");
    std::string cpu;
    std::array<uint64_t, 10> now{};
    stat >> cpu;
    for (auto& n : now) stat >> n;
    std::lock_guard lock(mu_);
    uint64_t sum = 0;
    std::array<uint64_t, 10> delta{};
    for (size_t i = 0; i < now.size(); ++i) {
      delta[i] = now[i] >= last_[i] ? now[i] - last_[i] : 0;
      sum += delta[i];
    }
    if (sum > 0) {
      for (size_t i = 0; i < now.size(); ++i) s.cpu_states[i] = 100.0 * double(delta[i]) / double(sum);
      last_ = now;
    }
    return s;
  }

 private:
  std::mutex mu_;
  std::array<uint64_t, 10> last_{};
};

// ntopng reads its parameters from the query string or from a JSON object body (POST).
Params parameters(const httplib::Request& req) {
  Params p = req.params;
  if (req.method == "POST" && !req.body.empty()) {
    const auto j = nlohmann::json::parse(req.body, nullptr, false);
    if (j.is_object())
      for (const auto& [k, v] : j.items()) {
        if (v.is_string()) p.emplace(k, v.get<std::string>());
        else if (v.is_number() || v.is_boolean()) p.emplace(k, v.dump());
      }
  }
  return p;
}

// Fail-safe: answers only callers the authentication gate identified (with --disable-login
// everyone is). A caller without a name reached these routes without authentication.
bool identified(httplib::Response& res) {
  if (!WebAuth::current().user.name.empty()) return true;
  send(res, errorAnswer(kNotGranted));
  return false;
}

}  // namespace

void registerNtopngCompat(httplib::Server& s, const std::vector<WebInterface>& interfaces, Micros started) {
  const std::vector<WebInterface>* ifaces = &interfaces;
  auto sampler = std::make_shared<SystemSampler>();

  // Resolves ifid to an interface the caller may see (answering the error itself otherwise),
  // then runs the query on that interface's packet thread over its live tables (no copy). The
  // query owns what it uses: the caller's visibility is taken here, on the HTTP thread.
  using Query = std::function<ApiResult(int ifid, const QueryView& view)>;
  auto query = [ifaces](const Params& p, httplib::Response& res, Query api) {
    if (!identified(res)) return;
    auto it = p.find("ifid");
    uint64_t id = 0;
    if (it != p.end()) {
      const std::string& t = it->second;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), id);
      if (ec != std::errc() || end != t.data() + t.size() || t.empty()) id = UINT64_MAX;
    }
    if (it == p.end() || id >= ifaces->size() || !WebAuth::current().user.canSeeInterface((*ifaces)[id].name))
      return send(res, errorAnswer(kInvalidInterface));
    auto result = std::make_shared<ApiResult>();
    const int ifid = int(id);
    auto job = [result, ifid, api = std::move(api)](const NetworkInterface& iface) {
      *result = api(ifid, liveView(iface, true, true));
    };
    if (!(*ifaces)[id].snapshots->run(std::move(job))) return send(res, errorAnswer(kInternalError));
    send(res, *result);
  };

  auto route = [&s](const std::string& path, httplib::Server::Handler h) {
    s.Get(path, h);
    s.Post(path, h);
  };
  const std::string base = "/lua/rest/v2/get/";
  route(base + "ntopng/interfaces.lua", [ifaces](const httplib::Request&, httplib::Response& res) {
    if (!identified(res)) return;
    std::vector<InterfaceName> visible;
    for (size_t i = 0; i < ifaces->size(); ++i)
      if (WebAuth::current().user.canSeeInterface((*ifaces)[i].name)) visible.push_back({int(i), (*ifaces)[i].name});
    send(res, ntopngInterfaces(visible));
  });
  route(base + "interface/data.lua", [query, sampler, started](const httplib::Request& req, httplib::Response& res) {
    const Params p = parameters(req);
    const ServerContext ctx{wallClockMicros(), started, sampler->read()};
    query(p, res, [ctx, vis = WebAuth::visibility()](int ifid, const QueryView& v) {
      return ntopngInterfaceData(ifid, v, vis, ctx);
    });
  });
  route(base + "host/data.lua", [query](const httplib::Request& req, httplib::Response& res) {
    const Params p = parameters(req);
    query(p, res, [p, vis = WebAuth::visibility()](int ifid, const QueryView& v) { return ntopngHostData(ifid, v, p, vis); });
  });
  route(base + "host/active.lua", [query](const httplib::Request& req, httplib::Response& res) {
    const Params p = parameters(req);
    query(p, res, [p, vis = WebAuth::visibility()](int, const QueryView& v) { return ntopngHostActive(v, p, vis); });
  });
  route(base + "flow/active.lua", [query](const httplib::Request& req, httplib::Response& res) {
    const Params p = parameters(req);
    query(p, res, [p, vis = WebAuth::visibility()](int, const QueryView& v) { return ntopngFlowActive(v, p, vis); });
  });
  route(base + "flow/l7/counters.lua", [query](const httplib::Request& req, httplib::Response& res) {
    const Params p = parameters(req);
    query(p, res, [vis = WebAuth::visibility()](int, const QueryView& v) { return ntopngL7Counters(v, vis); });
  });
}

}  // namespace netlens::web
