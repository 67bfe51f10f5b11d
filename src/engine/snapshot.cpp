#include "engine/snapshot.hpp"

namespace netlens {

std::shared_ptr<const InterfaceSnapshot> takeSnapshot(const NetworkInterface& iface, bool with_entries) {
  auto s = std::make_shared<InterfaceSnapshot>();
  s->taken_at = iface.now();
  s->taken_wall = wallClockMicros();
  s->summary = iface.summary();
  if (with_entries) {
    s->flows.reserve(iface.activeFlows());
    iface.forEachFlow([&](const Flow& f) {
      s->flows.push_back(f);
      s->flows.back().inspection = nullptr;
    });
    s->hosts.reserve(iface.activeHosts());
    iface.forEachHost([&](const Host& h) { s->hosts.push_back(h); });
  }
  return s;
}

std::shared_ptr<const InterfaceSnapshot> SnapshotChannel::get(std::chrono::milliseconds timeout, bool entries) {
  std::unique_lock lock(mu_);
  auto& latest = entries ? latest_full_ : latest_summary_;
  const auto fresh = [&] {
    return latest && wallClockMicros() - latest->taken_wall <= Micros(freshness_.count()) * 1000;
  };
  if (fresh()) return latest;
  const uint64_t asked_at = generation_;
  (entries ? want_full_ : want_summary_).store(true, std::memory_order_relaxed);
  // Wait until a snapshot of the kind asked for arrives (a full one serves both kinds).
  cv_.wait_for(lock, timeout, [&] { return generation_ != asked_at && fresh(); });
  return latest;
}

QueryView viewOf(const InterfaceSnapshot& snapshot) {
  QueryView v;
  v.taken_at = snapshot.taken_at;
  v.summary = snapshot.summary;
  v.flows.rows.reserve(snapshot.flows.size());
  for (const Flow& f : snapshot.flows) v.flows.rows.push_back(&f);
  v.hosts.rows.reserve(snapshot.hosts.size());
  for (const Host& h : snapshot.hosts) v.hosts.rows.push_back(&h);
  return v;
}

QueryView liveView(const NetworkInterface& iface, bool flows, bool hosts) {
  QueryView v;
  v.taken_at = iface.now();
  v.summary = iface.summary();
  v.live = &iface;
  if (flows) {
    v.flows.rows.reserve(iface.activeFlows());
    iface.forEachFlow([&](const Flow& f) { v.flows.rows.push_back(&f); });
  }
  if (hosts) {
    v.hosts.rows.reserve(iface.activeHosts());
    iface.forEachHost([&](const Host& h) { v.hosts.rows.push_back(&h); });
  }
  return v;
}

bool SnapshotChannel::run(Job job, std::chrono::milliseconds timeout) {
  auto pending = std::make_shared<PendingJob>();
  pending->job = std::move(job);
  std::unique_lock lock(mu_);
  jobs_.push_back(pending);
  jobs_pending_.store(true, std::memory_order_relaxed);
  return cv_.wait_for(lock, timeout, [&] { return pending->done; });
}

void SnapshotChannel::serve(const NetworkInterface& iface) {
  if (jobs_pending_.exchange(false, std::memory_order_relaxed)) {
    std::vector<std::shared_ptr<PendingJob>> jobs;
    {
      std::lock_guard lock(mu_);
      jobs.swap(jobs_);
    }
    for (auto& j : jobs) j->job(iface);
    {
      std::lock_guard lock(mu_);
      for (auto& j : jobs) j->done = true;
    }
    cv_.notify_all();
  }
  const bool full = want_full_.exchange(false, std::memory_order_relaxed);
  const bool summary = want_summary_.exchange(false, std::memory_order_relaxed);
  if (!full && !summary) return;
  auto snap = takeSnapshot(iface, full);
  {
    std::lock_guard lock(mu_);
    if (full) latest_full_ = snap;
    latest_summary_ = std::move(snap);
    ++generation_;
  }
  cv_.notify_all();
}

}  // namespace netlens
