#include "web/names_api.hpp"

#include <nlohmann/json.hpp>

#include <strings.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "core/json_writer.hpp"
#include "engine/serialize.hpp"
#include "enrich/name_store.hpp"
#include "web/web_auth.hpp"
#include "web/web_routes.hpp"

namespace netlens::web {

namespace {
bool validAlias(const std::string& a) {
  if (a.empty() || a.size() > enrich::AliasTable::kMaxLength) return false;
  for (unsigned char c : a)
    if (c < 0x20 || c == 0x7F) return false;  // printable (UTF-8 allowed), no control characters
  return true;
}
}  // namespace

namespace {
struct BadParam {
  std::string message;
};

uint64_t number(const Params& p, const std::string& name, uint64_t def, uint64_t min, uint64_t max) {
  auto it = p.find(name);
  if (it == p.end()) return def;
  const std::string& v = it->second;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty() || n < min || n > max)
    throw BadParam{"parameter '" + name + "' must be a number from " + std::to_string(min) + " to " + std::to_string(max)};
  return n;
}

bool containsNoCase(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (strncasecmp(hay.data() + i, needle.data(), needle.size()) == 0) return true;
  return false;
}
}  // namespace

ApiResult apiNameAggregates(const NetworkInterface& iface, enrich::NameKind kind, const Params& p, const Visibility& v) {
  try {
    const uint64_t page = number(p, "page", 1, 1, 1'000'000'000), per_page = number(p, "per_page", 50, 1, 1000);
    static const char* kSorts[] = {"hits", "bytes", "name", "first_seen", "last_seen", "flows"};
    std::string sort = "hits";
    if (auto it = p.find("sort"); it != p.end()) {
      if (std::find(std::begin(kSorts), std::end(kSorts), it->second) == std::end(kSorts))
        throw BadParam{"cannot sort by '" + it->second + "'; sort by one of: hits, bytes, name, first_seen, last_seen, flows"};
      sort = it->second;
    }
    bool desc = sort != "name";
    if (auto it = p.find("order"); it != p.end()) {
      if (it->second != "asc" && it->second != "desc") throw BadParam{"parameter 'order' must be 'asc' or 'desc'"};
      desc = it->second == "desc";
    }
    const auto q = p.find("q");
    std::vector<const enrich::NameAggregate*> rows;
    iface.nameAggregates().forEach([&](const enrich::NameAggregate& a) {
      if (a.key.kind != kind) return;
      if (q != p.end() && !containsNoCase(a.key.name, q->second)) return;
      rows.push_back(&a);
    });
    auto key = [&](const enrich::NameAggregate& a) -> uint64_t {
      if (sort == "bytes") return a.traffic.bytes;
      if (sort == "first_seen") return a.first_seen;
      if (sort == "last_seen") return a.last_seen;
      if (sort == "flows") return a.active_flows;
      return a.hits;
    };
    auto less = [&](const enrich::NameAggregate* a, const enrich::NameAggregate* b) {
      if (sort != "name") {
        const uint64_t ka = key(*a), kb = key(*b);
        if (ka != kb) return desc ? ka > kb : ka < kb;
        return a->key.name < b->key.name;
      }
      return desc ? a->key.name > b->key.name : a->key.name < b->key.name;
    };
    const uint64_t first = (page - 1) * per_page;
    const uint64_t last = std::min<uint64_t>(rows.size(), first + per_page);
    if (first < rows.size()) std::partial_sort(rows.begin(), rows.begin() + long(last), rows.end(), less);
    ApiResult r;
    JsonWriter w(r.body);
    w.beginObject().field("total", uint64_t(rows.size())).field("page", page).field("per_page", per_page);
    w.field("sort", sort).field("order", desc ? "desc" : "asc");
    const enrich::NameAggCounters& c = iface.nameAggregates().counters();
    w.key("table").beginObject().field("entries", iface.nameAggregates().size()).field("created", c.created)
        .field("evicted", c.evicted).field("dropped", c.dropped).endObject();
    w.key(kind == enrich::NameKind::DnsQuery ? "dns_names" : "server_names").beginArray();
    for (uint64_t i = first; i < last; ++i) {
      if (!v.address) {
        writeNameAggregateJson(w, *rows[i]);
        continue;
      }
      enrich::NameAggregate visible = *rows[i];  // a viewer sees only the hosts it may see
      std::erase_if(visible.clients, [&](const IpAddress& ip) { return !v.sees(ip); });
      std::erase_if(visible.servers, [&](const IpAddress& ip) { return !v.sees(ip); });
      writeNameAggregateJson(w, visible);
    }
    w.endArray().endObject();
    return r;
  } catch (const BadParam& e) {
    return apiError(400, e.message);
  }
}

ApiResult apiOperatingSystems(const NetworkInterface& iface, const Visibility& v) {
  struct Row {
    uint64_t hosts = 0;
    TrafficCounter traffic;
  };
  std::array<Row, size_t(enrich::OsType::Count)> rows{};
  iface.forEachHost([&](const Host& h) {
    if (!h.names || h.names->os == enrich::OsType::Unknown || !v.sees(h.key.ip)) return;
    Row& r = rows[size_t(h.names->os)];
    ++r.hosts;
    r.traffic.add(h.sent);
    r.traffic.add(h.received);
  });
  ApiResult r;
  JsonWriter w(r.body);
  w.beginObject().key("os").beginArray();
  const auto& seen = iface.osSeen();
  for (size_t i = 1; i < rows.size(); ++i) {
    if (seen[i].hits == 0 && rows[i].hosts == 0) continue;
    w.beginObject().field("os", enrich::osName(enrich::OsType(i))).field("hosts", rows[i].hosts);
    w.field("packets", rows[i].traffic.packets).field("bytes", rows[i].traffic.bytes);
    w.key("first_seen").fixed6(seen[i].first_seen).key("last_seen").fixed6(seen[i].last_seen);
    w.field("hits", seen[i].hits).endObject();
  }
  w.endArray().endObject();
  return r;
}

void registerNameRoutes(httplib::Server& s, const WebOptions& options, const std::vector<WebInterface>& interfaces) {
  // Runs on the interface's packet thread, between two packets (like the hosts list).
  auto query = [&interfaces](const httplib::Request& req, httplib::Response& res, InterfaceQuery api) {
    answerOnPacketThread(interfaces, req, res, std::move(api));
  };
  s.Get(R"(/api/v1/interfaces/(\d+)/dns_names)", [query](const httplib::Request& req, httplib::Response& res) {
    query(req, res, [p = req.params](const NetworkInterface& i, const Visibility& v) {
      return apiNameAggregates(i, enrich::NameKind::DnsQuery, p, v);
    });
  });
  s.Get(R"(/api/v1/interfaces/(\d+)/server_names)", [query](const httplib::Request& req, httplib::Response& res) {
    query(req, res, [p = req.params](const NetworkInterface& i, const Visibility& v) {
      return apiNameAggregates(i, enrich::NameKind::ServerName, p, v);
    });
  });
  s.Get(R"(/api/v1/interfaces/(\d+)/os)", [query](const httplib::Request& req, httplib::Response& res) {
    query(req, res, [](const NetworkInterface& i, const Visibility& v) { return apiOperatingSystems(i, v); });
  });

  enrich::AliasTable* aliases = options.aliases;
  enrich::NameStore* store = options.name_store;
  // The host and VLAN named by the request; false (answered) when they are not valid.
  auto target = [](const httplib::Request& req, httplib::Response& res, IpAddress& ip, uint16_t& vlan) {
    if (!WebAuth::current().user.isAdmin()) return send(res, apiError(403, "administrators only")), false;
    const std::string text = req.matches[1];
    const auto parsed = IpAddress::parse(text);
    if (!parsed) return send(res, apiError(400, "'" + text + "' is not an IP address")), false;
    ip = *parsed;
    vlan = 0;
    if (req.has_param("vlan")) {
      const std::string v = req.get_param_value("vlan");
      unsigned n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc() || end != v.data() + v.size() || n > 4095)
        return send(res, apiError(400, "parameter 'vlan' must be a number from 0 to 4095")), false;
      vlan = uint16_t(n);
    }
    if (!WebAuth::visibility().sees(ip)) return send(res, apiError(404, "no host " + text)), false;
    return true;
  };
  s.Put(R"(/api/v1/hosts/([^/]+)/alias)", [=](const httplib::Request& req, httplib::Response& res) {
    if (!aliases) return send(res, apiError(503, "aliases are not available"));
    IpAddress ip;
    uint16_t vlan;
    if (!target(req, res, ip, vlan)) return;
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("alias") || !body["alias"].is_string())
      return send(res, apiError(400, "the body must be {\"alias\": \"a name\"}"));
    const std::string alias = body["alias"].get<std::string>();
    if (!validAlias(alias))
      return send(res, apiError(400, "an alias has 1 to 64 bytes and no control characters"));
    if (aliases->size() >= enrich::AliasTable::kMaxAliases && !aliases->find(*aliases->current(), ip, vlan))
      return send(res, apiError(409, "too many aliases"));
    // Kept in the store when it is there (a Redis that is away: in memory until restart).
    const bool stored = store && store->setAlias(ip, vlan, alias);
    aliases->set(ip, vlan, alias);
    ApiResult r;
    JsonWriter w(r.body);
    w.beginObject().field("ip", ip.toString()).field("vlan", vlan).field("alias", alias).field("stored", stored).endObject();
    send(res, r);
  });
  s.Delete(R"(/api/v1/hosts/([^/]+)/alias)", [=](const httplib::Request& req, httplib::Response& res) {
    if (!aliases) return send(res, apiError(503, "aliases are not available"));
    IpAddress ip;
    uint16_t vlan;
    if (!target(req, res, ip, vlan)) return;
    if (store) store->removeAlias(ip, vlan);
    if (!aliases->remove(ip, vlan)) return send(res, apiError(404, "host " + ip.toString() + " has no alias"));
    send(res, ApiResult{200, "{\"removed\":true}"});
  });
}

}  // namespace netlens::web
