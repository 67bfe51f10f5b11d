#include "web/api_v1.hpp"

#include <algorithm>
#include <charconv>
#include <strings.h>

#include "core/json_writer.hpp"
#include "core/l4_protocol.hpp"
#include "engine/serialize.hpp"
#include "web/api_params.hpp"

namespace netlens::web {

using namespace api_params;

namespace {

uint64_t hostBytes(const Host& h) { return h.sent.bytes + h.received.bytes; }

const std::string* aliasOf(const Host& h, const enrich::AliasMap* aliases) {
  if (!aliases) return nullptr;
  auto it = aliases->find(enrich::AliasKey{h.key.ip, h.key.vlan});
  return it == aliases->end() ? nullptr : &it->second;
}

// The name shown: the alias, else the preferred learned name.
std::string_view hostName(const Host& h, const enrich::AliasMap* aliases) {
  if (const std::string* a = aliasOf(h, aliases)) return *a;
  return h.names ? h.names->best() : std::string_view();
}

// The hosts search matches the address, the alias or any name the host is known by.
bool hostMatches(const Host& h, std::string_view q, const enrich::AliasMap* aliases) {
  if (containsNoCase(ipText(h.key.ip), q)) return true;
  if (const std::string* a = aliasOf(h, aliases); a && containsNoCase(*a, q)) return true;
  if (!h.names) return false;
  for (const std::string& n : h.names->by_source)
    if (!n.empty() && containsNoCase(n, q)) return true;
  return false;
}

}  // namespace

ApiResult apiError(int status, const std::string& message) {
  ApiResult r{status, {}};
  JsonWriter w(r.body);
  w.beginObject().field("error", message).field("status", status).endObject();
  return r;
}

ApiResult apiInterfaces(const std::vector<NamedSnapshot>& interfaces) {
  ApiResult r;
  JsonWriter w(r.body);
  w.beginArray();
  for (const NamedSnapshot& n : interfaces) {
    w.beginObject().field("id", n.id);
    if (n.snapshot) {
      const InterfaceSummary& s = n.snapshot->summary;
      w.field("name", s.name).field("packets", s.stats.received.packets).field("bytes", s.stats.received.bytes);
      w.field("throughput_bps", s.stats.throughput.bps).field("throughput_pps", s.stats.throughput.pps);
      w.field("active_flows", s.active_flows).field("active_hosts", s.active_hosts);
    }
    w.endObject();
  }
  w.endArray();
  return r;
}

ApiResult apiInterface(const NamedSnapshot& n) {
  ApiResult r;
  JsonWriter w(r.body);
  const InterfaceSummary& s = n.snapshot->summary;
  w.beginObject().field("id", n.id).key("interface");
  writeInterfaceJson(w, s);
  w.key("applications");
  writeApplicationsJson(w, s);
  w.key("networks");
  writeNetworksJson(w, s);
  w.key("snapshot_time").fixed6(n.snapshot->taken_at);
  w.endObject();
  return r;
}

ApiResult apiHosts(const QueryView& s, const Params& p, const Visibility& v) {
  return guarded([&] {
    const Paging g = paging(p, {"ip", "bytes", "sent", "received", "packets", "first_seen", "last_seen", "flows", "name", "country", "asn"}, "bytes");
    const std::string* filter = param(p, "filter");
    if (filter && *filter != "local" && *filter != "remote" && *filter != "all")
      throw BadRequest{"parameter 'filter' must be 'local', 'remote' or 'all'"};
    const std::string* q = param(p, "q");
    const std::string* os = param(p, "os");  // hosts of one operating system (see /os)
    const bool by_asn = param(p, "asn") != nullptr;
    const uint64_t asn = numberParam(p, "asn", 0, 0, 4294967295ULL);  // asn=0: hosts without an AS number
    const std::string* country = param(p, "country");  // country=--: hosts without a country
    if (country && country->size() != 2) throw BadRequest{"parameter 'country' must be a two-letter country code"};
    std::vector<const Host*> rows;
    rows.reserve(s.hosts.size());
    for (const Host& h : s.hosts) {
      if (!v.sees(h.key.ip)) continue;
      if (by_asn && h.geo.info.asn != asn) continue;
      if (country && (h.geo.info.hasCountry() ? strncasecmp(h.geo.info.country, country->data(), 2) != 0 : *country != "--"))
        continue;
      if (filter && *filter == "local" && !h.local) continue;
      if (filter && *filter == "remote" && h.local) continue;
      if (q && !hostMatches(h, *q, s.summary.aliases.get())) continue;
      if (os && (!h.names || strcasecmp(enrich::osName(h.names->os), os->c_str()) != 0)) continue;
      rows.push_back(&h);
    }
    const uint64_t total = rows.size();
    auto less = [&](const Host& a, const Host& b) {
      if (g.sort == "ip") return a.key.ip < b.key.ip;
      if (g.sort == "sent") return a.sent.bytes < b.sent.bytes;
      if (g.sort == "received") return a.received.bytes < b.received.bytes;
      if (g.sort == "packets") return a.sent.packets + a.received.packets < b.sent.packets + b.received.packets;
      if (g.sort == "first_seen") return a.first_seen < b.first_seen;
      if (g.sort == "last_seen") return a.last_seen < b.last_seen;
      if (g.sort == "flows") return a.active_flows < b.active_flows;
      if (g.sort == "name") return hostName(a, s.summary.aliases.get()) < hostName(b, s.summary.aliases.get());
      if (g.sort == "country") return a.geo.info.countryKey() < b.geo.info.countryKey();
      if (g.sort == "asn") return a.geo.info.asn < b.geo.info.asn;
      return hostBytes(a) < hostBytes(b);
    };
    const auto shown = page(std::move(rows), g, less, [](const Host& h) { return std::pair(h.key.ip, h.key.vlan); });
    ApiResult r;
    JsonWriter w(r.body);
    w.beginObject();
    pagingFields(w, total, g);
    w.key("hosts").beginArray();
    for (const Host* h : shown) writeHostJson(w, *h, s.summary);
    w.endArray().endObject();
    return r;
  });
}

ApiResult apiHost(const QueryView& s, const std::string& ip_text, const Params& p, const Visibility& v) {
  return guarded([&] {
    const auto ip = IpAddress::parse(ip_text);
    if (!ip) throw BadRequest{"'" + ip_text + "' is not an IP address"};
    const uint64_t vlan = numberParam(p, "vlan", 0, 0, 4095);
    if (!v.sees(*ip)) return apiError(404, "no host " + ip_text + " on this interface");
    const Host* found = nullptr;
    for (const Host& h : s.hosts)
      if (h.key.ip == *ip && h.key.vlan == vlan) found = &h;
    if (!found) return apiError(404, "no host " + ip_text + (vlan ? " on VLAN " + std::to_string(vlan) : "") + " on this interface");
    ApiResult r;
    JsonWriter w(r.body);
    w.beginObject().key("host");
    writeHostJson(w, *found, s.summary);
    const uint64_t max_flows = numberParam(p, "flows", 1000, 0, 1000);  // ?flows=0: the host alone
    w.key("flows").beginArray();
    size_t n = 0;
    for (const Flow& f : s.flows) {
      if (max_flows == 0) break;
      if (f.key.vlan() != vlan) continue;
      if (!(f.key.a().ip == *ip || f.key.b().ip == *ip)) continue;
      if (++n > max_flows) break;  // the flows page has the rest
      writeFlowJson(w, f, *s.summary.names);
    }
    w.endArray().endObject();
    return r;
  });
}

ApiResult apiFlows(const QueryView& s, const Params& p, const Visibility& v) {
  return guarded([&] {
    const Paging g = paging(p, {"bytes", "packets", "first_seen", "last_seen", "duration", "throughput", "app", "client", "server"}, "bytes");
    std::optional<IpAddress> host;
    if (const std::string* h = param(p, "host")) {
      host = IpAddress::parse(*h);
      if (!host) throw BadRequest{"parameter 'host' must be an IP address, not '" + *h + "'"};
    }
    std::optional<uint8_t> l4;
    if (const std::string* l = param(p, "l4")) {
      l4 = parseL4Protocol(*l);
      if (!l4) throw BadRequest{"parameter 'l4' must be a protocol name (tcp, udp, icmp, ...) or number, not '" + *l + "'"};
    }
    const std::string* app = param(p, "app");
    const bool by_port = param(p, "port") != nullptr;
    const uint64_t port = numberParam(p, "port", 0, 0, 65535);
    std::string scratch;
    auto bytes = [](const Flow& f) { return f.c2s.traffic.bytes + f.s2c.traffic.bytes; };
    auto duration = [](const Flow& f) { return f.last_seen - f.first_seen; };
    // Numeric keys (the common case, on up to millions of flows) are computed in the same pass
    // as the filters, and compact (key, id, row) triples are sorted instead of chasing every
    // flow's memory at each comparison.
    enum class By { Bytes, Packets, FirstSeen, LastSeen, Duration, Throughput, Other };
    const By by = g.sort == "bytes"        ? By::Bytes
                  : g.sort == "packets"    ? By::Packets
                  : g.sort == "first_seen" ? By::FirstSeen
                  : g.sort == "last_seen"  ? By::LastSeen
                  : g.sort == "duration"   ? By::Duration
                  : g.sort == "throughput" ? By::Throughput
                                           : By::Other;
    auto key = [by, &bytes, &duration](const Flow& f) -> double {
      switch (by) {
        case By::Packets: return double(f.c2s.traffic.packets + f.s2c.traffic.packets);
        case By::FirstSeen: return double(f.first_seen);
        case By::LastSeen: return double(f.last_seen);
        case By::Duration: return double(duration(f));
        case By::Throughput: return double(bytes(f)) / double(std::max<Micros>(duration(f), 1));
        default: return double(bytes(f));
      }
    };
    struct Keyed {
      double key;
      uint64_t id;
      const Flow* flow;
    };
    std::vector<Keyed> keyed;
    std::vector<const Flow*> rows;
    if (by == By::Other) rows.reserve(s.flows.size());
    else keyed.reserve(s.flows.size());
    const bool by_endpoint = host || by_port || v.address;
    for (const Flow& f : s.flows) {
      if (l4 && f.key.l4Proto() != *l4) continue;
      if (by_endpoint) {
        const Endpoint a = f.key.a(), b = f.key.b();
        if (!v.sees(a.ip) && !v.sees(b.ip)) continue;
        if (host && !(a.ip == *host || b.ip == *host)) continue;
        if (by_port && a.port != port && b.port != port) continue;
      }
      if (app) {
        const NameTable& n = *s.summary.names;
        if (strcasecmp(app->c_str(), std::string(n.fullName(f.app, scratch)).c_str()) != 0 &&
            strcasecmp(app->c_str(), std::string(n.protocol(f.app.app)).c_str()) != 0 &&
            strcasecmp(app->c_str(), std::string(n.protocol(f.app.master)).c_str()) != 0)
          continue;
      }
      if (by == By::Other) rows.push_back(&f);
      else keyed.push_back({key(f), f.id, &f});
    }
    const uint64_t total = by == By::Other ? rows.size() : keyed.size();
    auto less = [&](const Flow& a, const Flow& b) {
      if (g.sort == "packets") return a.c2s.traffic.packets + a.s2c.traffic.packets < b.c2s.traffic.packets + b.s2c.traffic.packets;
      if (g.sort == "first_seen") return a.first_seen < b.first_seen;
      if (g.sort == "last_seen") return a.last_seen < b.last_seen;
      if (g.sort == "duration") return duration(a) < duration(b);
      if (g.sort == "throughput")
        return double(bytes(a)) / double(std::max<Micros>(duration(a), 1)) < double(bytes(b)) / double(std::max<Micros>(duration(b), 1));
      if (g.sort == "app") return s.summary.names->protocol(a.app.accounted()) < s.summary.names->protocol(b.app.accounted());
      if (g.sort == "client") return a.client().ip < b.client().ip;
      if (g.sort == "server") return a.server().ip < b.server().ip;
      return bytes(a) < bytes(b);
    };
    std::vector<const Flow*> shown;
    if (by == By::Other) {
      shown = page(std::move(rows), g, less, [](const Flow& f) { return f.id; });
    } else {
      const uint64_t first = (g.page - 1) * g.per_page;
      if (first < keyed.size()) {
        const uint64_t last = std::min<uint64_t>(keyed.size(), first + g.per_page);
        std::partial_sort(keyed.begin(), keyed.begin() + long(last), keyed.end(), [&](const Keyed& a, const Keyed& b) {
          if (a.key != b.key) return g.descending ? a.key > b.key : a.key < b.key;
          return a.id < b.id;
        });
        for (uint64_t i = first; i < last; ++i) shown.push_back(keyed[i].flow);
      }
    }
    ApiResult r;
    JsonWriter w(r.body);
    w.beginObject();
    pagingFields(w, total, g);
    w.key("flows").beginArray();
    for (const Flow* f : shown) writeFlowJson(w, *f, *s.summary.names);
    w.endArray().endObject();
    return r;
  });
}

ApiResult apiFlow(const QueryView& s, const std::string& id_text, const Visibility& v) {
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || end != id_text.data() + id_text.size() || id_text.empty())
    return apiError(400, "'" + id_text + "' is not a flow id");
  for (const Flow& f : s.flows) {
    if (f.id != id) continue;
    if (!v.sees(f.key.a().ip) && !v.sees(f.key.b().ip)) break;
    ApiResult r;
    JsonWriter w(r.body);
    writeFlowJson(w, f, *s.summary.names);
    return r;
  }
  return apiError(404, "no active flow " + id_text + " on this interface");
}

