#pragma once
// PeerTable: a collector's per-peer statistics (NetFlow/IPFIX exporters, sFlow agents, ZMQ
// probes), bounded, with sequence-number tracking (what a peer numbered but never arrived is
// counted as lost).
#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "collect/collector_stats.hpp"

namespace netlens {

class PeerTable {
 public:
  explicit PeerTable(size_t max_peers = kMaxPeersPerCollector) : max_(max_peers) {}

  // The peer's entry, created when first seen; nullptr when the table is full.
  PeerStats* find(const IpAddress& address, Micros now);

  static void noteDomain(PeerStats& p, uint32_t domain);
  static void noteVersion(PeerStats& p, uint16_t version);
  // A message from the peer with a malformation (`error`: its short reason, when known).
  static void noteMalformed(PeerStats& p, const char* error) {
    ++p.malformed;
    p.last_error = error ? error : "malformed";
  }

  // What unit a peer's sequence numbers count.
  enum class Unit { Flows, Messages };
  // A message numbered `sequence` that advances the sequence by `advance` (its records, or 1).
  // advance 0: unknown (e.g. IPFIX data sets without their template), the next message starts
  // the count again. Counts gaps as lost; small steps back are reordering, not losses.
  void sequence(PeerStats& p, uint32_t domain, uint16_t version, uint32_t sequence, uint32_t advance, Unit unit);

  const std::vector<PeerStats>& all() const { return peers_; }
  size_t size() const { return peers_.size(); }
  PeerStats& at(size_t i) { return peers_[i]; }

 private:
  struct Hash {
    size_t operator()(const IpAddress& a) const { return size_t(a.hash()); }
  };
  struct StreamKey {
    IpAddress peer;
    uint32_t domain;
    uint16_t version;
    friend auto operator<=>(const StreamKey&, const StreamKey&) = default;
  };
  struct Expected {
    uint32_t next = 0;
    bool known = false;
  };

  size_t max_;
  std::vector<PeerStats> peers_;
  std::unordered_map<IpAddress, uint32_t, Hash> index_;
  std::map<StreamKey, Expected> streams_;
  uint32_t last_ = UINT32_MAX;  // most messages come from the peer of the previous one
};

}  // namespace netlens
