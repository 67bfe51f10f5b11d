// NetworkInterface: names and operating systems learned from traffic. Everything here runs on
// the packet thread; an allocation happens only when something new is learned.
#include <cstring>

#include "engine/naming_state.hpp"
#include "enrich/dhcp_message.hpp"
#include "enrich/dns_message.hpp"

namespace netlens {

using enrich::NameSource;
using enrich::OsSource;
using enrich::OsType;

namespace {
bool isProto(const AppProtocol& p, std::initializer_list<uint16_t> ids) {
  for (uint16_t id : ids)
    if (p.master == id || p.app == id) return true;
  return false;
}
uint64_t macKey(const std::array<uint8_t, 6>& m) {
  uint64_t k = 0;
  for (uint8_t b : m) k = k << 8 | b;
  return k;
}
// Only a string of hex digits, dots and colons can be an address literal: most names are not
// handed to the parser.
bool couldBeAddress(std::string_view s) {
  for (const char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':')) return false;
  return true;
}
enrich::HostNames& namesOf(Host& h) {
  if (!h.names) h.names = std::make_unique<enrich::HostNames>();
  return *h.names;
}
}  // namespace

void NetworkInterface::learnName(const IpAddress& ip, uint16_t vlan, NameSource source, std::string_view name) {
  if (ip.empty() || name.empty()) return;
  // A name the cache already holds for the address, heard on the same VLAN (most DNS answers
  // repeat), is the host's already: a host takes the cached name when it is created, and every
  // change of the cache while it lives reaches it here.
  if (!naming_->cache.put(ip, vlan, source, name)) return;
  ++stats_.names.names_learned;
  const HostKey key{ip, vlan};
  const uint32_t idx = hosts_.find(key, key.hash());
  if (idx != HostTable::kNone) namesOf(hosts_[idx]).set(source, name);
}

void NetworkInterface::learnOs(const IpAddress& ip, uint16_t vlan, OsType os, OsSource source) {
  if (ip.empty() || os == OsType::Unknown) return;
  const HostKey key{ip, vlan};
  const uint32_t idx = hosts_.find(key, key.hash());
  if (idx == HostTable::kNone) return;
  if (namesOf(hosts_[idx]).setOs(os, source)) {
    ++stats_.names.os_learned;
    noteOs(os);
  }
}

void NetworkInterface::nameNewHost(Host& h) {
  if (const enrich::AddressNameEntry* e = naming_->cache.get(h.key.ip)) namesOf(h).set(e->source, e->name);
  wantName(h);
  if (naming_->keeper && h.local && naming_->returning.size() < Naming::kMaxKeeperOps)
    naming_->returning.emplace_back(h.key.ip, h.key.vlan);
}

void NetworkInterface::setHostKeeper(enrich::HostKeeper* keeper) { naming_->keeper = keeper; }

void NetworkInterface::hostPurged(const Host& h) {
  if (!naming_->keeper || !h.local || naming_->purged.size() >= Naming::kMaxKeeperOps) return;
  enrich::HostState s;
  s.first_seen_us = h.first_seen;
  s.sent_packets = h.sent.packets;
  s.sent_bytes = h.sent.bytes;
  s.received_packets = h.received.packets;
  s.received_bytes = h.received.bytes;
  s.flows_as_client = h.flows_as_client;
  s.flows_as_server = h.flows_as_server;
  naming_->purged.emplace_back(h.key.ip, h.key.vlan, s);
}

const enrich::NameAggregates& NetworkInterface::nameAggregates() const { return naming_->aggregates; }
const std::array<NetworkInterface::OsSeen, size_t(OsType::Count)>& NetworkInterface::osSeen() const {
  return naming_->os_seen;
}

void NetworkInterface::addNameTraffic(const Flow& f, const TrafficCounter& c2s, const TrafficCounter& s2c) {
  enrich::NameAggregate& a = naming_->aggregates[f.name_agg];
  a.traffic.add(c2s);
  a.traffic.add(s2c);
  if (f.last_seen > a.last_seen) a.last_seen = f.last_seen;
}

void NetworkInterface::releaseNameAgg(Flow& f) {
  enrich::NameAggregate& a = naming_->aggregates[f.name_agg];
  if (a.active_flows) --a.active_flows;
  f.name_agg = UINT32_MAX;
}

void NetworkInterface::noteOs(OsType os) {
  OsSeen& s = naming_->os_seen[size_t(os)];
  if (s.first_seen == 0) s.first_seen = now_;
  s.last_seen = now_;
  ++s.hits;
}

void NetworkInterface::setResolver(enrich::ReverseResolver* resolver) { naming_->resolver = resolver; }
void NetworkInterface::setAliases(const enrich::AliasTable* aliases) { naming_->aliases = aliases; }

