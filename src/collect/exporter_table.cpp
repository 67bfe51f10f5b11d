#include "collect/exporter_table.hpp"

#include <algorithm>

namespace netlens {

namespace {
// A domain list or a version list stays short: exporters use a handful at most.
constexpr size_t kMaxListed = 16;
// Forward jumps beyond this are a restart of the exporter (or a new counter), not losses: a
// couple of minutes of a busy router's flows.
constexpr uint32_t kMaxGap = 1u << 24;
// Steps back up to this are reordering in transit.
constexpr uint32_t kMaxReorder = 100'000;
}  // namespace

ExporterStats* ExporterTable::find(const IpAddress& address, Micros now) {
  if (last_ != UINT32_MAX && exporters_[last_].address == address) {
    exporters_[last_].last_seen = now;
    return &exporters_[last_];
  }
  auto it = index_.find(address);
  if (it == index_.end()) {
    if (exporters_.size() >= max_) return nullptr;
    it = index_.emplace(address, uint32_t(exporters_.size())).first;
    ExporterStats e;
    e.address = address;
    e.first_seen = now;
    exporters_.push_back(std::move(e));
  }
  last_ = it->second;
  exporters_[last_].last_seen = now;
  return &exporters_[last_];
}

void ExporterTable::noteDomain(ExporterStats& e, uint32_t domain) {
  if (std::find(e.domains.begin(), e.domains.end(), domain) == e.domains.end() && e.domains.size() < kMaxListed)
    e.domains.push_back(domain);
}

void ExporterTable::noteVersion(ExporterStats& e, uint16_t version) {
  if (std::find(e.versions.begin(), e.versions.end(), version) == e.versions.end() && e.versions.size() < kMaxListed)
    e.versions.push_back(version);
}

void ExporterTable::sequence(ExporterStats& e, uint32_t domain, uint16_t version, uint32_t seq, uint32_t advance,
                             Unit unit) {
  const StreamKey key{e.address, domain, version};
  auto it = streams_.find(key);
  if (it == streams_.end()) {
    // Bounded like the exporters: a few streams per exporter.
    if (streams_.size() >= max_ * 4) return;
    it = streams_.emplace(key, Expected{}).first;
  }
  Expected& x = it->second;
  if (x.known) {
    const uint32_t ahead = seq - x.next;  // modulo 2^32
    const uint32_t behind = x.next - seq;
    if (ahead != 0) {
      if (ahead <= kMaxGap) {
        (unit == Unit::Flows ? e.lost_flows : e.lost_datagrams) += ahead;
      } else if (behind <= kMaxReorder) {
        // Late: counted as lost when the gap was seen; it arrived after all.
        uint64_t& lost = unit == Unit::Flows ? e.lost_flows : e.lost_datagrams;
        lost -= std::min<uint64_t>(lost, advance);
        return;  // the expectation stays
      } else {
        ++e.sequence_resets;
      }
    }
  }
  x.known = advance != 0;
  x.next = seq + advance;
}

}  // namespace netlens
