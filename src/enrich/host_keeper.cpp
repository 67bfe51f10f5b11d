#include "enrich/host_keeper.hpp"

namespace netlens::enrich {

HostKeeper::HostKeeper(NameStore* store, int64_t keep_s, size_t max_queue)
    : store_(store), keep_s_(keep_s), max_queue_(max_queue), thread_([this] { work(); }) {}

HostKeeper::~HostKeeper() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool HostKeeper::save(const std::string& iface, const IpAddress& ip, uint16_t vlan, const HostState& s) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= max_queue_) {
      ++dropped_;
      return false;
    }
    queue_.push_back(Op{true, iface, ip, vlan, s, nullptr});
  }
  cv_.notify_one();
  return true;
}

bool HostKeeper::load(const std::string& iface, const IpAddress& ip, uint16_t vlan, std::shared_ptr<HostStates> to) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= max_queue_) {
      ++dropped_;
      return false;
    }
    queue_.push_back(Op{false, iface, ip, vlan, {}, std::move(to)});
  }
  cv_.notify_one();
  return true;
}

uint64_t HostKeeper::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

void HostKeeper::work() {
  for (;;) {
    Op op;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      // Saves still queued at shutdown are written (hosts purged just before the end).
      if (queue_.empty()) return;
      op = std::move(queue_.front());
      queue_.pop_front();
    }
    if (op.save) {
      store_->saveHost(op.iface, op.ip, op.vlan, op.state, keep_s_);
    } else if (auto s = store_->takeHost(op.iface, op.ip, op.vlan)) {
      op.to->push({op.ip, op.vlan, *s});
    }
  }
}

}  // namespace netlens::enrich
