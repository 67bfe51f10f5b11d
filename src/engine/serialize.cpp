#include "engine/serialize.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace netlens {

namespace {


void writeTraffic(JsonWriter& w, std::string_view key, const TrafficCounter& t) {
  w.key(key).beginObject().field("packets", t.packets).field("bytes", t.bytes).endObject();
}

void writeMac(JsonWriter& w, std::string_view key, const std::array<uint8_t, 6>& m) {
  char buf[18];
  std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  w.field(key, std::string_view(buf, 17));
}

const char* tunnelName(TunnelType t) {
  switch (t) {
    case TunnelType::None: return "none";
    case TunnelType::GtpU: return "gtp-u";
    case TunnelType::Tzsp: return "tzsp";
    case TunnelType::Capwap: return "capwap";
    case TunnelType::IpInIp: return "ip-in-ip";
  }
  return "none";
}

// What a direction adds to the flat cli2srv_/srv2cli_ totals; nothing for a silent direction.
void writeDirection(JsonWriter& w, std::string_view key, const FlowDirectionStats& d, bool tcp) {
  if (d.traffic.packets == 0) return;
  w.key(key).beginObject();
  w.field("payload_bytes", d.payload_bytes);
  w.key("first_seen").fixed6(d.first_seen).key("last_seen").fixed6(d.last_seen);
  if (tcp) {
    w.field("tcp_flags", d.tcp_flags).field("retransmissions", d.retransmissions).field("out_of_order", d.out_of_order);
  }
  w.endObject();
}

}  // namespace

void writeHostNames(JsonWriter& w, const Host& h) {
  const enrich::HostNames* n = h.names.get();
  if (!n) return;
  if (const std::string_view best = n->best(); !best.empty()) {
    w.field("name", best).field("name_source", enrich::nameSourceName(n->bestSource()));
    w.key("names").beginObject();
    for (size_t s = 0; s < enrich::kNameSources; ++s)
      if (!n->by_source[s].empty()) w.field(enrich::nameSourceName(enrich::NameSource(s)), n->by_source[s]);
    w.endObject();
  }
  if (n->os != enrich::OsType::Unknown)
    w.field("os", enrich::osName(n->os)).field("os_source", enrich::osSourceName(n->os_source));
}

void writeNameAggregateJson(JsonWriter& w, const enrich::NameAggregate& a) {
  char ip[48];
  w.beginObject().field("name", a.key.name);
  w.key("first_seen").fixed6(a.first_seen).key("last_seen").fixed6(a.last_seen);
  w.field("hits", a.hits).field("packets", a.traffic.packets).field("bytes", a.traffic.bytes);
  w.field("active_flows", a.active_flows);
  w.key("clients").beginArray();
  for (const IpAddress& c : a.clients) w.value(std::string_view(ip, c.format(ip)));
  w.endArray();
  if (a.key.kind == enrich::NameKind::ServerName) {
    w.key("servers").beginArray();
    for (const IpAddress& s : a.servers) w.value(std::string_view(ip, s.format(ip)));
    w.endArray();
  }
  if (a.hosts_not_kept) w.field("hosts_not_kept", a.hosts_not_kept);
  w.endObject();
}

double geoDegrees(float v) { return std::round(double(v) * 1e5) / 1e5; }  // about a metre

void writeHostGeoJson(JsonWriter& w, const GeoInfo& g, const InterfaceSummary& iface) {
  if (g.hasCountry()) w.field("country", std::string_view(g.country, 2));
  const GeoDatabases* db = iface.enrich ? iface.enrich->geo.get() : nullptr;
  if (db && !g.city.empty()) w.field("city", db->text(g.city));
  if (g.has_location) w.field("latitude", geoDegrees(g.latitude)).field("longitude", geoDegrees(g.longitude));
  if (g.asn) {
    w.field("asn", g.asn);
    if (db && !g.as_name.empty()) w.field("as_name", db->text(g.as_name));
  }
}

