#include "web/api_timeseries.hpp"

#include <httplib.h>

#include <algorithm>
#include <charconv>

#include "core/json_writer.hpp"
#include "store/series_summary.hpp"
#include "store/timeseries_store.hpp"
#include "web/api_v1.hpp"
#include "web/web_auth.hpp"
#include "web/web_routes.hpp"

namespace netlens::web {

namespace {

// A non-negative integer parameter; `fallback` when absent; nullopt when malformed.
std::optional<uint64_t> number(const httplib::Request& req, const char* name, uint64_t fallback) {
  if (!req.has_param(name)) return fallback;
  const std::string v = req.get_param_value(name);
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return n;
}

struct Entity {
  uint32_t iface = 0;
  store::SeriesRef ref;  // kind, key; metric filled by the caller
  std::string metric_prefix;  // app:/l4: entities name one metric of the interface
};

// "interface:ID", "host:ID/IP[@VLAN]", "app:ID/NAME", "l4:ID/NAME".
std::optional<Entity> parseEntity(const std::string& text, const std::vector<WebInterface>& ifaces, std::string* error) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) {
    *error = "entity must be interface:ID, host:ID/IP, app:ID/NAME or l4:ID/NAME";
    return std::nullopt;
  }
  const std::string kind = text.substr(0, colon), rest = text.substr(colon + 1);
  const auto slash = rest.find('/');
  const std::string id_text = rest.substr(0, slash);
  Entity e;
  auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), e.iface);
  if (id_text.empty() || ec != std::errc() || end != id_text.data() + id_text.size() || e.iface >= ifaces.size() ||
      !WebAuth::current().user.canSeeInterface(ifaces[e.iface].name)) {
    *error = "no interface " + id_text + " (see /api/v1/interfaces)";
    return std::nullopt;
  }
  const std::string name = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (kind == "interface" && slash == std::string::npos) {
    e.ref.kind = "interface";
  } else if (kind == "host" && !name.empty()) {
    auto key = store::parseHostKeyText(name);
    if (!key) {
      *error = "'" + name + "' is not an IP address (optionally @VLAN)";
      return std::nullopt;
    }
    if (!WebAuth::visibility().sees(key->ip)) {
      *error = "no host " + name;
      return std::nullopt;
    }
    e.ref.kind = "host";
    e.ref.key = store::hostKeyText(*key);
  } else if ((kind == "app" || kind == "l4") && !name.empty()) {
    e.ref.kind = "interface";
    e.metric_prefix = kind + ":" + name;
  } else {
    *error = "entity must be interface:ID, host:ID/IP, app:ID/NAME or l4:ID/NAME";
    return std::nullopt;
  }
  return e;
}

void writePoints(JsonWriter& w, const store::SeriesData& d) {
  w.key("points").beginArray();
  for (const auto& [t, v] : d.points) {
    w.beginArray().value(t);
    if (std::isnan(v)) w.null();
    else w.value(v);
    w.endArray();
  }
  w.endArray();
}

void writeSummary(JsonWriter& w, const store::SeriesSummary& s) {
  w.key("summary").beginObject();
  w.key("total");
  if (s.total) w.value(uint64_t(*s.total));
  else w.null();
  w.field("average", s.average).field("p95", s.p95).field("points", uint64_t(s.points));
  w.key("min");
  if (s.points) w.beginObject().field("value", s.min).field("time", s.min_time).endObject();
  else w.null();
  w.key("max");
  if (s.points) w.beginObject().field("value", s.max).field("time", s.max_time).endObject();
  else w.null();
  w.endObject();
}

// A fetch where only the length of the range may be known: the end comes from the data.
std::optional<store::SeriesData> fetchSpan(const store::TimeseriesStore& ts, uint32_t iface, const store::SeriesRef& ref,
                                           uint32_t from, uint32_t to, std::optional<uint64_t> span, uint32_t resolution,
                                           std::string* error) {
  if (!span) return ts.fetch(iface, ref, from, to, resolution, error);
  if (to == 0) {
    auto probe = ts.fetch(iface, ref, 0, 0, 3600, error);  // learns where the data ends
    if (!probe) return probe;
    to = probe->to;
  }
  return ts.fetch(iface, ref, to > *span ? uint32_t(to - *span) : 1, to, resolution, error);
}

