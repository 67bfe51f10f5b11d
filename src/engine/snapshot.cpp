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

void SnapshotChannel::serve(const NetworkInterface& iface) {
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