void NetworkInterface::wantName(const Host& h) {
  const enrich::NameMode mode = config_.name_mode;
  if (!naming_->resolver) return;
  if (mode != enrich::NameMode::ResolveAll && !(mode == enrich::NameMode::ResolveLocal && h.local)) return;
  if (h.names && !h.names->by_source[size_t(NameSource::Resolver)].empty()) return;
  if (naming_->pending.size() >= Naming::kMaxPending) {
    ++stats_.names.resolve_queue_full;
    return;
  }
  naming_->pending.emplace_back(h.key.ip, h.key.vlan);
}

void NetworkInterface::serviceResolver() {
  Naming& n = *naming_;
  if (n.keeper) {
    for (const auto& [ip, vlan, s] : n.purged) n.keeper->save(config_.name, ip, vlan, s);
    n.purged.clear();
    for (const auto& [ip, vlan] : n.returning) n.keeper->load(config_.name, ip, vlan, n.restored);
    n.returning.clear();
    n.restored->drain(n.restored_now);
    for (const enrich::RestoredHost& r : n.restored_now) {
      const HostKey key{r.ip, r.vlan};
      const uint32_t idx = hosts_.find(key, key.hash());
      if (idx == HostTable::kNone) continue;
      // What it had before it was purged comes on top of what it did since it came back.
      Host& h = hosts_[idx];
      if (r.state.first_seen_us && r.state.first_seen_us < h.first_seen) h.first_seen = r.state.first_seen_us;
      const TrafficCounter sent{r.state.sent_packets, r.state.sent_bytes};
      const TrafficCounter received{r.state.received_packets, r.state.received_bytes};
      h.sent.add(sent);
      h.received.add(received);
      // Its AS and country kept what it did when it left: it is the host's again.
      if (h.geo.pending) resolveGeo();
      geo_.hostRestored(h.geo, sent, received);
      ++geo_generation_;
      h.flows_as_client += uint32_t(r.state.flows_as_client);
      h.flows_as_server += uint32_t(r.state.flows_as_server);
      ++stats_.names.hosts_restored;
    }
    n.restored_now.clear();
  }
  if (!n.resolver) return;
  // Handing over takes the pool's lock for a queue push each; the DNS is asked elsewhere.
  for (const auto& [ip, vlan] : n.pending) {
    if (n.resolver->submit(ip, vlan, n.results)) ++stats_.names.resolve_requested;
    else ++stats_.names.resolve_queue_full;
  }
  n.pending.clear();
  n.results->drain(n.answers);
  for (const enrich::ResolveResult& r : n.answers) {
    if (r.name.empty()) continue;
    ++stats_.names.resolved;
    learnName(r.ip, r.vlan, NameSource::Resolver, r.name);
  }
  n.answers.clear();
}

void NetworkInterface::learnFromUdp(const DecodedPacket& d) {
  using enrich::DnsFlavor;
  const uint8_t* p = d.payload;
  const size_t n = d.payload_len;
  if (d.src_port == 67 || d.src_port == 68 || d.dst_port == 67 || d.dst_port == 68) {
    enrich::DhcpMessage m;
    if (enrich::parseDhcp(p, n, m) != enrich::DhcpError::None) {
      ++stats_.names.malformed;
      return;
    }
    ++stats_.names.dhcp_messages;
    if (!m.has_mac) return;
    const uint64_t mac = macKey(m.mac);
    auto& clients = naming_->dhcp_clients;
    auto it = clients.find(mac);
    if (m.op == 1) {  // the client speaks: its name and what its DHCP client looks like
      OsType os = enrich::osFromDhcpVendorClass(m.vendorClass());
      OsSource source = OsSource::DhcpVendor;
      if (os == OsType::Unknown) {
        os = enrich::osFromDhcpParams(m.params, m.params_len);
        source = OsSource::DhcpFingerprint;
      }
      if (it == clients.end() && (m.host_name_len || os != OsType::Unknown)) {
        if (clients.size() >= Naming::kMaxDhcpClients) clients.erase(clients.begin());
        it = clients.emplace(mac, Naming::DhcpClient{}).first;
      }
      if (it != clients.end()) {
        if (m.host_name_len && it->second.host_name != m.hostName()) it->second.host_name.assign(m.hostName());
        if (os != OsType::Unknown) {
          it->second.os = os;
          it->second.os_source = source;
        }
      }
    }
    if (it == clients.end()) return;
    // The address the client has or is given (a server's ACK carries it in yiaddr).
    const IpAddress addr = m.op == 2 ? (m.message_type == 5 ? m.yiaddr : IpAddress{}) : m.clientAddress();
    if (addr.empty()) return;
    if (!it->second.host_name.empty()) learnName(addr, d.vlan, NameSource::Dhcp, it->second.host_name);
    learnOs(addr, d.vlan, it->second.os, it->second.os_source);
    return;
  }

  DnsFlavor flavor;
  NameSource source;
  if (d.src_port == 5353 || d.dst_port == 5353) {
    flavor = DnsFlavor::Mdns;
    source = NameSource::Mdns;
  } else if (d.src_port == 137 || d.dst_port == 137) {
    flavor = DnsFlavor::Netbios;
    source = NameSource::Netbios;
  } else if (d.src_port == 53) {
    flavor = DnsFlavor::Dns;
    source = NameSource::Dns;
  } else {
    return;  // a query to port 53: nothing to learn
  }
  enrich::DnsMessageReader r(p, n, flavor);
  if (!r.begin()) {
    ++stats_.names.malformed;
    return;
  }
  if (flavor == DnsFlavor::Dns) {
    if (!r.isResponse() || r.opcode() != 0) return;
    ++stats_.names.dns_responses;
  } else if (flavor == DnsFlavor::Mdns) {
    if (!r.isResponse()) return;
    ++stats_.names.mdns_messages;
  } else {
    ++stats_.names.netbios_messages;
  }
  // A/AAAA answers name the addresses after the name that was asked for (not the CDN alias
  // a CNAME chain ends on).
  const enrich::DnsName& question = r.question();
  const bool by_question = flavor == DnsFlavor::Dns && question.len > 0 && question.printable && r.questionType() != 12;
  if (by_question) r.skipAddressOwners();
  enrich::DnsAddressRecord rec;
  while (r.next(rec)) {
    switch (rec.type) {
      case enrich::DnsRecordType::A:
      case enrich::DnsRecordType::Aaaa:
        learnName(rec.address, d.vlan, source, by_question ? question.view() : rec.name.view());
        break;
      case enrich::DnsRecordType::Ptr:
        learnName(rec.address, d.vlan, source, rec.name.view());
        break;
      case enrich::DnsRecordType::Nb:
        // A host's own name: unique (not a group), workstation or file server service.
        if (!rec.netbios_group && rec.name.printable && (rec.netbios_suffix == 0x00 || rec.netbios_suffix == 0x20))
          learnName(rec.address, d.vlan, source, rec.name.view());
        break;
    }
  }
  if (r.error() != enrich::DnsError::None) ++stats_.names.malformed;
}

