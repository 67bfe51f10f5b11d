#pragma once
// SettingsChannel: hands runtime settings from the web layer to the packet threads, which
// pick them up between packets (a generation counter makes the check one atomic load).
#include <atomic>
#include <cstdint>
#include <mutex>

#include "engine/engine_config.hpp"

namespace netlens {

class SettingsChannel {
 public:
  void publish(const RuntimeSettings& s) {
    std::lock_guard lock(mu_);
    settings_ = s;
    generation_.fetch_add(1, std::memory_order_release);
  }
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  RuntimeSettings current() const {
    std::lock_guard lock(mu_);
    return settings_;
  }

 private:
  mutable std::mutex mu_;
  RuntimeSettings settings_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace netlens
