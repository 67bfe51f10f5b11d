#pragma once
// ZmqFlowSource: an interface fed by nProbe-style probes over ZeroMQ (see zmq_message.hpp for
// the messages). `-i tcp://HOST:PORT` subscribes to a probe that publishes (SUB, connect);
// `-i tcp://ADDR:PORTc` is collector mode, as in ntopng: netlens binds and probes connect to it
// and publish. Several endpoints separated by commas are merged into one interface.
// With a CURVE secret key, every socket is a CURVE server: probes must encrypt to its public key.
// Per probe (by the peer's address, as libzmq reports it), the same statistics as a NetFlow
// collector's exporters: messages, flows, traffic, malformed and lost messages, last seen.
#include <memory>
#include <string>
#include <vector>

#include <map>

#include "capture/packet_source.hpp"
#include "collect/collector_stats.hpp"
#include "collect/zmq_message.hpp"

namespace netlens {

struct ZmqSourceOptions {
  std::string curve_secret_key;  // Z85; empty: no encryption
  ZmqLimits limits;
  int poll_ms = 100;  // next() returns Timeout after this long without a message
};

class ZmqFlowSource final : public PacketSource, public CollectorStatsProvider {
 public:
  // Opens (binds or connects) every endpoint of spec; throws std::runtime_error when one fails.
  ZmqFlowSource(const std::string& spec, const ZmqSourceOptions& options);
  ~ZmqFlowSource() override;

  const std::string& name() const override { return name_; }
  bool isFile() const override { return false; }
  ReadResult next(PacketRef& packet) override;
  std::span<const FlowRecord> records() const override { return batch_; }
  CaptureDrops drops() override { return {}; }
  std::string lastError() const override { return error_; }
  void ioCounters(std::vector<IoCounter>& out) const override;
  std::shared_ptr<const CollectorStats> collectorStats() const override;

  const ZmqCollectStats& stats() const { return decoder_.stats(); }

 private:
  struct Sockets;
  std::string name_;
  std::string error_;
  ZmqSourceOptions options_;
  std::unique_ptr<Sockets> sockets_;
  ZmqMessageDecoder decoder_;
  std::vector<FlowRecord> batch_;
  // Per probe.
  void account(const char* peer, const uint8_t* header, size_t header_len, const ZmqCollectStats& before, size_t first,
               size_t payload_len);
  std::vector<ExporterStats> probes_;
  std::map<IpAddress, size_t> probe_index_;
  uint64_t probes_not_kept_ = 0;
  uint64_t received_ = 0, received_bytes_ = 0;
};

// True when an -i argument names ZMQ endpoints (tcp://...).
bool isZmqSpec(const std::string& spec);

}  // namespace netlens