void NetworkInterface::learnFromDetails(Flow& f) {
  const FlowDetails& det = *f.details;
  if (!det.server_name.empty()) {
    const bool dns = isProto(f.app, {NDPI_PROTOCOL_DNS});
    const bool tls = isProto(f.app, {NDPI_PROTOCOL_TLS, NDPI_PROTOCOL_QUIC, NDPI_PROTOCOL_DTLS});
    const bool http = !tls && isProto(f.app, {NDPI_PROTOCOL_HTTP, NDPI_PROTOCOL_HTTP_CONNECT, NDPI_PROTOCOL_HTTP_PROXY});
    std::string_view name = det.server_name;
    // An HTTP Host header may carry a port.
    if (http)
      if (const size_t colon = name.rfind(':'); colon != std::string_view::npos && name.find(':') == colon)
        name = name.substr(0, colon);
    // An address where a name should be (HTTP to an IP, odd clients) names nothing.
    const bool is_address = (tls || http) && !name.empty() && (name.front() == '[' || (couldBeAddress(name) && IpAddress::parse(name)));
    // The flow joins the aggregate of the DNS name it asked for, or of the server name it used.
    if ((dns || tls || http) && !is_address && !name.empty() && f.name_agg == UINT32_MAX) {
      enrich::NameAggregates& aggs = naming_->aggregates;
      const uint32_t idx = aggs.findOrCreate(dns ? enrich::NameKind::DnsQuery : enrich::NameKind::ServerName, name, now_);
      if (idx != enrich::NameAggregates::kNone) {
        enrich::NameAggregate& a = aggs[idx];
        f.name_agg = idx;
        ++a.hits;
        ++a.active_flows;
        if (f.first_seen < a.first_seen || a.first_seen == 0) a.first_seen = f.first_seen;
        a.traffic.add(f.rolled_c2s);
        a.traffic.add(f.rolled_s2c);
        a.noteClient(f.client().ip);
        if (!dns) a.noteServer(f.server().ip);
      }
    }
    // What the client asked the server for: the server answers to that name.
    if ((tls || http) && !is_address && !name.empty() && f.server_host != kNoHost &&
        namesOf(hosts_[f.server_host]).set(tls ? NameSource::TlsSni : NameSource::HttpHost, name))
      ++stats_.names.names_learned;
  }
  // A host whose OS is already known from its User-Agent (or better) is not asked again.
  const Host* client = f.client_host == kNoHost ? nullptr : &hosts_[f.client_host];
  if (!det.user_agent.empty() && client && (!client->names || client->names->os_source < OsSource::UserAgent)) {
    const OsType os = enrich::osFromUserAgent(det.user_agent);
    if (os != OsType::Unknown && namesOf(hosts_[f.client_host]).setOs(os, OsSource::UserAgent)) {
      ++stats_.names.os_learned;
      noteOs(os);
    }
  }
}

}  // namespace netlens