ApiResult seriesAnswer(const store::TimeseriesStore& ts, const std::vector<WebInterface>& ifaces, const httplib::Request& req) {
  std::string error;
  auto entity = parseEntity(req.get_param_value("entity"), ifaces, &error);
  if (!entity) return apiError(req.has_param("entity") ? 404 : 400, req.has_param("entity") ? error : "entity is required");
  auto from = number(req, "from", 0);
  const auto to = number(req, "to", 0), resolution = number(req, "resolution", 0), top = number(req, "top", 10),
             span = number(req, "span", 0);
  if (!from || !to || !resolution || !top || !span || *from > UINT32_MAX || *to > UINT32_MAX ||
      *resolution > 86400 * 7 || *span > 400ULL * 86400)
    return apiError(400, "from, to (seconds since the epoch), span and resolution (seconds) and top must be whole numbers");
  // span without from: the last `span` seconds before `to` (the end of the data by default).
  std::optional<uint64_t> span_only;
  if (*span && !req.has_param("from")) span_only = *span;
  if (*to && *from && *from >= *to) return apiError(400, "from must be before to");
  std::string metric = req.get_param_value("metric");
  if (!entity->metric_prefix.empty()) {
    if (!metric.empty() && metric != "bytes") return apiError(404, "an application or L4 protocol has the metric bytes only");
    metric = entity->metric_prefix;
  }
  ApiResult r;
  JsonWriter w(r.body);
  const std::string entity_text = req.get_param_value("entity");
  if (metric.empty()) {
    w.beginObject().field("entity", entity_text).key("metrics").beginArray();
    for (const std::string& m : ts.metrics(entity->iface, entity->ref.kind, entity->ref.key)) w.value(m);
    w.endArray().endObject();
    return r;
  }
  auto describe = [](JsonWriter& w, const store::SeriesData& d) {
    w.field("unit", d.unit).field("kind", d.gauge ? "gauge" : "counter").field("step", d.step);
    w.field("from", d.from).field("to", d.to).field("last_update", d.last_update).field("data_start", d.data_start).field("data_end", d.data_end);
  };
  // Several series at once (stacked charts): the entity's applications or L4 protocols.
  if (metric == "app:*" || metric == "l4:*") {
    const std::string prefix = metric.substr(0, metric.size() - 1);
    struct One {
      std::string metric;
      store::SeriesData data;
      store::SeriesSummary summary;
    };
    std::vector<One> all;
    for (const std::string& m : ts.metrics(entity->iface, entity->ref.kind, entity->ref.key)) {
      if (m.compare(0, prefix.size(), prefix) != 0) continue;
      store::SeriesRef ref = entity->ref;
      ref.metric = m;
      auto d = fetchSpan(ts, entity->iface, ref, uint32_t(*from), uint32_t(*to), span_only, uint32_t(*resolution), &error);
      if (!d) continue;
      auto s = store::summarize(d->points, d->step, d->gauge);
      all.push_back({m, std::move(*d), s});
    }
    std::sort(all.begin(), all.end(), [](const One& a, const One& b) { return a.summary.total.value_or(0) > b.summary.total.value_or(0); });
    size_t shown = 0;
    w.beginObject().field("entity", entity_text).field("metric", metric);
    if (!all.empty()) describe(w, all.front().data);
    w.key("series").beginArray();
    for (const One& o : all) {
      if (shown++ >= *top || o.summary.total.value_or(0) == 0) break;
      w.beginObject().field("metric", o.metric);
      writePoints(w, o.data);
      writeSummary(w, o.summary);
      w.endObject();
    }
    w.endArray().endObject();
    return r;
  }
  store::SeriesRef ref = entity->ref;
  ref.metric = metric;
  auto d = fetchSpan(ts, entity->iface, ref, uint32_t(*from), uint32_t(*to), span_only, uint32_t(*resolution), &error);
  if (!d) return apiError(404, error);
  w.beginObject().field("entity", entity_text).field("metric", metric);
  describe(w, *d);
  writePoints(w, *d);
  writeSummary(w, store::summarize(d->points, d->step, d->gauge));
  w.endObject();
  return r;
}

