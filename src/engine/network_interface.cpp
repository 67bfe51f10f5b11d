#include "engine/network_interface.hpp"

#include <algorithm>
#include <cstdio>

#include "decode/packet_decoder.hpp"
#include "engine/naming_state.hpp"

namespace netlens {

const char* tcpStateName(TcpState s) {
  switch (s) {
    case TcpState::None: return "none";
    case TcpState::SynSent: return "syn_sent";
    case TcpState::SynReceived: return "syn_received";
    case TcpState::Established: return "established";
    case TcpState::Closing: return "closing";
    case TcpState::Closed: return "closed";
    case TcpState::Reset: return "reset";
  }
  return "none";
}

const char* flowEndReasonName(FlowEndReason r) {
  switch (r) {
    case FlowEndReason::Idle: return "idle";
    case FlowEndReason::Closed: return "closed";
    case FlowEndReason::Evicted: return "evicted";
    case FlowEndReason::Shutdown: return "shutdown";
  }
  return "shutdown";
}

namespace {
constexpr Micros seconds(uint32_t s) { return Micros(s) * kMicrosPerSecond; }
// Sequence-number comparison modulo 2^32.
bool seqBefore(uint32_t a, uint32_t b) { return int32_t(a - b) < 0; }
}  // namespace

NetworkInterface::NetworkInterface(EngineConfig config)
    : config_(std::move(config)),
      classifier_(config_.ndpi),
      flows_(config_.lifecycle.max_flows),
      hosts_(config_.lifecycle.max_hosts),
      geo_(config_.enrich) {
  const LifecycleConfig& lc = config_.lifecycle;
  flow_idle_ = seconds(lc.flow_idle_s.value_or(60));
  tcp_closed_ = seconds(lc.tcp_closed_s.value_or(10));
  local_host_idle_ = seconds(lc.local_host_idle_s.value_or(300));
  remote_host_idle_ = seconds(lc.remote_host_idle_s.value_or(60));
  for (const Cidr& c : config_.local_networks) networks_.push_back(NetworkStats{c});
  apps_.resize(classifier_.numProtocols());
  dirty_.reserve(1024);
  naming_ = std::make_unique<Naming>(config_.max_cached_names, config_.max_name_aggregates);
  sampled_decoder_ = config_.decoder;
  sampled_decoder_.allow_truncated = true;
}

NetworkInterface::~NetworkInterface() {
  flows_.forEach([&](uint32_t, Flow& f) {
    if (f.inspection) classifier_.end(f.inspection);
    f.inspection = nullptr;
  });
}

void NetworkInterface::applySettings(const RuntimeSettings& s) {
  LifecycleConfig& lc = config_.lifecycle;
  if (s.flow_idle_s) flow_idle_ = seconds(*(lc.flow_idle_s = s.flow_idle_s));
  if (s.tcp_closed_s) tcp_closed_ = seconds(*(lc.tcp_closed_s = s.tcp_closed_s));
  if (s.local_host_idle_s) local_host_idle_ = seconds(*(lc.local_host_idle_s = s.local_host_idle_s));
  if (s.remote_host_idle_s) remote_host_idle_ = seconds(*(lc.remote_host_idle_s = s.remote_host_idle_s));
  if (lc.anyTimeoutSet()) config_.expire_idle = true;
  if (s.local_host_apps) config_.local_host_apps = *s.local_host_apps;
  if (s.name_mode && *s.name_mode != config_.name_mode) {
    config_.name_mode = *s.name_mode;
    // Now resolving: the hosts already known are asked for too (as many as the list holds).
    hosts_.forEach([&](uint32_t, const Host& h) { wantName(h); });
  }
}

InterfaceSummary NetworkInterface::summary() const {
  InterfaceSummary s;
  s.name = config_.name;
  s.stats = stats_;
  s.active_flows = flows_.size();
  s.active_hosts = hosts_.size();
  s.ndpi_reloads = classifier_.reloads();
  s.applications = apps_;
  s.networks = networks_;
  s.names = classifier_.names();
  if (collector_) s.collector = collector_->collectorStats();
  for (const ExportStatsProvider* e : export_stats_) s.exports.push_back(e->exportStats());
  s.stats.names.cache_entries = naming_->cache.size();
  s.stats.names.cache_evicted = naming_->cache.evicted();
  if (naming_->aliases) s.aliases = naming_->aliases->current();
  s.enrich = config_.enrich;
  s.geo_lookups = geo_.lookupStats();
  return s;
}

AppStats& NetworkInterface::app(uint16_t id) {
  if (id >= apps_.size()) apps_.resize(size_t(id) + 1);
  return apps_[id];
}

int16_t NetworkInterface::networkOf(const IpAddress& ip) const {
  for (size_t i = 0; i < networks_.size(); ++i)
    if (networks_[i].cidr.contains(ip)) return int16_t(i);
  return kNoNetwork;
}

// ---- packets ----------------------------------------------------------------------------

void NetworkInterface::processPacket(const PacketRef& pkt) {
  if (pkt.sampling_rate != 0) [[unlikely]]
    processFrame<true>(pkt);
  else
    processFrame<false>(pkt);
}

// One body for captured and sampled frames; the captured path compiles to what it was.
template <bool kSampled>
void NetworkInterface::processFrame(const PacketRef& pkt) {
  // Packet time never runs backwards for the engine (captures are not always in order).
  advanceClock(pkt.ts > now_ ? pkt.ts : now_);
  // A sampled frame stands for sampling_rate packets of its original length.
  const uint64_t n = kSampled ? pkt.sampling_rate : 1;
  const uint64_t len = kSampled ? uint64_t(std::max(pkt.wire_len, pkt.caplen)) * pkt.sampling_rate : pkt.caplen;
  stats_.received.add(n, len);
  if (stats_.first_packet == 0) stats_.first_packet = now_;
  stats_.last_packet = now_;

  const DecodedPacket d = decodePacket(pkt.link_type, pkt.data, pkt.caplen, kSampled ? sampled_decoder_ : config_.decoder);
  if (d.status == DecodeStatus::NonIp) {
    stats_.non_ip[size_t(d.non_ip)].add(n, len);
    return;
  }
  if (d.status == DecodeStatus::Error) {
    stats_.decode_errors[size_t(d.error)] += n;
    stats_.decode_error_bytes += len;
    return;
  }

  bool src_is_a = true;
  const FlowKey key = FlowKey::make(d.vlan, d.l4_proto, d.src_ip, d.src_port, d.dst_ip, d.dst_port, src_is_a);
  const uint64_t hash = key.hash();
  uint32_t idx = flows_.find(key, hash);
  if (idx == FlowTable::kNone) {
    idx = createFlow(key, hash, src_is_a, d);
    if (idx == FlowTable::kNone) {
      ++stats_.engine_drops;
      return;
    }
  }
  (d.ip_version == 4 ? stats_.ipv4 : stats_.ipv6).add(n, len);
  stats_.l4[d.l4_proto].add(n, len);

  Flow& f = flows_[idx];
  const bool from_client = src_is_a == f.client_is_a;
  FlowDirectionStats& dir = from_client ? f.c2s : f.s2c;
  dir.traffic.add(n, len);
  if constexpr (kSampled) {
    // What the header lost past its end was payload too.
    const uint64_t cut = pkt.wire_len > pkt.caplen ? pkt.wire_len - pkt.caplen : 0;
    dir.payload_bytes += (d.payload_len + cut) * n;
  } else {
    dir.payload_bytes += d.payload_len;
  }
  if (dir.first_seen == 0) dir.first_seen = now_;
  dir.last_seen = now_;
  f.last_seen = now_;

  if (d.has_tcp_header) updateTcp<kSampled>(f, dir, from_client, d, idx);

  if (!f.detection_final) inspect<kSampled>(f, d);
  // DNS, mDNS, NetBIOS and DHCP messages name hosts: a port test per packet, a parse only then.
  if (d.payload && d.l4_proto == 17 && (isNamePort(d.src_port) || isNamePort(d.dst_port)) &&
      config_.name_mode != enrich::NameMode::None)
    learnFromUdp(d);
  noteActivity(idx, f);
}

void NetworkInterface::noteActivity(uint32_t idx, Flow& f) {
  // Keep the recency list roughly ordered at one-second granularity: cheap and enough for
  // expiry and eviction, which work in seconds.
  const uint32_t second = uint32_t(now_ / kMicrosPerSecond);
  if (second != f.last_touch_second) {
    f.last_touch_second = second;
    flows_.touch(idx, f.links.list);
  }
  // Rolled into hosts, networks and applications at the next tick.
  if (!f.dirty) {
    f.dirty = true;
    dirty_.push_back(idx);
  }
}

namespace {
// How far a record's times may stray from the collector's clock and still be the flow's: a
// little ahead (clocks differ by a few seconds), and behind by up to an hour for the last packet
// (exporters' active timeouts are at most that) and a day for the first (long flows).
constexpr Micros kRecordFutureSkew = 10 * kMicrosPerSecond;
constexpr Micros kRecordMaxAge = 3600 * kMicrosPerSecond;
constexpr Micros kRecordMaxDuration = 86400 * kMicrosPerSecond;
}  // namespace

void NetworkInterface::processFlowRecord(const FlowRecord& r) { processFlowRecords({&r, 1}); }

void NetworkInterface::processFlowRecords(std::span<const FlowRecord> records) {
  // A collector's batch: flows are looked up in random order in a large index, so each lookup
  // would wait for memory; the keys of a group are made first and their index slots fetched
  // together.
  constexpr size_t kGroup = 16;
  FlowKey keys[kGroup];
  uint64_t hashes[kGroup];
  bool src_is_a[kGroup];
  for (size_t first = 0; first < records.size(); first += kGroup) {
    const size_t n = std::min(kGroup, records.size() - first);
    for (size_t i = 0; i < n; ++i) {
      const FlowRecord& r = records[first + i];
      src_is_a[i] = true;
      keys[i] = FlowKey::make(r.vlan, r.l4_proto, r.src_ip, r.src_port, r.dst_ip, r.dst_port, src_is_a[i]);
      hashes[i] = keys[i].hash();
      flows_.prefetch(hashes[i]);
    }
    for (size_t i = 0; i < n; ++i) processFlowRecord(records[first + i], keys[i], hashes[i], src_is_a[i]);
  }
}

void NetworkInterface::processFlowRecord(const FlowRecord& r, const FlowKey& key, uint64_t hash, bool src_is_a) {
  if (now_ == 0) advanceClock(r.last_switched ? r.last_switched : r.first_switched);
  // The record's times where sane, else the clock's.
  const bool last_sane = r.last_switched != 0 && r.last_switched <= now_ + kRecordFutureSkew &&
                         r.last_switched + kRecordMaxAge >= now_;
  const Micros last = last_sane ? r.last_switched : now_;
  const Micros first = last_sane && r.first_switched != 0 && r.first_switched <= last &&
                               last - r.first_switched <= kRecordMaxDuration
                           ? r.first_switched
                           : last;
  ++stats_.flow_records;
  if (r.ip_version == 0 || r.src_ip.empty() || r.dst_ip.empty()) {
    ++stats_.flow_records_invalid;
    return;
  }
  const TrafficCounter forward{r.packets, r.bytes}, reverse{r.out_packets, r.out_bytes};
  stats_.received.add(forward);
  stats_.received.add(reverse);
  (r.ip_version == 4 ? stats_.ipv4 : stats_.ipv6).add(forward);
  (r.ip_version == 4 ? stats_.ipv4 : stats_.ipv6).add(reverse);
  stats_.l4[r.l4_proto].add(forward);
  stats_.l4[r.l4_proto].add(reverse);
  if (stats_.first_packet == 0) stats_.first_packet = now_;
  stats_.last_packet = now_;

  uint32_t idx = flows_.find(key, hash);
  if (idx == FlowTable::kNone) {
    DecodedPacket origin;  // what createFlow needs to know of the first packet
    origin.src_ip = r.src_ip;
    origin.dst_ip = r.dst_ip;
    origin.vlan = r.vlan;
    idx = createFlow(key, hash, src_is_a, origin);
    if (idx == FlowTable::kNone) {
      ++stats_.engine_drops;
      return;
    }
    Flow& f = flows_[idx];
    classifier_.end(f.inspection);  // nDPI never sees these packets
    f.inspection = nullptr;
    const std::optional<AppProtocol> probe_app = probeApplication(r);
    f.app = probe_app ? *probe_app : classifier_.guess(r.l4_proto, r.src_ip, r.src_port, r.dst_ip, r.dst_port);
    f.detection_final = true;
    f.first_seen = first;
    f.last_seen = last;
  }
  Flow& f = flows_[idx];
  const bool from_client = src_is_a == f.client_is_a;
  auto account = [&](FlowDirectionStats& dir, const TrafficCounter& t, uint8_t flags) {
    if (t.empty()) return;
    dir.traffic.add(t);
    dir.tcp_flags |= flags;
    if (dir.first_seen == 0 || first < dir.first_seen) dir.first_seen = first;
    dir.last_seen = std::max(dir.last_seen, last);
  };
  if (r.details) f.details = r.details;  // what the probe knows (server name, processes)
  account(from_client ? f.c2s : f.s2c, forward, r.tcp_flags);
  account(from_client ? f.s2c : f.c2s, reverse, 0);
  if (first < f.first_seen) f.first_seen = first;
  f.last_seen = std::max(f.last_seen, last);
  noteActivity(idx, f);
}

std::optional<AppProtocol> NetworkInterface::probeApplication(const FlowRecord& r) {
  if (r.has(FlowField::L7Name))
    if (auto p = app_names_.find(classifier_.names(), r.l7_name)) return p;
  if (r.has(FlowField::L7Ids)) {
    // Numbers are nDPI's: right when the probe runs the same nDPI, checked to be in range.
    const size_t n = classifier_.names()->protocols.size();
    if (r.l7_master < n && r.l7_app < n) {
      AppProtocol p{r.l7_master, r.l7_app};
      p.category = classifier_.names()->protocolCategory(p.accounted());
      return p;
    }
  }
  return std::nullopt;
}

template <bool kSampled>
void NetworkInterface::updateTcp(Flow& f, FlowDirectionStats& dir, bool from_client, const DecodedPacket& d,
                                 uint32_t idx) {
  const uint8_t flags = d.tcp_flags;
  dir.tcp_flags |= flags;

  // Retransmissions and reordering from sequence numbers, per direction (not for sampled
  // packets: the ones between two samples are missing on purpose).
  const uint32_t seg = d.payload_len + ((flags & tcp_flag::Syn) ? 1 : 0) + ((flags & tcp_flag::Fin) ? 1 : 0);
  if (!kSampled && !dir.seq_known) {
    dir.seq_known = true;
    dir.next_seq = d.tcp_seq + seg;
  } else if (!kSampled && seg > 0) {
    if (d.tcp_seq == dir.next_seq) {
      dir.next_seq += seg;
    } else if (seqBefore(d.tcp_seq, dir.next_seq)) {
      ++dir.retransmissions;
      if (seqBefore(dir.next_seq, d.tcp_seq + seg)) dir.next_seq = d.tcp_seq + seg;
    } else {
      ++dir.out_of_order;
      dir.next_seq = d.tcp_seq + seg;
    }
  }

  // Connection state as an observer sees it.
  TcpState s = f.tcp_state;
  if (flags & tcp_flag::Rst) {
    s = TcpState::Reset;
  } else if (flags & tcp_flag::Syn) {
    if (!(flags & tcp_flag::Ack) && from_client && s == TcpState::None) s = TcpState::SynSent;
    else if ((flags & tcp_flag::Ack) && !from_client && (s == TcpState::SynSent || s == TcpState::None))
      s = TcpState::SynReceived;
  } else if (flags & tcp_flag::Fin) {
    const bool both = (f.c2s.tcp_flags & tcp_flag::Fin) && (f.s2c.tcp_flags & tcp_flag::Fin);
    s = both ? TcpState::Closed : TcpState::Closing;
  } else if ((flags & tcp_flag::Ack) && s == TcpState::SynReceived && from_client) {
    s = TcpState::Established;
  } else if (s == TcpState::None) {
    s = TcpState::Established;  // joined mid-connection
  }
  if (s != f.tcp_state) {
    f.tcp_state = s;
    if ((s == TcpState::Closed || s == TcpState::Reset) && f.links.list != kFlowsClosed)
      flows_.touch(idx, kFlowsClosed);
  }
}

uint32_t NetworkInterface::createFlow(const FlowKey& key, uint64_t hash, bool src_is_a, const DecodedPacket& d) {
  if (flows_.full() && !evictOneFlow()) {
    ++stats_.flows.dropped;
    return FlowTable::kNone;
  }
  const uint32_t idx = flows_.insert(key, hash, kFlowsActive);
  if (!exporters_.empty()) {
    if (idx >= export_marks_.size()) export_marks_.resize(size_t(idx) + 1 + export_marks_.size() / 2);
    export_marks_[idx] = ExportMark{};
  }
  Flow& f = flows_[idx];
  f.client_is_a = src_is_a;  // the side that sent the first packet started the flow
  f.id = ++stats_.flows.created;
  f.first_seen = now_;
  f.last_touch_second = uint32_t(now_ / kMicrosPerSecond);
  f.tunnel = d.tunnel;
  f.inspection = classifier_.begin();

  f.client_host = findOrCreateHost(d.src_ip, d.vlan);
  // Hold the client before looking up the server: in a full host table, finding room for the
  // server may evict a host without flows, and the client just created has none yet.
  if (f.client_host != kNoHost) ++hosts_[f.client_host].active_flows;
  f.server_host = findOrCreateHost(d.dst_ip, d.vlan);
  Host* cli = f.client_host == kNoHost ? nullptr : &hosts_[f.client_host];
  Host* srv = f.server_host == kNoHost ? nullptr : &hosts_[f.server_host];
  f.client_network = cli ? cli->network : networkOf(d.src_ip);
  f.server_network = srv ? srv->network : networkOf(d.dst_ip);
  for (int16_t n : {f.client_network, f.server_network}) {
    if (n == kNoNetwork) continue;
    ++networks_[n].active_flows;
    ++networks_[n].flows;
    if (f.client_network == f.server_network) break;
  }

  if (cli) ++cli->flows_as_client;
  if (srv) {
    // A host talking to itself is in the flow once: endFlow releases it once.
    if (srv != cli) ++srv->active_flows;
    ++srv->flows_as_server;
  }
  auto notePeer = [&](Host* h, const IpAddress& peer) {
    if (!h || !h->local_stats) return;
    auto& peers = h->local_stats->peers;
    auto it = peers.find(peer);
    if (it != peers.end()) ++it->second.flows;
    else if (peers.size() < config_.max_peers_per_host) peers.emplace(peer, PeerTraffic{0, 1});
    else ++h->local_stats->peers_dropped;
  };
  notePeer(cli, d.dst_ip);
  notePeer(srv, d.src_ip);
  // MAC addresses belong to the hosts only when the frame is not tunnelled.
  if (d.src_mac && d.tunnel == TunnelType::None) {
    auto setMac = [](Host* h, const uint8_t* mac) {
      if (!h || !h->local_stats || h->local_stats->has_mac) return;
      std::memcpy(h->local_stats->mac.data(), mac, 6);
      h->local_stats->has_mac = true;
    };
    setMac(cli, d.src_mac);
    setMac(srv, d.dst_mac);
  }
  return idx;
}

uint32_t NetworkInterface::findOrCreateHost(const IpAddress& ip, uint16_t vlan) {
  const HostKey key{ip, vlan};
  const uint64_t hash = key.hash();
  uint32_t idx = hosts_.find(key, hash);
  if (idx != HostTable::kNone) return idx;
  if (hosts_.full() && !evictOneHost()) {
    ++stats_.hosts.dropped;
    return kNoHost;
  }
  const int16_t net = networkOf(ip);
  const bool local = net != kNoNetwork;
  idx = hosts_.insert(key, hash, local ? kHostsLocal : kHostsRemote);
  Host& h = hosts_[idx];
  h.local = local;
  h.network = net;
  h.first_seen = h.last_seen = now_;
  if (local) {
    h.local_stats = std::make_unique<LocalHostStats>();
    ++networks_[net].hosts;
  }
  geo_.hostCreated(idx, h.geo);
  ++stats_.hosts.created;
  nameNewHost(h);
  return idx;
}

// ---- nDPI -------------------------------------------------------------------------------

template <bool kSampled>
void NetworkInterface::inspect(Flow& f, const DecodedPacket& d) {
  // Like nDPI's reference reader: every packet goes to nDPI until it names an application (and
  // needs nothing more) or the flow has had its share of packets; then nDPI's state goes.
  // Sampled flows count the samples nDPI saw, not the packets they stand for.
  const uint64_t packets = kSampled ? f.inspected_packets + 1 : f.c2s.traffic.packets + f.s2c.traffic.packets;
  const uint32_t limit = classifier_.maxPackets(d.l4_proto);
  const bool enough = packets > limit;
  ++f.inspected_packets;
  ++stats_.inspected_packets;
  const uint8_t* l3 = d.l3;
  if constexpr (kSampled) l3 = completeSampledHeader(d);
  f.app = classifier_.process(f.inspection, l3, d.l3_len, now_ / 1000);
  if (!enough && f.app.app == 0) return;
  if (!enough && classifier_.wantsMore(f.inspection)) return;
  finishInspection(f);
}

// nDPI refuses an IP packet whose header announces more bytes than it is given; a sampled
// header is cut short, so nDPI gets a copy whose length fields say what is there.
const uint8_t* NetworkInterface::completeSampledHeader(const DecodedPacket& d) {
  if (d.l3_len < 20) return d.l3;
  const uint32_t version = d.l3[0] >> 4;
  const uint32_t announced = version == 4 ? (uint32_t(d.l3[2]) << 8 | d.l3[3])
                             : version == 6 && d.l3_len >= 40 ? 40 + (uint32_t(d.l3[4]) << 8 | d.l3[5])
                                                               : 0;
  if (announced <= d.l3_len) return d.l3;
  sampled_l3_.assign(d.l3, d.l3 + d.l3_len);
  const uint32_t len = std::min<uint32_t>(d.l3_len, 65535);
  if (version == 4) {
    sampled_l3_[2] = uint8_t(len >> 8);
    sampled_l3_[3] = uint8_t(len);
  } else {
    sampled_l3_[4] = uint8_t((len - 40) >> 8);
    sampled_l3_[5] = uint8_t(len - 40);
  }
  return sampled_l3_.data();
}

void NetworkInterface::finishInspection(Flow& f) {
  if (!f.inspection) return;
  if (f.app.app == 0) f.app = classifier_.giveUp(f.inspection);
  f.details = classifier_.details(f.inspection, f.app);
  if (f.details && config_.name_mode != enrich::NameMode::None) learnFromDetails(f);
  f.app = classifier_.toCurrentIds(f.inspection, f.app);
  f.app.confidence = classifier_.confidence(f.inspection);
  classifier_.end(f.inspection);
  f.inspection = nullptr;
  f.detection_final = true;
}

// ---- rolling flow totals into hosts, networks and applications ------------------------------

const GeoAggregates& NetworkInterface::geo() const {
  geo_.refreshTraffic(geo_generation_, [this](auto add) {
    forEachHost([&](const Host& h) { add(h.geo, h.sent, h.received, h.last_seen); });
  });
  return geo_;
}

void NetworkInterface::resolveGeo() {
  ++geo_generation_;
  geo_.resolvePending(
      [this](uint32_t idx) -> std::pair<HostGeo*, const IpAddress*> {
        Host& h = hosts_[idx];
        if (!h.links.in_use) return {nullptr, nullptr};
        return {&h.geo, &h.key.ip};
      },
      [this](uint32_t idx) -> const void* { return &hosts_[idx]; }, now_);
}

void NetworkInterface::rollUp(Flow& f) {
  f.dirty = false;
  ++geo_generation_;
  // A flow reaches the AS and country entities of its hosts with its first traffic.
  if (geo_.enabled() && f.rolled_c2s.empty() && f.rolled_s2c.empty() && !(f.c2s.traffic.empty() && f.s2c.traffic.empty())) {
    const Host* cli = host(f.client_host);
    const Host* srv = host(f.server_host);
    geo_.flowCreated(cli ? &cli->geo : nullptr, srv ? &srv->geo : nullptr);
  }
  const TrafficCounter d_c2s = f.c2s.traffic - f.rolled_c2s;
  const TrafficCounter d_s2c = f.s2c.traffic - f.rolled_s2c;
  if (!d_c2s.empty() || !d_s2c.empty()) {
    f.rolled_c2s = f.c2s.traffic;
    f.rolled_s2c = f.s2c.traffic;
    auto touchHost = [&](uint32_t idx, const TrafficCounter& sent, const TrafficCounter& rcvd) {
      if (idx == kNoHost) return;
      Host& h = hosts_[idx];
      h.sent.add(sent);
      h.received.add(rcvd);
      if (f.last_seen > h.last_seen) {
        if (h.last_seen / kMicrosPerSecond != f.last_seen / kMicrosPerSecond) hosts_.touch(idx, h.links.list);
        h.last_seen = f.last_seen;
      }
      if (h.local_stats && h.local_stats->active_mark != tick_seq_) {
        h.local_stats->active_mark = tick_seq_;
        active_local_hosts_.push_back(idx);
      }
      if (h.local_stats) {
        const Endpoint peer = idx == f.client_host ? f.server() : f.client();
        auto it = h.local_stats->peers.find(peer.ip);
        if (it != h.local_stats->peers.end()) it->second.bytes += sent.bytes + rcvd.bytes;
      }
    };
    touchHost(f.client_host, d_c2s, d_s2c);
    if (f.server_host != f.client_host) touchHost(f.server_host, d_s2c, d_c2s);
    // Networks: traffic from outside a network into it is ingress, the reverse egress, and
    // traffic that stays inside is inner.
    auto account = [&](int16_t from, int16_t to, const TrafficCounter& t) {
      if (t.empty()) return;
      if (from != kNoNetwork && from == to) {
        networks_[from].inner.add(t);
        return;
      }
      if (from != kNoNetwork) networks_[from].egress.add(t);
      if (to != kNoNetwork) networks_[to].ingress.add(t);
    };
    account(f.client_network, f.server_network, d_c2s);
    account(f.server_network, f.client_network, d_s2c);
    if (f.name_agg != UINT32_MAX) addNameTraffic(f, d_c2s, d_s2c);
  }

  // Applications are credited once nDPI's answer is final, so that a flow's traffic is never
  // split between "Unknown" and the application it turns out to be.
  if (!f.detection_final) return;
  const uint16_t id = f.app.accounted();
  const TrafficCounter a_c2s = f.c2s.traffic - f.rolled_app_c2s;
  const TrafficCounter a_s2c = f.s2c.traffic - f.rolled_app_s2c;
  if (a_c2s.empty() && a_s2c.empty() && f.app_accounted) return;
  AppStats& a = app(id);
  a.traffic.add(a_c2s);
  a.traffic.add(a_s2c);
  const bool new_flow = !f.app_accounted;
  if (new_flow) {
    ++a.flows;
    f.app_accounted = true;
  }
  if (geo_.enabled()) {
    TrafficCounter t = a_c2s;
    t.add(a_s2c);
    const Host* cli = host(f.client_host);
    const Host* srv = host(f.server_host);
    geo_.appTraffic(cli ? &cli->geo : nullptr, srv ? &srv->geo : nullptr, id, t);
  }
  if (config_.local_host_apps) {
    auto credit = [&](uint32_t idx, const TrafficCounter& sent, const TrafficCounter& rcvd) {
      if (idx == kNoHost || !hosts_[idx].local_stats) return;
      AppTraffic& t = hosts_[idx].local_stats->app(id);
      t.sent.add(sent);
      t.received.add(rcvd);
      if (new_flow) ++t.flows;
    };
    credit(f.client_host, a_c2s, a_s2c);
    if (f.server_host != f.client_host) credit(f.server_host, a_s2c, a_c2s);
  }
  f.rolled_app_c2s = f.c2s.traffic;
  f.rolled_app_s2c = f.s2c.traffic;
}

void NetworkInterface::rollUpDirty() {
  resolveGeo();  // the hosts created since the last roll-up, in batches
  for (uint32_t idx : dirty_) {
    Flow& f = flows_[idx];
    if (f.links.in_use && f.dirty) rollUp(f);
  }
  dirty_.clear();
}

// ---- lifecycle --------------------------------------------------------------------------

void NetworkInterface::endFlow(uint32_t idx, FlowEndReason why) {
  if (geo_.hasPending()) resolveGeo();
  Flow& f = flows_[idx];
  finishInspection(f);
  rollUp(f);
  if (!exporters_.empty()) exportFlow(idx, f, true);
  for (FlowSink* s : sinks_) s->flowEnded(*this, f, why);
  for (int16_t n : {f.client_network, f.server_network}) {
    if (n == kNoNetwork) continue;
    --networks_[n].active_flows;
    if (f.client_network == f.server_network) break;
  }
  releaseHost(f.client_host);
  if (f.server_host != f.client_host) releaseHost(f.server_host);
  if (f.name_agg != UINT32_MAX) releaseNameAgg(f);
  flows_.erase(idx, f.key.hash());
}

void NetworkInterface::releaseHost(uint32_t idx) {
  if (idx == kNoHost) return;
  Host& h = hosts_[idx];
  if (h.active_flows > 0) --h.active_flows;
}

bool NetworkInterface::evictOneFlow() {
  // The least recently seen flow goes, closed TCP flows first.
  uint32_t victim = flows_.oldest(kFlowsClosed);
  const uint32_t active = flows_.oldest(kFlowsActive);
  if (victim == FlowTable::kNone || (active != FlowTable::kNone && flows_[active].last_seen + tcp_closed_ < flows_[victim].last_seen))
    victim = active;
  if (victim == FlowTable::kNone) return false;
  endFlow(victim, FlowEndReason::Evicted);
  ++stats_.flows.evicted;
  return true;
}

bool NetworkInterface::evictOneHost() {
  // Hosts with active flows stay; look at a bounded number of the oldest remote, then local.
  for (uint8_t list : {uint8_t(kHostsRemote), uint8_t(kHostsLocal)}) {
    int budget = 64;
    for (uint32_t idx = hosts_.oldest(list); idx != HostTable::kNone && budget-- > 0; idx = hosts_.newer(idx)) {
      Host& h = hosts_[idx];
      if (h.active_flows != 0) continue;
      if (h.network != kNoNetwork) --networks_[h.network].hosts;
      hostPurged(h);
      geo_.hostRemoved(h.geo, h.sent, h.received, h.last_seen);
      ++geo_generation_;
      hosts_.erase(idx, h.key.hash());
      ++stats_.hosts.evicted;
      return true;
    }
  }
  return false;
}

void NetworkInterface::expireFlows() {
  auto sweep = [&](uint8_t list, Micros timeout, FlowEndReason why) {
    for (uint32_t idx = flows_.oldest(list); idx != FlowTable::kNone;) {
      const Flow& f = flows_[idx];
      if (f.last_seen + timeout > now_) break;
      const uint32_t next = flows_.newer(idx);
      endFlow(idx, why);
      ++stats_.flows.expired;
      idx = next;
    }
  };
  sweep(kFlowsClosed, tcp_closed_, FlowEndReason::Closed);
  sweep(kFlowsActive, flow_idle_, FlowEndReason::Idle);
}

void NetworkInterface::expireHosts() {
  auto sweep = [&](uint8_t list, Micros timeout) {
    // Hosts still in a flow are moved to the recent end; bound the walk so a tick stays short.
    uint32_t budget = hosts_.size();
    for (uint32_t idx = hosts_.oldest(list); idx != HostTable::kNone && budget-- > 0;) {
      Host& h = hosts_[idx];
      if (h.last_seen + timeout > now_) break;
      const uint32_t next = hosts_.newer(idx);
      if (h.active_flows > 0) {
        hosts_.touch(idx, list);  // in use: look again next time round (last_seen stays true)
      } else {
        if (h.network != kNoNetwork) --networks_[h.network].hosts;
        hostPurged(h);
        geo_.hostRemoved(h.geo, h.sent, h.received, h.last_seen);
        ++geo_generation_;
        hosts_.erase(idx, h.key.hash());
        ++stats_.hosts.expired;
      }
      idx = next;
    }
  };
  sweep(kHostsLocal, local_host_idle_);
  sweep(kHostsRemote, remote_host_idle_);
}

void NetworkInterface::advanceClock(Micros now) {
  if (now < now_) return;
  now_ = now;
  if (next_tick_ == 0) {
    // Ticks fall on whole seconds, so that a tick closes exactly one second of traffic.
    next_tick_ = (now_ / kMicrosPerSecond + 1) * kMicrosPerSecond;
    last_tick_ = now_;
    return;
  }
  if (now_ >= next_tick_) tick();
}

void NetworkInterface::tick() {
  rollUpDirty();
  const Micros elapsed = now_ - last_tick_;
  if (elapsed > 0) {
    const TrafficCounter delta = stats_.received - traffic_at_last_tick_;
    const double secs = double(elapsed) / kMicrosPerSecond;
    stats_.throughput.bps = double(delta.bytes) * 8 / secs;
    stats_.throughput.pps = double(delta.packets) / secs;
  }
  traffic_at_last_tick_ = stats_.received;
  // Every packet since the last tick was in the second of the last tick: observers see it whole.
  notifyTick(uint32_t(last_tick_ / kMicrosPerSecond), uint32_t(now_ / kMicrosPerSecond), false);
  last_tick_ = now_;
  next_tick_ = (now_ / kMicrosPerSecond + 1) * kMicrosPerSecond;
  if (config_.expire_idle) {
    expireFlows();
    expireHosts();
  }
  if (!exporters_.empty()) exportSlice();
  serviceResolver();
  std::string error;
  std::vector<uint16_t> remap;
  if (classifier_.applyReload(&error, &remap) && !remap.empty()) moveToNewProtocolIds(remap);
  if (!error.empty()) {
    ++stats_.ndpi_reload_failures;
    std::fprintf(stderr, "netlens: %s: nDPI reload failed, keeping the current definitions: %s\n",
                 config_.name.c_str(), error.c_str());
  }
}

void NetworkInterface::notifyTick(uint32_t second, uint32_t now_second, bool final) {
  if (!tick_observers_.empty()) {
    // An entry may have been evicted and reused since it was listed: keep live local hosts only.
    std::erase_if(active_local_hosts_, [&](uint32_t idx) { return !hosts_[idx].links.in_use || !hosts_[idx].local_stats; });
    const TickInfo info{second, now_second, active_local_hosts_, final};
    for (TickObserver* o : tick_observers_) o->secondEnded(*this, info);
  }
  active_local_hosts_.clear();
  ++tick_seq_;
}

uint32_t NetworkInterface::activeLocalHosts() const {
  uint32_t n = 0;
  for (const NetworkStats& net : networks_) n += net.hosts;
  return n;
}

// ---- export ------------------------------------------------------------------------------

void NetworkInterface::addFlowExporter(FlowExporter* exporter, Micros interval) {
  exporters_.push_back(exporter);
  export_interval_ = export_interval_ ? std::min(export_interval_, interval) : interval;
  if (export_marks_.size() < flows_.highWater()) export_marks_.resize(flows_.highWater());
}

void NetworkInterface::exportFlow(uint32_t idx, const Flow& f, bool ended) {
  ExportMark& m = export_marks_[idx];
  FlowDelta d{f.c2s.traffic - m.c2s, f.s2c.traffic - m.s2c, ended};
  if (d.c2s.empty() && d.s2c.empty()) return;  // nothing new (an idle flow, or ended unchanged)
  m.c2s = f.c2s.traffic;
  m.s2c = f.s2c.traffic;
  for (FlowExporter* e : exporters_) e->exportFlow(*this, f, d);
}

void NetworkInterface::exportSlice() {
  // Each tick (a second) walks 1/interval of the table: every flow is looked at once per interval,
  // and a tick's cost stays proportional to the table's size over the interval.
  const uint32_t high = flows_.highWater();
  if (high > 0) {
    // high / seconds slots a tick, the remainder carried over: each slot once per interval.
    const uint64_t seconds = std::max<uint64_t>(1, export_interval_ / kMicrosPerSecond);
    export_carry_ += high;
    uint32_t budget = uint32_t(std::min<uint64_t>(high, export_carry_ / seconds));
    export_carry_ %= seconds;
    if (export_cursor_ >= high) export_cursor_ = 0;
    for (; budget > 0; --budget) {
      const uint32_t idx = export_cursor_;
      export_cursor_ = export_cursor_ + 1 >= high ? 0 : export_cursor_ + 1;
      if (flows_.inUse(idx) && flows_[idx].detection_final) exportFlow(idx, flows_[idx], false);
    }
  }
  for (FlowExporter* e : exporters_) e->flush();
}

void NetworkInterface::moveToNewProtocolIds(const std::vector<uint16_t>& remap) {
  auto to = [&](uint16_t id) { return id < remap.size() ? remap[id] : id; };
  bool moved = false;
  for (uint16_t id = 0; id < remap.size(); ++id) moved |= remap[id] != id;
  if (!moved) return;
  geo_.remapApps(to);
  std::vector<AppStats> old;
  old.swap(apps_);
  apps_.resize(classifier_.numProtocols());
  for (size_t id = 0; id < old.size(); ++id) {
    if (old[id].traffic.empty() && old[id].flows == 0) continue;
    AppStats& a = app(to(uint16_t(id)));
    a.traffic.add(old[id].traffic);
    a.flows += old[id].flows;
  }
  // Decided flows keep being credited under their protocol; undecided ones are translated
  // when their (old) module decides them.
  flows_.forEach([&](uint32_t, Flow& f) {
    if (!f.detection_final) return;
    f.app.master = to(f.app.master);
    f.app.app = to(f.app.app);
  });
  hosts_.forEach([&](uint32_t, Host& h) {
    if (!h.local_stats) return;
    std::vector<std::pair<uint16_t, AppTraffic>> apps;
    apps.swap(h.local_stats->apps);
    for (auto& [id, t] : apps) {
      AppTraffic& n = h.local_stats->app(to(id));
      n.sent.add(t.sent);
      n.received.add(t.received);
      n.flows += t.flows;
    }
  });
}

void NetworkInterface::shutdown() {
  finish();
  // Every flow ends here: hand each to the sinks, then drop the table in one go.
  flows_.forEach([&](uint32_t idx, Flow& f) {
    if (!exporters_.empty()) exportFlow(idx, f, true);
    for (FlowSink* s : sinks_) s->flowEnded(*this, f, FlowEndReason::Shutdown);
  });
  for (FlowExporter* e : exporters_) e->flush();
  flows_.clear();
  hosts_.forEach([](uint32_t, Host& h) { h.active_flows = 0; });
  for (NetworkStats& n : networks_) n.active_flows = 0;
}

void NetworkInterface::finish() {
  resolveGeo();
  flows_.forEach([&](uint32_t, Flow& f) {
    finishInspection(f);
    rollUp(f);
  });
  dirty_.clear();
  // The last second with traffic ends here (observers ignore a second they have already seen).
  if (next_tick_ != 0) {
    const uint32_t second = uint32_t(last_tick_ / kMicrosPerSecond);
    notifyTick(second, second + 1, true);
  }
}

}  // namespace netlens
