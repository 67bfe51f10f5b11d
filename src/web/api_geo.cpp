#include "web/api_geo.hpp"

#include <charconv>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "engine/serialize.hpp"
#include "web/api_params.hpp"

namespace netlens::web {

using namespace api_params;

namespace {

const char* kEntitySortKeys[] = {"bytes", "sent", "received", "hosts", "flows", "last_seen", "name"};

// A viewer limited to some networks sees entities made of the hosts it may see only: their
// hosts and traffic (what the flows of other hosts did is not theirs to see).
template <typename Stats, typename Key>
std::vector<Stats> visibleEntities(const QueryView& s, const Visibility& v, const std::vector<Stats>& all, Key key) {
  std::vector<Stats> out;
  std::unordered_map<uint32_t, size_t> index;
  for (const Host& h : s.hosts) {
    if (!v.sees(h.key.ip)) continue;
    const uint32_t e = key(h.geo);
    if (e == kNoGeoEntity || e >= all.size()) continue;
    auto [it, added] = index.emplace(e, out.size());
    if (added) {
      Stats copy = all[e];
      copy.totals = GeoEntityTotals{};
      out.push_back(copy);
    }
    GeoEntityTotals& t = out[it->second].totals;
    ++t.hosts;
    ++t.hosts_seen;
    t.addHost(h.sent, h.received, h.last_seen);
    if (t.first_seen == 0 || h.first_seen < t.first_seen) t.first_seen = h.first_seen;
  }
  return out;
}

template <typename Stats, typename Name, typename Write>
ApiResult entityList(const Params& p, const std::vector<Stats>& rows_in, const char* what, Name name,
                     Write write) {
  const Paging g = paging(p, std::vector<std::string>(std::begin(kEntitySortKeys), std::end(kEntitySortKeys)), "bytes");
  const std::string* q = param(p, "q");
  std::vector<const Stats*> rows;
  for (const Stats& e : rows_in) {
    if (q && !containsNoCase(name(e), *q)) continue;
    rows.push_back(&e);
  }
  const uint64_t total = rows.size();
  auto less = [&](const Stats& a, const Stats& b) {
    const GeoEntityTotals &x = a.totals, &y = b.totals;
    if (g.sort == "sent") return x.sent.bytes < y.sent.bytes;
    if (g.sort == "received") return x.received.bytes < y.received.bytes;
    if (g.sort == "hosts") return x.hosts < y.hosts;
    if (g.sort == "flows") return x.flows < y.flows;
    if (g.sort == "last_seen") return x.last_seen < y.last_seen;
    if (g.sort == "name") return name(a) < name(b);
    return x.bytes() < y.bytes();
  };
  const auto shown = page(std::move(rows), g, less, [&](const Stats& e) { return name(e); });
  ApiResult r;
  JsonWriter w(r.body);
  w.beginObject();
  pagingFields(w, total, g);
  w.key(what).beginArray();
  for (const Stats* e : shown) write(w, *e);
  w.endArray().endObject();
  return r;
}

uint32_t countryEntity(const HostGeo& g) { return g.country_entity == kNoCountryEntity ? kNoGeoEntity : g.country_entity; }

ApiResult noLiveTables() { return apiError(503, "this answer needs the interface's live tables"); }

// Built with append: GCC 12's -O3 warns falsely (-Wrestrict) on "literal" + std::string.
std::string asKey(const AsStats& a, const GeoDatabases* db) {
  std::string k("AS");
  k.append(std::to_string(a.asn));
  if (db) k.append(" ").append(db->text(a.name));
  return k;
}

std::string countryKey(const CountryStats& c, const GeoDatabases* db) {
  std::string k(c.code, 2);
  if (db && !c.name.empty()) k.append(" ").append(db->text(c.name));
  return k;
}

}  // namespace

ApiResult apiAsns(const QueryView& s, const Params& p, const Visibility& v) {
  if (!s.live) return noLiveTables();
  return guarded([&] {
    const auto& all = s.live->geo().asns();
    std::vector<AsStats> limited;
    if (v.address) limited = visibleEntities(s, v, all, [](const HostGeo& g) { return g.as_entity; });
    const GeoDatabases* db = s.summary.enrich ? s.summary.enrich->geo.get() : nullptr;
    // Sorted by name: the AS's organisation; searched by number or organisation.
    return entityList(p, v.address ? limited : all, "asns",
                      [&](const AsStats& a) { return asKey(a, db); },
                      [&](JsonWriter& w, const AsStats& a) { writeAsJson(w, a, s.live->geo(), s.summary); });
  });
}

ApiResult apiAsn(const QueryView& s, const std::string& text, const Visibility& v) {
  if (!s.live) return noLiveTables();
  std::string digits = text;
  if (digits.size() > 2 && (digits[0] == 'A' || digits[0] == 'a') && (digits[1] == 'S' || digits[1] == 's')) digits = digits.substr(2);
  uint64_t asn = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), asn);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() || asn == 0 || asn > 4294967295ULL)
    return apiError(400, "'" + text + "' is not an AS number");
  const auto& all = s.live->geo().asns();
  std::vector<AsStats> limited;
  if (v.address) limited = visibleEntities(s, v, all, [](const HostGeo& g) { return g.as_entity; });
  for (const AsStats& a : v.address ? limited : all) {
    if (a.asn != asn) continue;
    ApiResult r;
    JsonWriter w(r.body);
    writeAsJson(w, a, s.live->geo(), s.summary);
    return r;
  }
  return apiError(404, "no host of AS" + std::to_string(asn) + " seen on this interface");
}