ApiResult activityAnswer(const store::TimeseriesStore& ts, const std::vector<WebInterface>& ifaces,
                         const httplib::Request& req) {
  const std::string id_text = req.matches[1];
  uint32_t id = 0;
  std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (id >= ifaces.size() || !WebAuth::current().user.canSeeInterface(ifaces[id].name))
    return apiError(404, "no interface " + id_text + " (see /api/v1/interfaces)");
  const auto from = number(req, "from", 0), to = number(req, "to", 0), limit = number(req, "limit", 50);
  if (!from || !to || !limit || *from > UINT32_MAX || *to > UINT32_MAX || *limit > 10000)
    return apiError(400, "from, to (seconds since the epoch) and limit (at most 10000) must be whole numbers");
  if (*to < *from || *to - *from > 7 * 86400) return apiError(400, "to must be after from, at most 7 days later");
  std::vector<HostKey> keys;
  const Visibility vis = WebAuth::visibility();
  std::string list = req.get_param_value("hosts");
  for (size_t pos = 0; pos < list.size();) {
    const size_t comma = std::min(list.find(',', pos), list.size());
    const std::string item = list.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) continue;
    auto k = store::parseHostKeyText(item);
    if (!k) return apiError(400, "'" + item + "' is not an IP address (optionally @VLAN)");
    if (vis.sees(k->ip)) keys.push_back(*k);
  }
  if (keys.size() > 1000) return apiError(400, "at most 1000 hosts at once");
  if (!list.empty() && keys.empty()) return apiError(404, "none of these hosts is visible to you");
  auto hosts = ts.activity(id)->query(keys, uint32_t(*from), uint32_t(*to), list.empty() ? size_t(*limit) * 4 : keys.size());
  ApiResult r;
  JsonWriter w(r.body);
  w.beginObject().field("interface", id).field("from", uint32_t(*from)).field("to", uint32_t(*to)).field("resolution", 1);
  w.key("hosts").beginArray();
  size_t n = 0;
  for (const store::HostActivity& h : hosts) {
    if (!vis.sees(h.key.ip)) continue;
    if (list.empty() && n++ >= *limit) break;
    w.beginObject().field("host", store::hostKeyText(h.key)).field("ip", h.key.ip.toString()).field("vlan", h.key.vlan);
    w.field("active_seconds", h.seconds).key("runs").beginArray();
    for (const auto& [start, len] : h.runs) w.beginArray().value(start).value(len).endArray();
    w.endArray().endObject();
  }
  w.endArray().endObject();
  return r;
}

}  // namespace

void registerTimeseriesRoutes(httplib::Server& s, const std::vector<WebInterface>& interfaces,
                              const store::TimeseriesStore* ts) {
  auto disabled = [](httplib::Response& res) { send(res, apiError(404, "time series are off (--no-timeseries, or --shutdown-when-done without --timeseries)")); };
  s.Get("/api/v1/timeseries", [&interfaces, ts, disabled](const httplib::Request& req, httplib::Response& res) {
    if (!ts) return disabled(res);
    send(res, seriesAnswer(*ts, interfaces, req));
  });
  s.Get("/api/v1/timeseries/status", [&interfaces, ts, disabled](const httplib::Request&, httplib::Response& res) {
    if (!ts) return disabled(res);
    const store::WriterStats st = ts->stats();
    ApiResult r;
    JsonWriter w(r.body);
    w.beginObject().field("directory", ts->config().dir).field("host_step", ts->config().host_step);
    w.key("tiers").beginArray();
    for (const store::Tier& t : ts->config().tiers) w.beginObject().field("resolution", t.resolution).field("keep", t.keep).endObject();
    w.endArray();
    w.key("queue").beginObject().field("samples", st.queued_samples).field("limit", st.queue_limit).field("peak", st.queue_peak)
        .field("batches", st.batches).field("dropped_batches", st.dropped_batches).field("dropped_samples", st.dropped_samples)
        .endObject();
    w.key("writer").beginObject().field("idle", ts->idle()).field("rrd_updates", st.rrd_updates)
        .field("rrd_update_calls", st.rrd_update_calls).field("files_created", st.files_created)
        .field("skipped_past", st.skipped_past).field("errors", st.errors).field("last_error", st.last_error)
        .field("busy_seconds", st.writer_busy_seconds).endObject();
    w.key("interfaces").beginArray();
    for (size_t i = 0; i < interfaces.size(); ++i) {
      if (!WebAuth::current().user.canSeeInterface(interfaces[i].name)) continue;
      w.beginObject().field("id", uint32_t(i)).field("name", interfaces[i].name)
          .field("bytes_on_disk", ts->bytesOnDisk(uint32_t(i))).field("activity_bytes_on_disk", ts->activity(uint32_t(i))->bytesOnDisk())
          .endObject();
    }
    w.endArray().endObject();
    send(res, r);
  });
  s.Get(R"(/api/v1/interfaces/(\d+)/activity)", [&interfaces, ts, disabled](const httplib::Request& req, httplib::Response& res) {
    if (!ts) return disabled(res);
    send(res, activityAnswer(*ts, interfaces, req));
  });
}

}  // namespace netlens::web
