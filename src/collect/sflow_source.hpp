#pragma once
// SflowSource: an sFlow v5 collector on one UDP socket (`-i sflow://ADDR:PORT`). Each sampled
// packet header is handed to the engine as a frame standing for `sampling_rate` packets of its
// original length (PacketRef::sampling_rate): it goes through the packet decoder and nDPI like a
// captured one. Counter samples (generic interface counters) are kept per agent and ifIndex.
// Idle: Timeout after 100 ms (the engine's clock is wall time; shutdown never waits).
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "capture/packet_source.hpp"
#include "collect/collector_stats.hpp"
#include "collect/peer_table.hpp"
#include "collect/sflow_parser.hpp"
#include "collect/udp_receiver.hpp"
#include "collect/udp_collector_totals.hpp"

namespace netlens {

class SflowSource final : public PacketSource, public CollectorStatsProvider {
 public:
  // `listen` is what follows "sflow://". Throws std::runtime_error / std::invalid_argument.
  SflowSource(std::string name, const std::string& listen);

  const std::string& name() const override { return name_; }
  bool isFile() const override { return false; }
  ReadResult next(PacketRef& packet) override;
  CaptureDrops drops() override { return {socket_.drops(), 0}; }
  std::string lastError() const override { return socket_.lastError(); }

  std::shared_ptr<const CollectorStats> collectorStats() const override;
  uint16_t port() const { return socket_.port(); }

  // One datagram from `from` at `now`: its samples are queued for next() (the datagram's bytes
  // must stay valid until they are taken), its counters and statistics recorded.
  void handleDatagram(const uint8_t* data, size_t len, const IpAddress& from, Micros now, bool truncated = false);

  static constexpr size_t kMaxInterfaces = 4096;

 private:
  std::string name_;
  UdpListen listen_;
  UdpReceiver socket_;
  PeerTable agents_;
  std::vector<SflowPacketSample> samples_;
  size_t taken_ = 0;
  Micros received_at_ = 0;
  std::vector<AgentInterfaceCounters> counters_scratch_;
  std::vector<AgentInterfaceCounters> interfaces_;
  std::map<std::pair<IpAddress, uint32_t>, size_t> interface_index_;
  UdpCollectorTotals totals_;
  uint64_t interfaces_not_kept_ = 0;
};

}  // namespace netlens
