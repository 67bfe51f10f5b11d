#pragma once
// ExporterTable: a collector's per-exporter statistics, bounded, with sequence-number tracking
// (what an exporter numbered but never arrived is counted as lost).
#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "collect/collector_stats.hpp"

namespace netlens {

class ExporterTable {
 public:
  explicit ExporterTable(size_t max_exporters = 1024) : max_(max_exporters) {}

  // The exporter's entry, created when first seen; nullptr when the table is full.
  ExporterStats* find(const IpAddress& address, Micros now);

  static void noteDomain(ExporterStats& e, uint32_t domain);
  static void noteVersion(ExporterStats& e, uint16_t version);

  // What unit an exporter's sequence numbers count.
  enum class Unit { Flows, Datagrams };
  // A datagram numbered `sequence` that advances the sequence by `advance` (its records, or 1).
  // advance 0: unknown (e.g. IPFIX data sets without their template), the next datagram starts
  // the count again. Counts gaps as lost; small steps back are reordering, not losses.
  void sequence(ExporterStats& e, uint32_t domain, uint16_t version, uint32_t sequence, uint32_t advance, Unit unit);

  const std::vector<ExporterStats>& all() const { return exporters_; }
  size_t size() const { return exporters_.size(); }
  ExporterStats& at(size_t i) { return exporters_[i]; }

 private:
  struct Hash {
    size_t operator()(const IpAddress& a) const { return size_t(a.hash()); }
  };
  struct StreamKey {
    IpAddress exporter;
    uint32_t domain;
    uint16_t version;
    friend auto operator<=>(const StreamKey&, const StreamKey&) = default;
  };
  struct Expected {
    uint32_t next = 0;
    bool known = false;
  };

  size_t max_;
  std::vector<ExporterStats> exporters_;
  std::unordered_map<IpAddress, uint32_t, Hash> index_;
  std::map<StreamKey, Expected> streams_;
  uint32_t last_ = UINT32_MAX;  // most datagrams come from the exporter of the previous one
};

}  // namespace netlens
