#pragma once
// The way exported flows leave the packet threads: each interface's ExportFeed (a FlowExporter)
// turns flow updates into FlowRecords in a local batch, and hands whole batches to an
// ExportWorker's bounded queue. The worker's own thread encodes and sends them (ZMQ, UDP), so a
// packet thread never waits on the network: when the queue is full the batch is dropped and
// counted.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "collect/flow_record.hpp"
#include "engine/flow_sink.hpp"
#include "engine/network_interface.hpp"
#include "export/export_stats.hpp"

namespace netlens {

// What became of one interface's flows in one exporter (see ExportStats for each counter);
// written by both threads, read by the packet thread for the API and the status line.
struct ExportCounters {
  std::atomic<uint64_t> flows{0};
  std::atomic<uint64_t> dropped_queue_full{0};
  std::atomic<uint64_t> flows_sent{0};
  std::atomic<uint64_t> records_sent{0};
  std::atomic<uint64_t> no_subscriber{0};
  std::atomic<uint64_t> send_errors{0};
  std::atomic<uint64_t> messages{0};
};

struct ExportBatch {
  std::shared_ptr<const NameTable> names;
  std::vector<FlowRecord> flows;
  std::shared_ptr<ExportCounters> counters;
};

class ExportWorker {
 public:
  ExportWorker(std::string name, size_t max_queued_flows);
  virtual ~ExportWorker();
  const std::string& name() const { return name_; }
  // What the exporter is (kind, destinations, ...) and its own gauges (ZMQ subscribers); the
  // queue's length is queued().
  virtual void describe(ExportStats& out) const = 0;
  // Packet thread: false when the queue is full (the batch is not taken).
  bool push(ExportBatch&& batch);
  // Starts the thread; stop() sends what is queued, then ends it. The subclass's destructor
  // must call stop() before its members go.
  void start();
  void stop();
  size_t queued() const { return queued_flows_.load(); }

 protected:
  // Worker thread.
  virtual void send(ExportBatch& batch) = 0;
  virtual void idle() {}      // every 100 ms, and after each round of batches
  virtual void finish() {}    // after the last batch, before the thread ends

 private:
  void run();
  std::string name_;
  size_t max_queued_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<ExportBatch> queue_;
  std::atomic<size_t> queued_flows_{0};
  bool stopping_ = false;
  std::thread thread_;
};

// One interface's door into one ExportWorker, and what became of that interface's flows there.
// The worker must outlive the feed (stopped, it still describes itself).
class ExportFeed final : public FlowExporter, public ExportStatsProvider {
 public:
  explicit ExportFeed(ExportWorker& worker) : worker_(worker), counters_(std::make_shared<ExportCounters>()) {}
  void exportFlow(const NetworkInterface& iface, const Flow& flow, const FlowDelta& delta) override;
  void flush() override;
  ExportStats exportStats() const override;

 private:
  ExportWorker& worker_;
  std::shared_ptr<ExportCounters> counters_;
  ExportBatch batch_;
};

// The flow as a record of what changed since the last export: src is the client, the
// counters are the delta (out_* the server's direction).
FlowRecord exportRecordOf(const Flow& flow, const FlowDelta& delta);

}  // namespace netlens
