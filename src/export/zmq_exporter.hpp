#pragma once
// ZmqExporter: publishes flows as nProbe-style ZMQ messages (24-byte header, version 2, topic
// "flow"; JSON array payload, zlib-compressed behind a 0 byte when over 1 KiB) on its own
// thread. The socket is an XPUB so that netlens knows whether a collector is subscribed: flows
// published while none is are counted (ZeroMQ sends them nowhere). With --zmq-probe-mode it
// connects to a collector (ntopng's or netlens's "tcp://*:PORTc") instead of binding.
#include <atomic>
#include <memory>
#include <string>

#include "export/export_queue.hpp"

namespace netlens {

struct ZmqExportOptions {
  std::string endpoint;
  bool connect = false;           // probe mode
  std::string server_public_key;  // CURVE: the collector's public key (Z85); empty: plain
  bool compress = true;
  size_t max_queued_flows = 262144;
};

class ZmqExporter final : public ExportWorker {
 public:
  // Binds or connects at once (throws std::runtime_error on failure), then starts its thread.
  explicit ZmqExporter(const ZmqExportOptions& options);
  ~ZmqExporter() override;
  // Collectors currently subscribed to the flows (from XPUB's subscription messages).
  int subscribers() const { return subscribers_.load(); }
  void describe(ExportStats& out) const override;

 protected:
  void send(ExportBatch& batch) override;
  void idle() override;
  void finish() override;

 private:
  struct Socket;
  void readSubscriptions();
  void sendMessage(const std::string& json, size_t flows, ExportCounters& counters);
  ZmqExportOptions options_;
  std::unique_ptr<Socket> socket_;
  std::atomic<int> subscribers_{0};
  uint32_t msg_id_ = 0;
  std::string json_, compressed_;
};

}  // namespace netlens
