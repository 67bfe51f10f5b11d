#include "collect/netflow_source.hpp"

namespace netlens {

NetflowSource::NetflowSource(std::string name, const std::string& listen, NetflowParserConfig config)
    : name_(std::move(name)), listen_(parseUdpListen(listen)), socket_(listen_), parser_(config) {
  listen_.port = socket_.port();  // port 0: the one the kernel chose
  records_.reserve(UdpReceiver::kBatch * 32);
}

ReadResult NetflowSource::next(PacketRef&) {
  records_.clear();
  const int n = socket_.receive(100);
  if (n < 0) return ReadResult::Error;
  if (n == 0) return ReadResult::Timeout;
  const Micros now = wallClockMicros();
  for (int i = 0; i < n; ++i) {
    const Datagram& d = socket_[size_t(i)];
    handleDatagram(d.data, d.len, d.from, now, d.truncated);
  }
  // Datagrams of templates only carry no record: the loop goes on as after a timeout.
  return records_.empty() ? ReadResult::Timeout : ReadResult::Records;
}

void NetflowSource::handleDatagram(const uint8_t* data, size_t len, const IpAddress& from, Micros now,
                                   bool truncated) {
  totals_.datagram(len);
  const size_t first = records_.size();
  ParseResult r = parser_.parse(data, len, from, now, records_);
  if (truncated) {
    ++r.malformed;
    if (!r.error) r.error = "datagram longer than the receive buffer";
  }
  totals_.decoded(r.records, r.malformed != 0);
  PeerStats* e = exporters_.find(from, now);
  if (!e) {
    totals_.peerNotKept();  // its records still count; only its statistics are not kept
    return;
  }
  ++e->messages;
  if (r.version) PeerTable::noteVersion(*e, r.version);
  if (r.has_sequence) {
    PeerTable::noteDomain(*e, r.domain);
    if (r.version == 5) {
      exporters_.sequence(*e, r.domain, 5, r.sequence, r.records, PeerTable::Unit::Flows);
    } else if (r.version == 9) {
      exporters_.sequence(*e, r.domain, 9, r.sequence, 1, PeerTable::Unit::Messages);
    } else if (r.version == 10) {
      // IPFIX numbers data records, options data included; sets skipped for want of their
      // template hold an unknown number of them.
      const uint32_t advance = r.skipped_unknown_template || r.malformed ? 0 : r.records + r.option_records;
      // A message of templates only does not move the sequence, and says nothing of losses.
      if (advance != 0 || r.skipped_unknown_template || r.malformed)
        exporters_.sequence(*e, r.domain, 10, r.sequence, advance, PeerTable::Unit::Flows);
    }
  }
  e->flows += r.records;
  for (size_t i = first; i < records_.size(); ++i) {
    const FlowRecord& f = records_[i];
    e->packets += f.packets + f.out_packets;
    e->bytes += f.bytes + f.out_bytes;
  }
  e->option_records += r.option_records;
  e->templates_learned += r.templates_learned;
  e->template_errors += r.templates_dropped;
  e->unknown_template_sets += r.skipped_unknown_template;
  if (r.malformed) PeerTable::noteMalformed(*e, r.error);
}

std::shared_ptr<const CollectorStats> NetflowSource::collectorStats() const {
  return totals_.publish("netflow", listen_, socket_, [&](CollectorStats& s) {
    s.peers = exporters_.all();
    for (PeerStats& e : s.peers) e.templates = uint32_t(parser_.templateCount(e.address));
  });
}

}  // namespace netlens
