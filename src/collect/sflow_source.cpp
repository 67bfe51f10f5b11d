#include "collect/sflow_source.hpp"

namespace netlens {

SflowSource::SflowSource(std::string name, const std::string& listen)
    : name_(std::move(name)), listen_(parseUdpListen(listen)), socket_(listen_) {
  listen_.port = socket_.port();
  samples_.reserve(UdpReceiver::kBatch * 8);
}

ReadResult SflowSource::next(PacketRef& pkt) {
  while (taken_ == samples_.size()) {
    samples_.clear();
    taken_ = 0;
    const int n = socket_.receive(100);
    if (n < 0) return ReadResult::Error;
    if (n == 0) return ReadResult::Timeout;
    received_at_ = wallClockMicros();
    for (int i = 0; i < n; ++i) {
      const Datagram& d = socket_[size_t(i)];
      handleDatagram(d.data, d.len, d.from, received_at_, d.truncated);
    }
    // Datagrams of counters only: the loop goes on as after a timeout.
    if (samples_.empty()) return ReadResult::Timeout;
  }
  const SflowPacketSample& s = samples_[taken_++];
  pkt.ts = received_at_;
  pkt.data = s.header;
  pkt.caplen = s.header_length;
  pkt.wire_len = s.packetLength();
  pkt.link_type = s.linkType();
  pkt.sampling_rate = s.sampling_rate;
  return ReadResult::Packet;
}

void SflowSource::handleDatagram(const uint8_t* data, size_t len, const IpAddress& from, Micros now, bool truncated) {
  totals_.datagram(len);
  const size_t first = samples_.size();
  counters_scratch_.clear();
  SflowParseResult r = parseSflow(data, len, samples_, counters_scratch_);
  if (truncated) {
    ++r.malformed;
    if (!r.error) r.error = "datagram longer than the receive buffer";
  }
  totals_.decoded(r.flow_samples, r.malformed != 0);
  // An agent is named by the address in its datagrams (its source address when unreadable).
  const IpAddress agent = r.version ? r.agent : from;
  PeerStats* e = agents_.find(agent, now);
  for (AgentInterfaceCounters& c : counters_scratch_) {
    c.last_seen = now;
    const auto key = std::make_pair(c.agent, c.if_index);
    auto it = interface_index_.find(key);
    if (it != interface_index_.end()) {
      interfaces_[it->second] = c;
    } else if (interfaces_.size() < kMaxInterfaces) {
      interface_index_.emplace(key, interfaces_.size());
      interfaces_.push_back(c);
    } else {
      ++interfaces_not_kept_;
    }
  }
  if (!e) {
    totals_.peerNotKept();
    return;
  }
  ++e->messages;
  if (r.version) {
    PeerTable::noteVersion(*e, uint16_t(r.version));
    PeerTable::noteDomain(*e, r.sub_agent);
    agents_.sequence(*e, r.sub_agent, 5, r.sequence, 1, PeerTable::Unit::Messages);
  }
  e->flows += r.flow_samples;
  for (size_t i = first; i < samples_.size(); ++i) {
    const SflowPacketSample& s = samples_[i];
    e->packets += s.sampling_rate;
    e->bytes += uint64_t(s.packetLength()) * s.sampling_rate;
  }
  e->counter_samples += r.counter_samples;
  e->skipped_records += r.skipped;
  if (r.malformed) PeerTable::noteMalformed(*e, r.error);
}

std::shared_ptr<const CollectorStats> SflowSource::collectorStats() const {
  return totals_.publish("sflow", listen_, socket_, [&](CollectorStats& s) {
    s.peers = agents_.all();
    s.interfaces = interfaces_;
    s.interfaces_not_kept = interfaces_not_kept_;
  });
}

}  // namespace netlens