ApiResult apiCountries(const QueryView& s, const Params& p, const Visibility& v) {
  if (!s.live) return noLiveTables();
  return guarded([&] {
    const auto& all = s.live->geo().countries();
    std::vector<CountryStats> limited;
    if (v.address) limited = visibleEntities(s, v, all, countryEntity);
    const GeoDatabases* db = s.summary.enrich ? s.summary.enrich->geo.get() : nullptr;
    return entityList(p, v.address ? limited : all, "countries",
                      [&](const CountryStats& c) { return countryKey(c, db); },
                      [&](JsonWriter& w, const CountryStats& c) { writeCountryJson(w, c, s.live->geo(), s.summary); });
  });
}

ApiResult apiCountry(const QueryView& s, const std::string& code, const Visibility& v) {
  if (!s.live) return noLiveTables();
  if (code.size() != 2 || !std::isalpha(uint8_t(code[0])) || !std::isalpha(uint8_t(code[1])))
    return apiError(400, "'" + code + "' is not a two-letter country code");
  const char c0 = char(std::toupper(uint8_t(code[0]))), c1 = char(std::toupper(uint8_t(code[1])));
  const auto& all = s.live->geo().countries();
  std::vector<CountryStats> limited;
  if (v.address) limited = visibleEntities(s, v, all, countryEntity);
  for (const CountryStats& c : v.address ? limited : all) {
    if (c.code[0] != c0 || c.code[1] != c1) continue;
    ApiResult r;
    JsonWriter w(r.body);
    writeCountryJson(w, c, s.live->geo(), s.summary);
    return r;
  }
  return apiError(404, "no host of country " + std::string{c0, c1} + " seen on this interface");
}

