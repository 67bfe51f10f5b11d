#include "collect/peer_table.hpp"

#include <algorithm>

namespace netlens {

namespace {
// A domain list or a version list stays short: peers use a handful at most.
constexpr size_t kMaxListed = 16;
// Forward jumps beyond this are a restart of the peer (or a new counter), not losses: a
// couple of minutes of a busy router's flows.
constexpr uint32_t kMaxGap = 1u << 24;
// Steps back up to this are reordering in transit.
constexpr uint32_t kMaxReorder = 100'000;
}  // namespace

PeerStats* PeerTable::find(const IpAddress& address, Micros now) {
  if (last_ != UINT32_MAX && peers_[last_].address == address) {
    peers_[last_].last_seen = now;
    return &peers_[last_];
  }
  auto it = index_.find(address);
  if (it == index_.end()) {
    if (peers_.size() >= max_) return nullptr;
    it = index_.emplace(address, uint32_t(peers_.size())).first;
    PeerStats p;
    p.address = address;
    p.first_seen = now;
    peers_.push_back(std::move(p));
  }
  last_ = it->second;
  peers_[last_].last_seen = now;
  return &peers_[last_];
}

void PeerTable::noteDomain(PeerStats& p, uint32_t domain) {
  if (std::find(p.domains.begin(), p.domains.end(), domain) == p.domains.end() && p.domains.size() < kMaxListed)
    p.domains.push_back(domain);
}

void PeerTable::noteVersion(PeerStats& p, uint16_t version) {
  if (std::find(p.versions.begin(), p.versions.end(), version) == p.versions.end() && p.versions.size() < kMaxListed)
    p.versions.push_back(version);
}

void PeerTable::sequence(PeerStats& p, uint32_t domain, uint16_t version, uint32_t seq, uint32_t advance,
                         Unit unit) {
  const StreamKey key{p.address, domain, version};
  auto it = streams_.find(key);
  if (it == streams_.end()) {
    // Bounded like the peers: a few streams per peer.
    if (streams_.size() >= max_ * 4) return;
    it = streams_.emplace(key, Expected{}).first;
  }
  Expected& x = it->second;
  if (x.known) {
    const uint32_t ahead = seq - x.next;  // modulo 2^32
    const uint32_t behind = x.next - seq;
    if (ahead != 0) {
      if (ahead <= kMaxGap) {
        (unit == Unit::Flows ? p.lost_flows : p.lost_messages) += ahead;
      } else if (behind <= kMaxReorder) {
        // Late: counted as lost when the gap was seen; it arrived after all.
        uint64_t& lost = unit == Unit::Flows ? p.lost_flows : p.lost_messages;
        lost -= std::min<uint64_t>(lost, advance);
        return;  // the expectation stays
      } else {
        ++p.sequence_resets;
      }
    }
  }
  x.known = advance != 0;
  x.next = seq + advance;
}

}  // namespace netlens
