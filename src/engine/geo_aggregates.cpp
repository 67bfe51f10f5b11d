#include "engine/geo_aggregates.hpp"


namespace netlens {

GeoAggregates::GeoAggregates(std::shared_ptr<const Enrichment> enrich) : enrich_(std::move(enrich)) {
  enabled_ = enrich_ && enrich_->geo && !enrich_->geo->empty();
  country_index_.fill(kNoCountryEntity);
  if (enabled_) {
    as_direct_.assign(size_t(1) << 19, 0);
    cache_.prepare();  // here, at start: not on the packet thread's first lookups
  }
}

void GeoAggregates::lookupBatch(size_t n, Micros now) {
  if (n == 0) return;
  enrich_->geo->lookupBatch(batch_ip_.data(), n, batch_info_.data(), batch_names_.data(), &cache_);
  stats_.lookups += n;
  for (size_t k = 0; k < n; ++k) {
    batch_geo_[k]->info = batch_info_[k];
    assign(*batch_geo_[k], batch_names_[k], now);
  }
}

void GeoAggregates::assign(HostGeo& g, const GeoText& country_name, Micros now) {
  if (g.info.hasCountry() || g.info.has_location) ++stats_.located;
  auto touch = [now](GeoEntityTotals& t) {
    ++t.hosts;
    ++t.hosts_seen;
    if (t.first_seen == 0) t.first_seen = now;
    t.settled_last_seen = now;
  };
  if (g.info.asn != 0) {
    ++stats_.with_asn;
    uint32_t* slot = nullptr;
    if (g.info.asn < as_direct_.size()) {
      slot = &as_direct_[g.info.asn];
    } else {
      auto [it, added] = as_index_.try_emplace(g.info.asn, 0);
      slot = &it->second;
    }
    if (*slot == 0) {
      AsStats& a = asns_.emplace_back();
      a.asn = g.info.asn;
      a.name = g.info.as_name;
      *slot = uint32_t(asns_.size());
    }
    g.as_entity = *slot - 1;
    touch(asns_[g.as_entity].totals);
  }
  if (g.info.hasCountry()) {  // two letters A-Z (GeoDatabases checks)
    uint16_t& slot = country_index_[size_t(g.info.country[0] - 'A') * 26 + size_t(g.info.country[1] - 'A')];
    if (slot == kNoCountryEntity) {
      slot = uint16_t(countries_.size());
      CountryStats& c = countries_.emplace_back();
      c.code[0] = g.info.country[0];
      c.code[1] = g.info.country[1];
    }
    g.country_entity = slot;
    CountryStats& c = countries_[g.country_entity];
    if (c.name.empty()) c.name = country_name;
    touch(c.totals);
  }
}

void GeoAggregates::hostRemoved(const HostGeo& g, const TrafficCounter& sent, const TrafficCounter& received,
                                Micros last_seen) {
  auto leave = [&](GeoEntityTotals& t) {
    if (t.hosts > 0) --t.hosts;
    t.settled_sent.add(sent);
    t.settled_received.add(received);
    if (last_seen > t.settled_last_seen) t.settled_last_seen = last_seen;
  };
  if (g.as_entity != kNoGeoEntity) leave(asns_[g.as_entity].totals);
  if (g.country_entity != kNoCountryEntity) leave(countries_[g.country_entity].totals);
}

void GeoAggregates::hostRestored(const HostGeo& g, const TrafficCounter& sent, const TrafficCounter& received) {
  auto take = [](TrafficCounter& from, const TrafficCounter& t) {
    from.packets -= std::min(from.packets, t.packets);
    from.bytes -= std::min(from.bytes, t.bytes);
  };
  auto back = [&](GeoEntityTotals& t) {
    take(t.settled_sent, sent);
    take(t.settled_received, received);
  };
  if (g.as_entity != kNoGeoEntity) back(asns_[g.as_entity].totals);
  if (g.country_entity != kNoCountryEntity) back(countries_[g.country_entity].totals);
}

void GeoAggregates::appTraffic(const HostGeo* client, const HostGeo* server, uint16_t app, const TrafficCounter& t) {
  GeoAppTable::Credit credits[4];
  size_t n = 0;
  const uint32_t ca = client ? client->as_entity : kNoGeoEntity, sa = server ? server->as_entity : kNoGeoEntity;
  if (ca != kNoGeoEntity) credits[n++] = {GeoKind::As, ca};
  if (sa != kNoGeoEntity && sa != ca) credits[n++] = {GeoKind::As, sa};
  const uint16_t cc = client ? client->country_entity : kNoCountryEntity, sc = server ? server->country_entity : kNoCountryEntity;
  if (cc != kNoCountryEntity) credits[n++] = {GeoKind::Country, cc};
  if (sc != kNoCountryEntity && sc != cc) credits[n++] = {GeoKind::Country, sc};
  apps_.add(credits, n, app, t);
}

// ---- GeoAppTable ----------------------------------------------------------------------------

void GeoAppTable::add(const Credit* credits, size_t n, uint16_t app, const TrafficCounter& t) {
  if (n == 0) return;
  if ((used_ + n) * 2 > slots_.size()) grow();
  // The first slot of every key asked for before any is read: their misses overlap.
  for (size_t i = 0; i < n; ++i) __builtin_prefetch(&slots_[slotOf(keyOf(credits[i].kind, credits[i].entity, app))]);
  for (size_t i = 0; i < n; ++i) counter(uint64_t(credits[i].kind) << 32 | credits[i].entity, app).add(t);
}

TrafficCounter& GeoAppTable::counter(uint64_t entity_key, uint16_t app) {
  const auto kind = GeoKind(entity_key >> 32);
  const auto entity = uint32_t(entity_key);
  const uint64_t key = keyOf(kind, entity, app);
  const size_t mask = slots_.size() - 1;
  size_t i = slotOf(key);
  while (slots_[i].key != key) {
    if (slots_[i].key == kEmpty) {
      auto& heads = heads_[size_t(kind)];
      if (entity >= heads.size()) heads.resize(std::max<size_t>(size_t(entity) + 1, heads.size() * 2), kEnd);
      slots_[i].key = key;
      slots_[i].next = heads[entity];
      heads[entity] = uint32_t(i);
      ++used_;
      break;
    }
    i = (i + 1) & mask;
  }
  return slots_[i].traffic;
}

void GeoAppTable::grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(old.size() * 2, Slot{});
  used_ = 0;
  for (auto& h : heads_) h.assign(h.size(), kEnd);
  for (const Slot& s : old)
    if (s.key != kEmpty) counter(s.key >> 16, uint16_t(s.key)) = s.traffic;
}

std::vector<std::pair<uint16_t, TrafficCounter>> GeoAppTable::list(GeoKind kind, uint32_t entity) const {
  std::vector<std::pair<uint16_t, TrafficCounter>> out;
  forEach(kind, entity, [&](uint16_t app, const TrafficCounter& t) { out.emplace_back(app, t); });
  return out;
}

}  // namespace netlens