ApiResult apiApplications(const QueryView& s) {
  ApiResult r;
  JsonWriter w(r.body);
  writeApplicationsJson(w, s.summary);
  return r;
}

ApiResult apiL4Protocols(const QueryView& s) {
  ApiResult r;
  JsonWriter w(r.body);
  w.beginArray();
  for (size_t p = 0; p < s.summary.stats.l4.size(); ++p) {
    const TrafficCounter& t = s.summary.stats.l4[p];
    if (t.empty()) continue;
    w.beginObject().field("proto", uint32_t(p)).field("name", l4ProtocolName(uint8_t(p)));
    w.field("packets", t.packets).field("bytes", t.bytes).endObject();
  }
  w.endArray();
  return r;
}

ApiResult apiNetworks(const QueryView& s) {
  ApiResult r;
  JsonWriter w(r.body);
  writeNetworksJson(w, s.summary);
  return r;
}

ApiResult apiTopTalkers(const QueryView& s, const Params& p, const Visibility& v) {
  return guarded([&] {
    const uint64_t n = numberParam(p, "n", 10, 1, 100);
    std::vector<const Host*> hosts;
    for (const Host& h : s.hosts)
      if (v.sees(h.key.ip)) hosts.push_back(&h);
    auto by_bytes = [](const Host* a, const Host* b) { return hostBytes(*a) > hostBytes(*b); };
    const size_t k = std::min<size_t>(n, hosts.size());
    std::partial_sort(hosts.begin(), hosts.begin() + long(k), hosts.end(), by_bytes);
    std::vector<size_t> apps;
    for (size_t id = 0; id < s.summary.applications.size(); ++id)
      if (!s.summary.applications[id].traffic.empty()) apps.push_back(id);
    std::sort(apps.begin(), apps.end(), [&](size_t a, size_t b) {
      return s.summary.applications[a].traffic.bytes > s.summary.applications[b].traffic.bytes;
    });
    ApiResult r;
    JsonWriter w(r.body);
    w.beginObject().key("hosts").beginArray();
    for (size_t i = 0; i < k; ++i) {
      const Host& h = *hosts[i];
      w.beginObject().field("ip", ipText(h.key.ip)).field("vlan", h.key.vlan).field("local", h.local);
      w.field("bytes", hostBytes(h)).field("sent", h.sent.bytes).field("received", h.received.bytes).endObject();
    }
    w.endArray().key("applications").beginArray();
    for (size_t i = 0; i < apps.size() && i < n; ++i) {
      const AppStats& a = s.summary.applications[apps[i]];
      w.beginObject().field("name", s.summary.names->protocol(uint16_t(apps[i])));
      w.field("bytes", a.traffic.bytes).field("packets", a.traffic.packets).field("flows", a.flows).endObject();
    }
    w.endArray().endObject();
    return r;
  });
}

ApiResult apiExporters(const NamedSnapshot& n) {
  ApiResult r;
  JsonWriter w(r.body);
  const InterfaceSummary& s = n.snapshot->summary;
  w.beginObject().field("id", n.id).field("name", s.name).key("collector");
  if (s.collector) writeCollectorJson(w, *s.collector);
  else w.null();  // not a flow collector: a capture has no peers
  w.key("snapshot_time").fixed6(n.snapshot->taken_at);
  w.endObject();
  return r;
}

}  // namespace netlens::web
