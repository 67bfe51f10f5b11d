#pragma once
// NetflowSource: a NetFlow v5 / v9 / IPFIX collector on one UDP socket (`-i netflow://ADDR:PORT`).
// An interface's source like a capture: next() hands over the flow records of the datagrams
// received since the last call, or Timeout after 100 ms without any (so the engine's clock, wall
// time, keeps moving and shutdown never waits). Per-exporter statistics (CollectorStats) are kept here and read
// through the interface summary.
#include <memory>
#include <string>
#include <vector>

#include "capture/packet_source.hpp"
#include "collect/collector_stats.hpp"
#include "collect/peer_table.hpp"
#include "collect/netflow_parser.hpp"
#include "collect/udp_receiver.hpp"
#include "collect/udp_collector_totals.hpp"

namespace netlens {

class NetflowSource final : public PacketSource, public CollectorStatsProvider {
 public:
  // `listen` is what follows "netflow://". Throws std::runtime_error / std::invalid_argument.
  NetflowSource(std::string name, const std::string& listen, NetflowParserConfig config = {});

  const std::string& name() const override { return name_; }
  bool isFile() const override { return false; }
  ReadResult next(PacketRef& packet) override;
  std::span<const FlowRecord> records() const override { return records_; }
  CaptureDrops drops() override { return {socket_.drops(), 0}; }
  std::string lastError() const override { return socket_.lastError(); }

  std::shared_ptr<const CollectorStats> collectorStats() const override;
  uint16_t port() const { return socket_.port(); }

  // One datagram, as if received from `from` at `now` (the benchmark and tests feed it this way).
  void handleDatagram(const uint8_t* data, size_t len, const IpAddress& from, Micros now, bool truncated = false);
  void clearRecords() { records_.clear(); }

 private:
  std::string name_;
  UdpListen listen_;
  UdpReceiver socket_;
  NetflowParser parser_;
  PeerTable exporters_;
  std::vector<FlowRecord> records_;
  UdpCollectorTotals totals_;
};

}  // namespace netlens
