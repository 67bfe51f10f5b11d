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

namespace netlens {

// What became of one interface's flows in one exporter; written by both threads, read by the
// packet thread for the API and the status line.
struct ExportStats {
  std::atomic<uint64_t> flows{0};               // flow updates handed to the exporter
  std::atomic<uint64_t> dropped_queue_full{0};  // lost: the export queue (or socket) was full
  std::atomic<uint64_t> sent{0};                // sent on the wire
  std::atomic<uint64_t> no_subscriber{0};       // published while no collector was subscribed (ZMQ)
  std::atomic<uint64_t> send_errors{0};         // flows in messages the network refused
  std::atomic<uint64_t> messages{0};            // messages or datagrams sent
};

struct ExportBatch {
  std::shared_ptr<const NameTable> names;
  std::vector<FlowRecord> flows;
  std::shared_ptr<ExportStats> stats;
};

class ExportWorker {
 public:
  ExportWorker(std::string name, size_t max_queued_flows);
  virtual ~ExportWorker();
  const std::string& name() const { return name_; }
  // The group of its counters: "zmq_export", "netflow_export".
  virtual const char* kind() const = 0;
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

// One interface's door into one ExportWorker.
class ExportFeed final : public FlowExporter {
 public:
  explicit ExportFeed(ExportWorker& worker) : worker_(worker), kind_(worker.kind()), stats_(std::make_shared<ExportStats>()) {}
  void exportFlow(const NetworkInterface& iface, const Flow& flow, const FlowDelta& delta) override;
  void flush() override;
  const ExportStats& stats() const { return *stats_; }
  const ExportWorker& worker() const { return worker_; }  // only while the exporter runs
  const char* kind() const { return kind_; }

 private:
  ExportWorker& worker_;
  const char* kind_;
  std::shared_ptr<ExportStats> stats_;
  ExportBatch batch_;
};

// The flow as a record of what changed since the last export: src is the client, the
// counters are the delta (out_* the server's direction).
FlowRecord exportRecordOf(const Flow& flow, const FlowDelta& delta);

}  // namespace netlens