ApiResult apiGeoMap(const QueryView& s, const Params& p, const Visibility& v) {
  if (!s.live) return noLiveTables();
  return guarded([&] {
    const uint64_t max_hosts = numberParam(p, "hosts", 500, 1, 5000);
    const uint64_t max_flows = numberParam(p, "flows", 300, 0, 5000);
    // home=LAT,LON: where local hosts without a location of their own (private addresses) are
    // drawn, so that their flows to the world show.
    std::optional<std::pair<double, double>> home;
    if (const std::string* h = param(p, "home")) {
      double lat = 0, lon = 0;
      const char* b = h->data();
      const char* e = b + h->size();
      auto [m, ec1] = std::from_chars(b, e, lat);
      if (ec1 == std::errc() && m < e && *m == ',') {
        auto [end, ec2] = std::from_chars(m + 1, e, lon);
        if (ec2 == std::errc() && end == e && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) home = std::pair(lat, lon);
      }
      if (!home) throw BadRequest{"parameter 'home' must be LATITUDE,LONGITUDE in degrees, not '" + *h + "'"};
    }
    auto placed = [&](const Host& h) { return h.geo.info.has_location || (home && h.local); };
    auto latOf = [&](const Host& h) { return h.geo.info.has_location ? geoDegrees(h.geo.info.latitude) : home->first; };
    auto lonOf = [&](const Host& h) { return h.geo.info.has_location ? geoDegrees(h.geo.info.longitude) : home->second; };
    std::vector<const Host*> located;
    uint64_t total = 0;
    for (const Host& h : s.hosts) {
      if (!v.sees(h.key.ip)) continue;
      ++total;
      if (placed(h)) located.push_back(&h);
    }
    auto bytes = [](const Host* h) { return h->sent.bytes + h->received.bytes; };
    const size_t k = std::min<size_t>(max_hosts, located.size());
    std::partial_sort(located.begin(), located.begin() + long(k), located.end(),
                      [&](const Host* a, const Host* b) { return bytes(a) > bytes(b); });
    // Flows between located hosts, largest first.
    struct Line {
      uint64_t bytes;
      const Flow* flow;
      const Host* cli;
      const Host* srv;
    };
    std::vector<Line> lines;
    for (const Flow& f : s.flows) {
      const Host* cli = s.live->host(f.client_host);
      const Host* srv = s.live->host(f.server_host);
      if (!cli || !srv || cli == srv || !placed(*cli) || !placed(*srv)) continue;
      if (!v.sees(cli->key.ip) && !v.sees(srv->key.ip)) continue;
      lines.push_back({f.c2s.traffic.bytes + f.s2c.traffic.bytes, &f, cli, srv});
    }
    const size_t kf = std::min<size_t>(max_flows, lines.size());
    std::partial_sort(lines.begin(), lines.begin() + long(kf), lines.end(),
                      [](const Line& a, const Line& b) { return a.bytes > b.bytes || (a.bytes == b.bytes && a.flow->id < b.flow->id); });
    ApiResult r;
    JsonWriter w(r.body);
    w.beginObject().field("hosts_total", total).field("hosts_located", uint64_t(located.size()));
    w.field("flows_located", uint64_t(lines.size()));
    w.key("hosts").beginArray();
    for (size_t i = 0; i < k; ++i) {
      const Host& h = *located[i];
      w.beginObject().field("ip", ipText(h.key.ip)).field("vlan", h.key.vlan).field("local", h.local);
      writeHostGeoJson(w, h.geo.info, s.summary);
      if (!h.geo.info.has_location) w.field("latitude", latOf(h)).field("longitude", lonOf(h)).field("at_home", true);
      w.field("bytes", bytes(&h)).field("active_flows", h.active_flows).endObject();
    }
    w.endArray().key("flows").beginArray();
    std::string scratch;
    for (size_t i = 0; i < kf; ++i) {
      const Line& l = lines[i];
      w.beginObject().field("id", l.flow->id);
      w.field("client_ip", ipText(l.cli->key.ip)).field("server_ip", ipText(l.srv->key.ip));
      w.key("client").beginArray().value(latOf(*l.cli)).value(lonOf(*l.cli)).endArray();
      w.key("server").beginArray().value(latOf(*l.srv)).value(lonOf(*l.srv)).endArray();
      w.field("bytes", l.bytes).field("app", s.summary.names->fullName(l.flow->app, scratch)).endObject();
    }
    w.endArray().endObject();
    return r;
  });
}

}  // namespace netlens::web