namespace {

void writeGeoTotals(JsonWriter& w, const GeoEntityTotals& t, std::vector<std::pair<uint16_t, TrafficCounter>> apps,
                    const InterfaceSummary& iface) {
  w.field("hosts", t.hosts).field("hosts_seen", t.hosts_seen).field("flows", t.flows);
  writeTraffic(w, "sent", t.sent);
  writeTraffic(w, "received", t.received);
  w.field("bytes", t.bytes());
  w.key("first_seen").fixed6(t.first_seen).key("last_seen").fixed6(t.last_seen);
  std::sort(apps.begin(), apps.end(), [](const auto& a, const auto& b) { return a.second.bytes > b.second.bytes; });
  w.key("applications").beginArray();
  for (const auto& [id, c] : apps)
    w.beginObject().field("name", iface.names->protocol(id)).field("packets", c.packets).field("bytes", c.bytes).endObject();
  w.endArray();
}

}  // namespace

void writeAsJson(JsonWriter& w, const AsStats& a, const GeoAggregates& geo, const InterfaceSummary& iface) {
  w.beginObject().field("asn", a.asn);
  const GeoDatabases* db = iface.enrich ? iface.enrich->geo.get() : nullptr;
  w.field("name", db ? db->text(a.name) : std::string_view());
  writeGeoTotals(w, a.totals, geo.apps(a), iface);
  w.endObject();
}

void writeCountryJson(JsonWriter& w, const CountryStats& c, const GeoAggregates& geo, const InterfaceSummary& iface) {
  w.beginObject().field("country", std::string_view(c.code, 2));
  const GeoDatabases* db = iface.enrich ? iface.enrich->geo.get() : nullptr;
  if (db && !c.name.empty()) w.field("name", db->text(c.name));
  writeGeoTotals(w, c.totals, geo.apps(c), iface);
  w.endObject();
}

void writeFlowJson(JsonWriter& w, const Flow& f, const NameTable& names) {
  const Endpoint cli = f.client(), srv = f.server();
  char ip[48];
  w.beginObject();
  w.field("id", f.id);
  w.field("l4_proto", f.key.l4Proto());
  w.field("ip_version", f.key.ipVersion());
  w.field("client_ip", std::string_view(ip, cli.ip.format(ip)));
  w.field("client_port", cli.port);
  w.field("server_ip", std::string_view(ip, srv.ip.format(ip)));
  w.field("server_port", srv.port);
  w.field("vlan", f.key.vlan());
  thread_local std::string scratch;
  w.field("app", names.fullName(f.app, scratch));
  w.field("app_id", f.app.accounted());
  w.field("master_id", f.app.master);
  w.field("category", names.category(f.app.category));
  w.field("detection_final", f.detection_final);
  if (f.detection_final) w.field("confidence", ndpi_confidence_get_name(ndpi_confidence_t(f.app.confidence)));
  w.field("inspected_packets", f.inspected_packets);
  w.field("cli2srv_packets", f.c2s.traffic.packets);
  w.field("cli2srv_bytes", f.c2s.traffic.bytes);
  w.field("srv2cli_packets", f.s2c.traffic.packets);
  w.field("srv2cli_bytes", f.s2c.traffic.bytes);
  w.key("first_seen").fixed6(f.first_seen);
  w.key("last_seen").fixed6(f.last_seen);
  const Micros duration = f.last_seen - f.first_seen;
  w.key("duration").fixed6(duration);
  const TrafficCounter total = f.total();
  w.field("throughput_bps", duration > 0 ? uint64_t(double(total.bytes) * 8 * kMicrosPerSecond / double(duration)) : uint64_t(0));
  const bool tcp = f.key.l4Proto() == 6;
  if (tcp) w.field("tcp_state", tcpStateName(f.tcp_state));
  if (f.tunnel != TunnelType::None) w.field("tunnel", tunnelName(f.tunnel));
  writeDirection(w, "cli2srv", f.c2s, tcp);
  writeDirection(w, "srv2cli", f.s2c, tcp);
  if (const FlowDetails* d = f.details.get()) {
    if (!d->server_name.empty()) w.field("server_name", d->server_name);
    if (!d->url.empty()) w.field("url", d->url);
    if (!d->user_agent.empty()) w.field("user_agent", d->user_agent);
    if (!d->content_type.empty()) w.field("content_type", d->content_type);
    if (d->http_status) w.field("http_status", d->http_status);
    if (!d->tls_version.empty()) w.field("tls_version", d->tls_version);
    if (!d->ja3_client.empty()) w.field("ja3_client", d->ja3_client);
    if (!d->ja3_server.empty()) w.field("ja3_server", d->ja3_server);
    if (!d->info.empty()) w.field("info", d->info);
    if (d->risk) w.field("risk", d->risk).field("risk_score", d->risk_score);
    // Processes, when a probe reported them (nProbe agent mode).
    for (const auto& [key, p] : {std::pair{"client_process", &d->client_process}, std::pair{"server_process", &d->server_process}}) {
      if (!p->known()) continue;
      w.key(key).beginObject().field("pid", p->pid).field("name", p->name).field("uid", p->uid).field("user", p->user).endObject();
    }
  }
  w.endObject();
}

