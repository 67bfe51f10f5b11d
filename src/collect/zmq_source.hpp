#pragma once
// ZmqFlowSource: an interface fed by nProbe-style probes over ZeroMQ (see zmq_message.hpp for
// the messages). `-i tcp://HOST:PORT` subscribes to a probe that publishes (SUB, connect);
// `-i tcp://ADDR:PORTc` is collector mode, as in ntopng: netlens binds and probes connect to it
// and publish. Several endpoints separated by commas are merged into one interface.
// With a CURVE secret key, every socket is a CURVE server: probes must encrypt to its public key.
// It reports through CollectorStats like the NetFlow and sFlow collectors: its totals, what became
// of the messages (decoded, or skipped by reason), and per probe (its peers, by the address
// libzmq reports) messages, flows, traffic, malformed messages by reason, lost messages, the
// last error, first and last seen.
#include <memory>
#include <string>
#include <vector>

#include "capture/packet_source.hpp"
#include "collect/collector_stats.hpp"
#include "collect/peer_table.hpp"
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
  // Per probe: what the message from `peer` (libzmq's Peer-Address) did to the decoder's counters
  // (`before` them) and to the batch (its flows from index `first`).
  void account(const char* peer, const uint8_t* header, size_t header_len, const ZmqCollectStats& before, size_t first,
               size_t payload_len);
  PeerTable probes_;
  uint64_t probes_not_kept_ = 0;
  uint64_t received_ = 0, received_bytes_ = 0;
  // The last copy handed out, reused while no message arrived since (readers ask often).
  mutable std::shared_ptr<const CollectorStats> published_;
  mutable uint64_t published_received_ = UINT64_MAX;
};

// True when an -i argument names ZMQ endpoints (tcp://...).
bool isZmqSpec(const std::string& spec);

}  // namespace netlens
