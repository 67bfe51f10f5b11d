#pragma once
// What the packet thread hands to the time-series writer at the end of a second: numbers only
// (counters and keys), no paths, no strings, no I/O.
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "core/timestamp.hpp"
#include "engine/host.hpp"
#include "engine/ndpi_classifier.hpp"

namespace netlens::store {

// Interface-level counters of one minute (series with a 60-second step).
struct MinuteSample {
  uint32_t start = 0;  // the minute's first second
  uint32_t flows = 0, hosts = 0, local_hosts = 0;  // gauges at the end of the minute
  uint64_t drops = 0;                               // packets dropped during the minute
  std::vector<std::pair<uint16_t, uint64_t>> app_bytes;  // nDPI protocol id → bytes in the minute
  std::vector<std::pair<uint8_t, uint64_t>> l4_bytes;    // L4 protocol → bytes in the minute
};

// One local host's cumulative counters at the end of a host step (the writer takes differences).
struct HostSample {
  HostKey key;
  Micros first_seen = 0;  // a host that expired and came back starts from zero again
  uint64_t sent_bytes = 0, rcvd_bytes = 0, packets = 0;
  uint32_t active_flows = 0;
  uint32_t apps_begin = 0, apps_end = 0;  // its range in HostStepSample::apps
};

struct HostStepSample {
  uint32_t start = 0;  // the step's first second
  uint32_t step = 300;
  std::vector<HostSample> hosts;
  std::vector<std::pair<uint16_t, uint64_t>> apps;  // cumulative bytes (sent + received) per app
};

struct SeriesBatch {
  uint32_t iface = 0;
  uint32_t second = 0;  // the second that ended
  bool has_second = false;
  uint64_t bytes = 0, packets = 0;  // interface traffic in that second
  std::vector<HostKey> active_hosts;  // local hosts with traffic in that second
  std::optional<MinuteSample> minute;
  std::optional<HostStepSample> host_step;
  std::shared_ptr<const NameTable> names;
  // End of a capture file: the writer completes every file's coarsest row with zeros, so that
  // the consolidated tiers hold all of the capture.
  bool end_of_file = false;

  // The queue's bound counts samples: one per series value the writer will store.
  size_t cost() const {
    size_t c = 1 + active_hosts.size();
    if (minute) c += 4 + minute->app_bytes.size() + minute->l4_bytes.size();
    if (host_step) c += host_step->hosts.size() + host_step->apps.size();
    return c;
  }
};

// Where batches go (the writer's bounded queue); never blocks.
class SeriesQueue {
 public:
  virtual ~SeriesQueue() = default;
  // False when the batch was dropped (queue full); the queue counts it.
  virtual bool offer(std::unique_ptr<SeriesBatch> batch) = 0;
};

}  // namespace netlens::store