void writeHostJson(JsonWriter& w, const Host& h, const InterfaceSummary& iface) {
  char ip[48];
  w.beginObject();
  w.field("ip", std::string_view(ip, h.key.ip.format(ip)));
  w.field("vlan", h.key.vlan);
  w.field("local", h.local);
  if (h.network >= 0 && size_t(h.network) < iface.networks.size())
    w.field("network", iface.networks[h.network].cidr.toString());
  w.key("first_seen").fixed6(h.first_seen).key("last_seen").fixed6(h.last_seen);
  writeTraffic(w, "sent", h.sent);
  writeTraffic(w, "received", h.received);
  w.field("active_flows", h.active_flows);
  w.field("flows_as_client", h.flows_as_client).field("flows_as_server", h.flows_as_server);
  writeHostNames(w, h);
  if (iface.aliases)
    if (auto it = iface.aliases->find(enrich::AliasKey{h.key.ip, h.key.vlan}); it != iface.aliases->end())
      w.field("alias", it->second);
  writeHostGeoJson(w, h.geo.info, iface);
  if (const LocalHostStats* l = h.local_stats.get()) {
    if (l->has_mac) writeMac(w, "mac", l->mac);
    if (l->has_mac && iface.enrich) {
      if (const std::string_view v = iface.enrich->oui->vendor(l->mac); !v.empty()) w.field("mac_vendor", v);
    }
    w.key("applications").beginArray();
    for (const auto& [id, t] : l->apps) {
      w.beginObject().field("name", iface.names->protocol(id));
      writeTraffic(w, "sent", t.sent);
      writeTraffic(w, "received", t.received);
      w.field("flows", t.flows).endObject();
    }
    w.endArray();
    w.key("peers").beginArray();
    for (const auto& [peer, t] : l->peers) {
      w.beginObject().field("ip", std::string_view(ip, peer.format(ip))).field("flows", t.flows).field("bytes", t.bytes).endObject();
    }
    w.endArray();
    if (l->peers_dropped) w.field("peers_not_kept", l->peers_dropped);
  }
  w.endObject();
}

