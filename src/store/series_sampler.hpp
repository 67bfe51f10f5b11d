#pragma once
// SeriesSampler: the packet-thread side of the time series. On each engine tick it copies the
// interface's counters (every second), its minute counters (every minute) and the local hosts'
// counters (every host step) into a batch for the writer. Packet time for files, wall time for
// live sources: the engine's clock decides which second ended.
#include <array>
#include <vector>

#include "engine/tick_observer.hpp"
#include "store/series_batch.hpp"

namespace netlens::store {

class SeriesSampler : public TickObserver {
 public:
  // is_file: the input is a capture file (its end completes the consolidated rows).
  SeriesSampler(uint32_t iface, SeriesQueue& queue, uint32_t host_step, bool is_file, bool activity = true)
      : iface_(iface), queue_(queue), host_step_(host_step), is_file_(is_file), activity_(activity) {}
  void secondEnded(const NetworkInterface& iface, const TickInfo& tick) override;

 private:
  void sampleMinute(const NetworkInterface& iface, uint32_t start, SeriesBatch& b);
  void sampleHosts(const NetworkInterface& iface, uint32_t start, SeriesBatch& b);

  uint32_t iface_;
  SeriesQueue& queue_;
  uint32_t host_step_;
  bool is_file_;
  bool activity_;
  bool started_ = false;
  uint32_t last_second_ = 0;
  uint64_t prev_bytes_ = 0, prev_packets_ = 0, prev_drops_ = 0;
  std::vector<uint64_t> prev_app_bytes_;
  std::array<uint64_t, 256> prev_l4_bytes_{};
};

}  // namespace netlens::store
