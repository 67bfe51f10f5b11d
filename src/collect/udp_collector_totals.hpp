#pragma once
// What both UDP flow collectors (NetFlow/IPFIX, sFlow) count of the datagrams on their socket,
// and the copy of their statistics (CollectorStats) they hand out: reused while no datagram
// arrived and the kernel dropped nothing more since (readers ask often).
#include <cstdint>
#include <memory>

#include "collect/collector_stats.hpp"
#include "collect/udp_receiver.hpp"

namespace netlens {

class UdpCollectorTotals {
 public:
  void datagram(size_t len) {
    ++datagrams_;
    bytes_ += len;
  }
  // What the datagram held: its flow records (sFlow: flow samples), and whether it was malformed.
  void decoded(uint64_t flows, bool malformed) {
    flows_ += flows;
    malformed_ += malformed ? 1 : 0;
  }
  // A datagram of a peer the bounded peer table had no room for: its records still count.
  void peerNotKept() { ++peers_not_kept_; }

  // The collector's statistics: the socket's totals, then fill(CollectorStats&) adds the
  // collector's own (peers, agents' interfaces...).
  template <typename Fill>
  std::shared_ptr<const CollectorStats> publish(const char* kind, const UdpListen& listen, const UdpReceiver& socket,
                                                Fill&& fill) const {
    if (published_ && published_datagrams_ == datagrams_ && published_drops_ == socket.drops()) return published_;
    auto s = std::make_shared<CollectorStats>();
    s->kind = kind;
    s->listen = listen.text();
    s->messages = datagrams_;
    s->bytes = bytes_;
    s->socket_drops = socket.drops();
    s->flows = flows_;
    s->malformed = malformed_;
    s->peers_not_kept = peers_not_kept_;
    s->receive_buffer = socket.receiveBuffer();
    fill(*s);
    published_ = s;
    published_datagrams_ = datagrams_;
    published_drops_ = socket.drops();
    return s;
  }

 private:
  uint64_t datagrams_ = 0, bytes_ = 0, flows_ = 0, malformed_ = 0, peers_not_kept_ = 0;
  mutable std::shared_ptr<const CollectorStats> published_;
  mutable uint64_t published_datagrams_ = UINT64_MAX, published_drops_ = 0;
};

}  // namespace netlens
