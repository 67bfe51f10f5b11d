#include "store/series_sampler.hpp"

#include "engine/network_interface.hpp"

namespace netlens::store {

namespace {
uint64_t drops(const InterfaceStats& s) { return s.kernel_drops + s.interface_drops + s.engine_drops; }
uint64_t since(uint64_t now, uint64_t before) { return now >= before ? now - before : now; }  // counters reset: all new
}  // namespace

void SeriesSampler::secondEnded(const NetworkInterface& iface, const TickInfo& tick) {
  if (started_ && tick.second <= last_second_) return;  // already written (finish() after the last tick)
  const InterfaceStats& st = iface.stats();
  auto batch = std::make_unique<SeriesBatch>();
  SeriesBatch& b = *batch;
  b.iface = iface_;
  b.second = tick.second;
  b.has_second = true;
  b.bytes = since(st.received.bytes, prev_bytes_);
  b.packets = since(st.received.packets, prev_packets_);
  prev_bytes_ = st.received.bytes;
  prev_packets_ = st.received.packets;
  if (activity_) {
    b.active_hosts.reserve(tick.active_local_hosts.size());
    for (uint32_t idx : tick.active_local_hosts) b.active_hosts.push_back(iface.host(idx)->key);
  }
  // A step is written once the clock has left it (or at the end of input).
  if (tick.final || tick.second / 60 != tick.now_second / 60) sampleMinute(iface, tick.second / 60 * 60, b);
  if (tick.final || tick.second / host_step_ != tick.now_second / host_step_)
    sampleHosts(iface, tick.second / host_step_ * host_step_, b);
  if (!started_) {
    started_ = true;
    prev_drops_ = 0;
  }
  last_second_ = tick.second;
  b.names = iface.classifier().names();
  b.end_of_file = tick.final && is_file_;
  queue_.offer(std::move(batch));
}

void SeriesSampler::sampleMinute(const NetworkInterface& iface, uint32_t start, SeriesBatch& b) {
  const InterfaceStats& st = iface.stats();
  MinuteSample& m = b.minute.emplace();
  m.start = start;
  m.flows = iface.activeFlows();
  m.hosts = iface.activeHosts();
  m.local_hosts = iface.activeLocalHosts();
  m.drops = since(drops(st), prev_drops_);
  prev_drops_ = drops(st);
  const auto& apps = iface.applications();
  if (prev_app_bytes_.size() < apps.size()) prev_app_bytes_.resize(apps.size());
  for (size_t id = 0; id < apps.size(); ++id) {
    const uint64_t now = apps[id].traffic.bytes;
    if (now != prev_app_bytes_[id]) m.app_bytes.emplace_back(uint16_t(id), since(now, prev_app_bytes_[id]));
    prev_app_bytes_[id] = now;
  }
  for (size_t p = 0; p < st.l4.size(); ++p) {
    const uint64_t now = st.l4[p].bytes;
    if (now != prev_l4_bytes_[p]) m.l4_bytes.emplace_back(uint8_t(p), since(now, prev_l4_bytes_[p]));
    prev_l4_bytes_[p] = now;
  }
}

void SeriesSampler::sampleHosts(const NetworkInterface& iface, uint32_t start, SeriesBatch& b) {
  HostStepSample& hs = b.host_step.emplace();
  hs.start = start;
  hs.step = host_step_;
  hs.hosts.reserve(iface.activeLocalHosts());
  iface.forEachHost([&](const Host& h) {
    if (!h.local_stats) return;
    HostSample& s = hs.hosts.emplace_back();
    s.key = h.key;
    s.first_seen = h.first_seen;
    s.sent_bytes = h.sent.bytes;
    s.rcvd_bytes = h.received.bytes;
    s.packets = h.sent.packets + h.received.packets;
    s.active_flows = h.active_flows;
    s.apps_begin = uint32_t(hs.apps.size());
    for (const auto& [id, t] : h.local_stats->apps) hs.apps.emplace_back(id, t.sent.bytes + t.received.bytes);
    s.apps_end = uint32_t(hs.apps.size());
  });
}

}  // namespace netlens::store