void writeInterfaceJson(JsonWriter& w, const InterfaceSummary& iface) {
  const InterfaceStats& s = iface.stats;
  w.beginObject();
  w.field("name", iface.name);
  w.field("packets", s.received.packets).field("bytes", s.received.bytes);
  writeTraffic(w, "ipv4", s.ipv4);
  writeTraffic(w, "ipv6", s.ipv6);
  w.key("l4_protocols").beginArray();
  for (size_t p = 0; p < s.l4.size(); ++p) {
    if (s.l4[p].empty()) continue;
    w.beginObject().field("proto", uint32_t(p)).field("packets", s.l4[p].packets).field("bytes", s.l4[p].bytes).endObject();
  }
  w.endArray();
  w.key("non_ip").beginObject();
  for (size_t k = 0; k < s.non_ip.size(); ++k) writeTraffic(w, nonIpKindName(NonIpKind(k)), s.non_ip[k]);
  w.endObject();
  w.key("decode_errors").beginObject();
  for (size_t e = 1; e < s.decode_errors.size(); ++e) w.field(decodeErrorName(DecodeError(e)), s.decode_errors[e]);
  w.endObject();
  w.key("drops").beginObject()
      .field("kernel", s.kernel_drops)
      .field("interface", s.interface_drops)
      .field("engine", s.engine_drops)
      .endObject();
  w.field("inspected_packets", s.inspected_packets);
  auto table = [&](std::string_view key, const TableCounters& t, uint32_t active) {
    w.key(key).beginObject().field("active", active).field("created", t.created).field("expired", t.expired)
        .field("evicted", t.evicted).field("dropped", t.dropped).endObject();
  };
  table("flows", s.flows, iface.active_flows);
  table("hosts", s.hosts, iface.active_hosts);
  w.key("throughput").beginObject().field("bps", s.throughput.bps).field("pps", s.throughput.pps).endObject();
  w.key("first_packet").fixed6(s.first_packet).key("last_packet").fixed6(s.last_packet);
  w.field("ndpi_reloads", iface.ndpi_reloads);
  w.field("ndpi_reload_failures", s.ndpi_reload_failures);
  if (s.flow_records) w.field("flow_records", s.flow_records).field("flow_records_invalid", s.flow_records_invalid);
  if (iface.collector) writeCollectorJson(w.key("collector"), *iface.collector);
  w.key("export").beginArray();
  for (const ExportStats& e : iface.exports) writeExportJson(w, e);
  w.endArray();
  const enrich::NameStats& n = s.names;
  w.key("names").beginObject().field("dns_responses", n.dns_responses).field("mdns_messages", n.mdns_messages)
      .field("netbios_messages", n.netbios_messages).field("dhcp_messages", n.dhcp_messages)
      .field("malformed", n.malformed).field("names_learned", n.names_learned).field("os_learned", n.os_learned)
      .field("cache_entries", n.cache_entries).field("cache_evicted", n.cache_evicted)
      .field("resolve_requested", n.resolve_requested).field("resolve_queue_full", n.resolve_queue_full)
      .field("resolved", n.resolved).field("hosts_restored", n.hosts_restored).endObject();
  if (const GeoLookupStats& g = iface.geo_lookups; g.lookups) {
    w.key("geolocation").beginObject().field("lookups", g.lookups).field("located", g.located).field("with_asn", g.with_asn);
    // (No lookup time here: a dump of the same capture must be the same document every time.)
    w.field("prefix_hits", g.prefix_hits).field("record_hits", g.record_hits).endObject();
  }
  w.endObject();
}

void writeApplicationsJson(JsonWriter& w, const InterfaceSummary& iface) {
  w.beginArray();
  const auto& apps = iface.applications;
  for (size_t id = 0; id < apps.size(); ++id) {
    const AppStats& a = apps[id];
    if (a.traffic.empty() && a.flows == 0) continue;
    w.beginObject().field("name", iface.names->protocol(uint16_t(id))).field("id", uint32_t(id));
    w.field("category", iface.names->category(iface.names->protocolCategory(uint16_t(id))));
    w.field("packets", a.traffic.packets).field("bytes", a.traffic.bytes).field("flows", a.flows).endObject();
  }
  w.endArray();
}

void writeNetworksJson(JsonWriter& w, const InterfaceSummary& iface) {
  w.beginArray();
  for (const NetworkStats& n : iface.networks) {
    w.beginObject().field("network", n.cidr.toString());
    writeTraffic(w, "ingress", n.ingress);
    writeTraffic(w, "egress", n.egress);
    writeTraffic(w, "inner", n.inner);
    w.field("hosts", n.hosts).field("active_flows", n.active_flows).field("flows", n.flows).endObject();
  }
  w.endArray();
}

