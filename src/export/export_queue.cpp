#include "export/export_queue.hpp"

namespace netlens {

ExportWorker::ExportWorker(std::string name, size_t max_queued_flows) : name_(std::move(name)), max_queued_(max_queued_flows) {}

ExportWorker::~ExportWorker() { stop(); }

bool ExportWorker::push(ExportBatch&& batch) {
  const size_t n = batch.flows.size();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || queued_flows_.load(std::memory_order_relaxed) + n > max_queued_) return false;
    queued_flows_.fetch_add(n, std::memory_order_relaxed);
    queue_.push_back(std::move(batch));
  }
  wake_.notify_one();
  return true;
}

void ExportWorker::start() { thread_ = std::thread([this] { run(); }); }

void ExportWorker::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void ExportWorker::run() {
  std::deque<ExportBatch> work;
  for (;;) {
    bool stopping;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_ || !queue_.empty(); });
      work.swap(queue_);
      stopping = stopping_;
    }
    for (ExportBatch& b : work) {
      send(b);
      queued_flows_.fetch_sub(b.flows.size(), std::memory_order_relaxed);
    }
    work.clear();
    idle();
    if (stopping) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (queue_.empty()) break;
    }
  }
  finish();
}

FlowRecord exportRecordOf(const Flow& f, const FlowDelta& d) {
  FlowRecord r;
  const Endpoint c = f.client(), s = f.server();
  r.ip_version = f.key.ipVersion();
  r.src_ip = c.ip;
  r.dst_ip = s.ip;
  r.src_port = c.port;
  r.dst_port = s.port;
  r.l4_proto = f.key.l4Proto();
  r.vlan = f.key.vlan();
  r.tcp_flags = f.c2s.tcp_flags;
  r.packets = d.c2s.packets;
  r.bytes = d.c2s.bytes;
  r.out_packets = d.s2c.packets;
  r.out_bytes = d.s2c.bytes;
  r.first_switched = f.first_seen;
  r.last_switched = f.last_seen;
  r.l7_master = f.app.master;
  r.l7_app = f.app.app;
  r.details = f.details;
  r.present = uint32_t(FlowField::SrcAddress) | uint32_t(FlowField::DstAddress) | uint32_t(FlowField::SrcPort) |
              uint32_t(FlowField::DstPort) | uint32_t(FlowField::Protocol) | uint32_t(FlowField::Packets) |
              uint32_t(FlowField::Bytes) | uint32_t(FlowField::OutPackets) | uint32_t(FlowField::OutBytes) |
              uint32_t(FlowField::FirstSwitched) | uint32_t(FlowField::LastSwitched) | uint32_t(FlowField::L7Ids);
  if (r.vlan) r.set(FlowField::Vlan);
  if (r.l4_proto == 6) r.set(FlowField::TcpFlags);
  return r;
}

void ExportFeed::exportFlow(const NetworkInterface& iface, const Flow& flow, const FlowDelta& delta) {
  if (batch_.flows.empty()) {
    batch_.names = iface.classifier().names();
    batch_.counters = counters_;
    batch_.flows.reserve(1024);
  }
  batch_.flows.push_back(exportRecordOf(flow, delta));
  counters_->flows.fetch_add(1, std::memory_order_relaxed);
  if (batch_.flows.size() >= 4096) flush();
}

void ExportFeed::flush() {
  if (batch_.flows.empty()) return;
  const size_t n = batch_.flows.size();
  if (!worker_.push(std::move(batch_))) counters_->dropped_queue_full.fetch_add(n, std::memory_order_relaxed);
  batch_ = ExportBatch{};
}

ExportStats ExportFeed::exportStats() const {
  ExportStats s;
  worker_.describe(s);
  const ExportCounters& c = *counters_;
  s.flows = c.flows.load(std::memory_order_relaxed);
  s.flows_sent = c.flows_sent.load(std::memory_order_relaxed);
  s.records_sent = c.records_sent.load(std::memory_order_relaxed);
  s.messages = c.messages.load(std::memory_order_relaxed);
  s.dropped_queue_full = c.dropped_queue_full.load(std::memory_order_relaxed);
  s.no_subscriber = c.no_subscriber.load(std::memory_order_relaxed);
  s.send_errors = c.send_errors.load(std::memory_order_relaxed);
  s.queued = worker_.queued();
  return s;
}

}  // namespace netlens
