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

std::shared_ptr<const InterfaceSnapshot> SnapshotChannel::get(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const auto fresh = [&] {
    return latest_ && wallClockMicros() - latest_->taken_wall <= Micros(freshness_.count()) * 1000;
  };
  if (fresh()) return latest_;
  const uint64_t asked_at = generation_;
  wanted_.store(true, std::memory_order_relaxed);
  cv_.wait_for(lock, timeout, [&] { return generation_ != asked_at; });
  return latest_;
}

void SnapshotChannel::serve(const NetworkInterface& iface) {
  if (!wanted_.exchange(false, std::memory_order_relaxed)) return;
  auto snap = takeSnapshot(iface);
  {
    std::lock_guard lock(mu_);
    latest_ = std::move(snap);
    ++generation_;
  }
  cv_.notify_all();
}

}  // namespace netlens
