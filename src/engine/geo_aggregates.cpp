#include "engine/geo_aggregates.hpp"

#include <chrono>

namespace netlens {

GeoAggregates::GeoAggregates(std::shared_ptr<const Enrichment> enrich) : enrich_(std::move(enrich)) {
  enabled_ = enrich_ && enrich_->geo && !enrich_->geo->empty();
  if (enabled_) {
    cache_.records.reserve(1 << 12);
    cache_.prefixes.reserve(1 << 14);
  }
}

void GeoAggregates::hostCreated(HostGeo& g, const IpAddress& ip, Micros now) {
  if (!enabled_) return;
  const auto started = std::chrono::steady_clock::now();
  const uint64_t hits_before = cache_.hits, prefix_hits_before = cache_.prefix_hits;
  GeoText country_name;
  g.info = enrich_->geo->lookup(ip, &cache_, &country_name);
  ++stats_.lookups;
  stats_.cache_hits += cache_.hits - hits_before;
  stats_.prefix_hits += cache_.prefix_hits - prefix_hits_before;
  if (g.info.hasCountry() || g.info.has_location) ++stats_.located;
  auto touch = [now](GeoEntityTotals& t) {
    ++t.hosts;
    ++t.hosts_seen;
    if (t.first_seen == 0) t.first_seen = now;
    t.last_seen = now;
  };
  if (g.info.asn != 0) {
    ++stats_.with_asn;
    auto [it, added] = as_index_.emplace(g.info.asn, uint32_t(asns_.size()));
    if (added) {
      AsStats& a = asns_.emplace_back();
      a.asn = g.info.asn;
      a.name = g.info.as_name;
    }
    g.as_entity = it->second;
    touch(asns_[g.as_entity].totals);
  }
  if (g.info.hasCountry()) {
    auto [it, added] = country_index_.emplace(g.info.countryKey(), uint32_t(countries_.size()));
    if (added) {
      CountryStats& c = countries_.emplace_back();
      c.code[0] = g.info.country[0];
      c.code[1] = g.info.country[1];
    }
    g.country_entity = it->second;
    CountryStats& c = countries_[g.country_entity];
    if (c.name.empty()) c.name = country_name;
    touch(c.totals);
  }
  stats_.nanoseconds +=
      uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count());
}

void GeoAggregates::hostRemoved(const HostGeo& g) {
  if (g.as_entity != kNoGeoEntity && asns_[g.as_entity].totals.hosts > 0) --asns_[g.as_entity].totals.hosts;
  if (g.country_entity != kNoGeoEntity && countries_[g.country_entity].totals.hosts > 0)
    --countries_[g.country_entity].totals.hosts;
}

void GeoAggregates::flowCreated(const HostGeo* client, const HostGeo* server) {
  const uint32_t ca = client ? client->as_entity : kNoGeoEntity, sa = server ? server->as_entity : kNoGeoEntity;
  if (ca != kNoGeoEntity) ++asns_[ca].totals.flows;
  if (sa != kNoGeoEntity && sa != ca) ++asns_[sa].totals.flows;
  const uint32_t cc = client ? client->country_entity : kNoGeoEntity, sc = server ? server->country_entity : kNoGeoEntity;
  if (cc != kNoGeoEntity) ++countries_[cc].totals.flows;
  if (sc != kNoGeoEntity && sc != cc) ++countries_[sc].totals.flows;
}

void GeoAggregates::traffic(const HostGeo& g, const TrafficCounter& sent, const TrafficCounter& received, Micros last_seen) {
  auto add = [&](GeoEntityTotals& t) {
    t.sent.add(sent);
    t.received.add(received);
    if (last_seen > t.last_seen) t.last_seen = last_seen;
  };
  if (g.as_entity != kNoGeoEntity) add(asns_[g.as_entity].totals);
  if (g.country_entity != kNoGeoEntity) add(countries_[g.country_entity].totals);
}

void GeoAggregates::appTraffic(const HostGeo* client, const HostGeo* server, uint16_t app, const TrafficCounter& t) {
  const uint32_t ca = client ? client->as_entity : kNoGeoEntity, sa = server ? server->as_entity : kNoGeoEntity;
  if (ca != kNoGeoEntity) asns_[ca].totals.app(app).add(t);
  if (sa != kNoGeoEntity && sa != ca) asns_[sa].totals.app(app).add(t);
  const uint32_t cc = client ? client->country_entity : kNoGeoEntity, sc = server ? server->country_entity : kNoGeoEntity;
  if (cc != kNoGeoEntity) countries_[cc].totals.app(app).add(t);
  if (sc != kNoGeoEntity && sc != cc) countries_[sc].totals.app(app).add(t);
}

}  // namespace netlens
