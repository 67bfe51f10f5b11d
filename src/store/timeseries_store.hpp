#pragma once
// TimeseriesStore: the time series of every interface as RRD files under <data dir>/timeseries,
// and the local hosts' activity maps. Packet threads hand batches to a bounded queue (never
// waiting: a batch that does not fit is dropped and counted); one background writer thread
// turns them into RRD updates; web threads read the files (rrd_fetch) and the activity maps.
//
// Layout, per interface (<iface> is its name, percent-encoded):
//   <iface>/traffic.rrd            step 1 s:   bytes, packets            (ABSOLUTE)
//   <iface>/stats.rrd              step 60 s:  flows, hosts, local_hosts (GAUGE), drops (ABSOLUTE)
//   <iface>/app/<name>.rrd         step 60 s:  bytes
//   <iface>/l4/<name>.rrd          step 60 s:  bytes
//   <iface>/hosts/<ip[@vlan]>/host.rrd        host step: bytes_sent, bytes_rcvd, packets (ABSOLUTE),
//                                             flows (GAUGE: active flows)
//   <iface>/hosts/<ip[@vlan]>/app/<name>.rrd  host step: bytes
//   <iface>/activity/<hour>.act    activity bitmaps (see ActivityMap)
// An ABSOLUTE value is the amount in its step; RRD stores it as a rate per second, so a row's
// value times its step is the amount again (consolidated rows: the AVERAGE of their steps).
#include <atomic>
#include <initializer_list>
#include <span>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/activity_map.hpp"
#include "store/rrd.hpp"
#include "store/series_batch.hpp"
#include "store/timeseries_config.hpp"

namespace netlens::store {

struct WriterStats {
  uint64_t queued_samples = 0;   // waiting for the writer now
  uint64_t queue_limit = 0;
  uint64_t queue_peak = 0;       // the most samples ever waiting
  uint64_t batches = 0;          // handed over by packet threads
  uint64_t dropped_batches = 0;  // queue full: not written
  uint64_t dropped_samples = 0;
  uint64_t rrd_updates = 0;      // values (rows of one file) written
  uint64_t rrd_update_calls = 0;
  uint64_t files_created = 0;
  uint64_t skipped_past = 0;     // updates older than the file's last one (e.g. a capture replayed twice)
  uint64_t errors = 0;
  double writer_busy_seconds = 0;
  std::string last_error;
};

// A series as the API names it.
struct SeriesRef {
  std::string kind;    // "interface" or "host"
  std::string key;     // host: "IP" or "IP@VLAN"
  std::string metric;  // bytes, packets, flows, ..., "app:NAME", "l4:NAME"
};

struct SeriesData {
  uint32_t step = 1;
  bool gauge = false;  // a level (flows, hosts): no total
  std::string unit;    // "bytes", "packets", "flows", "hosts"
  uint32_t from = 0, to = 0;   // the range asked (defaults filled in)
  uint32_t last_update = 0;    // the end of the newest step in the file (rows after a capture's end are zeros)
  uint32_t data_end = 0;       // the end of the newest second of traffic written for the interface
  uint32_t data_start = 0;     // the interface's first second: points before it are unknown (null), not zero
  std::vector<std::pair<uint32_t, double>> points;  // [interval start, rate per second or level]; NaN: unknown
};

std::string encodeName(std::string_view s);  // percent-encoding: a safe, reversible file name
std::string decodeName(std::string_view s);
std::string hostKeyText(const HostKey& k);                  // "IP" or "IP@VLAN"
std::optional<HostKey> parseHostKeyText(std::string_view s);

class TimeseriesStore : public SeriesQueue {
 public:
  // interface_names: one per interface id (the -i order).
  TimeseriesStore(TimeseriesConfig config, std::vector<std::string> interface_names);
  ~TimeseriesStore() override;

  // Creates the directory (throws std::runtime_error when it cannot).
  void prepare();
  // The files belong to this user (netlens -U: before privileges are dropped).
  void giveTo(const std::string& user);
  // Starts the writer thread (after -U: it never runs as root); prepares first if not done.
  void start();
  // Writes everything queued, the activity maps too, and stops the writer.
  void stop();

  bool offer(std::unique_ptr<SeriesBatch> batch) override;
  const TimeseriesConfig& config() const { return config_; }

  // ---- readers (any thread but the packet threads) ----
  WriterStats stats() const;
  // True when nothing is queued or being written (tests wait for it).
  bool idle() const;
  // [from, to] in seconds; to = 0: up to the newest step; from = 0: one hour before `to`.
  // resolution = 0: about 1000 points at most.
  std::optional<SeriesData> fetch(uint32_t iface, const SeriesRef& ref, uint32_t from, uint32_t to, uint32_t resolution,
                                  std::string* error) const;
  // Metrics there are files for ("bytes", "app:HTTP", ...).
  std::vector<std::string> metrics(uint32_t iface, const std::string& kind, const std::string& key) const;
  const ActivityMap* activity(uint32_t iface) const;
  uint64_t bytesOnDisk(uint32_t iface) const;

 private:
  struct FileState {
    uint32_t iface = 0;
    uint32_t touched = 0;  // the data time of its last update (idle files are forgotten)
    uint32_t last = 0;
    std::span<const DsSpec> ds;
    std::vector<std::string> pending;
  };
  struct HostState {
    uint32_t seen = 0;  // the last host step it was in
    Micros first_seen = 0;
    uint64_t sent = 0, rcvd = 0, packets = 0;
    uint32_t flows = 0;
    std::vector<std::pair<uint16_t, uint64_t>> apps;
  };
  struct IfaceState {
    std::string dir;
    std::unique_ptr<ActivityMap> activity;
    std::unordered_map<HostKey, HostState, HostKeyHash> hosts;
    std::atomic<uint32_t> data_end{0};  // end of the newest second written (also in <dir>/data_end)
    uint32_t written_end = 0;
    std::atomic<uint32_t> data_start{0};  // the first second ever written (also in <dir>/data_start)
    IfaceState() = default;
    IfaceState(IfaceState&& o) noexcept
        : dir(std::move(o.dir)), activity(std::move(o.activity)), hosts(std::move(o.hosts)), data_end(o.data_end.load()), written_end(o.written_end),
          data_start(o.data_start.load()) {}
  };

  void run();
  void process(SeriesBatch& b);
  // Queues "start:fill" (when there is a gap) and "start+step:values" for path, creating it.
  void addUpdate(uint32_t iface, const std::string& path, uint32_t step, std::span<const DsSpec> ds, uint32_t start,
                 std::initializer_list<uint64_t> values);
  void flushFiles();
  void forgetIdle(uint32_t now);  // bounds the writer's memory: hosts and files not written for an hour
  void padToCoarsestRow(uint32_t iface);
  uint32_t coarsest() const;
  void noteError(const std::string& e);
  std::string ifaceDir(uint32_t iface) const;

  TimeseriesConfig config_;
  std::vector<IfaceState> ifaces_;
  std::unordered_map<std::string, FileState> files_;  // writer thread only
  uint32_t newest_ = 0, last_sweep_ = 0;              // data time

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<SeriesBatch>> queue_;
  size_t queued_cost_ = 0;
  bool stopping_ = false;
  bool busy_ = false;
  WriterStats stats_;  // under mu_
  WriterStats w_;      // the writer's own counters, added to stats_ after each round
  std::thread thread_;
  bool prepared_ = false;
};

}  // namespace netlens::store