namespace {

void writeZmqSkipped(JsonWriter& w, const ZmqSkipped& z) {
  forEachZmqSkipped(z, [&](const char* reason, uint64_t n) { w.field(reason, n); });
}

void writePeerJson(JsonWriter& w, const PeerStats& p, std::string_view kind) {
  char ip[48];
  w.beginObject();
  w.field("address", std::string_view(ip, p.address.format(ip)));
  w.key("versions").beginArray();
  for (uint16_t v : p.versions) w.value(uint32_t(v));
  w.endArray();
  w.key("domains").beginArray();
  for (uint32_t d : p.domains) w.value(d);
  w.endArray();
  w.field("messages", p.messages).field("flows", p.flows).field("packets", p.packets).field("bytes", p.bytes);
  w.field("malformed", p.malformed);
  if (!p.last_error.empty()) w.field("last_error", p.last_error);
  w.field("lost_flows", p.lost_flows).field("lost_messages", p.lost_messages).field("sequence_resets", p.sequence_resets);
  w.key("first_seen").fixed6(p.first_seen).key("last_seen").fixed6(p.last_seen);
  if (kind == "netflow") {
    w.field("option_records", p.option_records).field("templates", p.templates);
    w.field("templates_learned", p.templates_learned).field("template_errors", p.template_errors);
    w.field("unknown_template_sets", p.unknown_template_sets);
  } else if (kind == "sflow") {
    w.field("counter_samples", p.counter_samples).field("skipped_records", p.skipped_records);
  } else if (kind == "zmq") {
    writeZmqSkipped(w, p.zmq);
  }
  w.endObject();
}

void writeAgentInterfaceJson(JsonWriter& w, const AgentInterfaceCounters& i) {
  char ip[48];
  w.beginObject();
  w.field("agent", std::string_view(ip, i.agent.format(ip))).field("if_index", i.if_index);
  w.field("if_type", i.if_type).field("if_speed", i.if_speed).field("if_direction", i.if_direction);
  w.field("admin_up", (i.if_status & 1) != 0).field("oper_up", (i.if_status & 2) != 0);
  w.key("in").beginObject().field("octets", i.in_octets).field("unicast", i.in_ucast)
      .field("multicast", i.in_multicast).field("broadcast", i.in_broadcast).field("discards", i.in_discards)
      .field("errors", i.in_errors).field("unknown_protos", i.in_unknown_protos).endObject();
  w.key("out").beginObject().field("octets", i.out_octets).field("unicast", i.out_ucast)
      .field("multicast", i.out_multicast).field("broadcast", i.out_broadcast).field("discards", i.out_discards)
      .field("errors", i.out_errors).endObject();
  w.field("promiscuous", i.promiscuous);
  w.key("last_seen").fixed6(i.last_seen);
  w.endObject();
}

}  // namespace

void writeCollectorJson(JsonWriter& w, const CollectorStats& c) {
  w.beginObject();
  w.field("kind", c.kind).field("listen", c.listen);
  w.field("messages", c.messages).field("bytes", c.bytes).field("flows", c.flows).field("malformed", c.malformed);
  w.field("peers_not_kept", c.peers_not_kept);
  if (c.kind == "zmq") {
    w.field("flow_messages", c.flow_messages);
    writeZmqSkipped(w, c.zmq);
    w.field("lost_messages", c.lost_messages);
  } else {
    w.field("socket_drops", c.socket_drops).field("receive_buffer_bytes", c.receive_buffer);
  }
  w.key("peers").beginArray();
  for (const PeerStats& p : c.peers) writePeerJson(w, p, c.kind);
  w.endArray();
  if (c.kind == "sflow") {
    w.key("interfaces").beginArray();
    for (const AgentInterfaceCounters& i : c.interfaces) writeAgentInterfaceJson(w, i);
    w.endArray();
    w.field("interfaces_not_kept", c.interfaces_not_kept);
  }
  w.endObject();
}

void writeExportJson(JsonWriter& w, const ExportStats& e) {
  w.beginObject().field("kind", e.kind);
  w.key("destinations").beginArray();
  for (const std::string& d : e.destinations) w.value(d);
  w.endArray();
  if (e.kind == "zmq") {
    w.field("connect", e.connect).field("encrypted", e.encrypted).field("subscribers", e.subscribers);
  } else if (e.kind == "netflow") {
    w.field("version", uint32_t(e.version)).field("round_robin", e.round_robin);
  }
  forEachExportCounter(e, [&](const ExportCounter& c) { w.field(c.name, c.value); });
  w.endObject();
}

}  // namespace netlens
