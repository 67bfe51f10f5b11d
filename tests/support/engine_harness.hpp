#pragma once
// Helpers for the engine's unit tests: frames between two chosen endpoints (Ethernet with real
// MAC addresses, optional VLAN, TCP with consistent sequence and acknowledgement numbers as nDPI
// expects them), DNS messages, a FlowSink that records what it is given, and small finders over
// the engine's query interface.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/flow_sink.hpp"
#include "engine/network_interface.hpp"
#include "packet_builder.hpp"

namespace netlens::test {

using Mac = std::array<uint8_t, 6>;

// A fixed, arbitrary epoch for the tests' packet times: a realistic value, far from zero (the
// engine uses 0 to mean "not yet").
inline constexpr Micros kT0 = Micros(1'700'000'000) * kMicrosPerSecond;
inline Micros at(double seconds) { return kT0 + Micros(seconds * double(kMicrosPerSecond)); }

inline Bytes ethernetFrame(const Mac& dst, const Mac& src, uint16_t ethertype, const Bytes& payload,
                           uint16_t vlan = 0) {
  Bytes b(dst.begin(), dst.end());
  b.insert(b.end(), src.begin(), src.end());
  if (vlan != 0) {
    put16(b, 0x8100);
    put16(b, vlan);
  }
  put16(b, ethertype);
  append(b, payload);
  return b;
}

inline Bytes tcpHeaderWithAck(uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
                              const std::string& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put32(b, seq);
  put32(b, ack);
  b.push_back(5 << 4);
  b.push_back(flags);
  put16(b, 65535);
  put32(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

struct Side {
  std::string ip;
  uint16_t port = 0;
  Mac mac{};
};

inline Mac macFor(uint8_t last) { return Mac{0x02, 0x00, 0x00, 0x00, 0x00, last}; }

// Frames of one conversation between a client and a server. TCP sequence numbers advance as
// segments are built, so the frames are what a real capture would hold.
class Conversation {
 public:
  Conversation(Side client, Side server, uint16_t vlan = 0)
      : client_(std::move(client)), server_(std::move(server)), vlan_(vlan) {}

  Bytes udp(bool from_client, const Bytes& payload) const {
    const Side& s = from_client ? client_ : server_;
    const Side& d = from_client ? server_ : client_;
    return frame(from_client, 17, udpDatagram(s.port, d.port, payload));
  }
  Bytes udp(bool from_client, const std::string& payload) const {
    return udp(from_client, Bytes(payload.begin(), payload.end()));
  }

  // A TCP segment at the sender's next sequence number, acknowledging all the peer sent.
  Bytes tcp(bool from_client, uint8_t flags, const std::string& payload = {}) {
    uint32_t& mine = from_client ? client_seq_ : server_seq_;
    const uint32_t theirs = from_client ? server_seq_ : client_seq_;
    const uint32_t seq = mine;
    mine += uint32_t(payload.size()) + ((flags & tcp_flag::Syn) ? 1 : 0) + ((flags & tcp_flag::Fin) ? 1 : 0);
    return tcpAt(from_client, flags, seq, (flags & tcp_flag::Ack) ? theirs : 0, payload);
  }
  // A TCP segment with explicit numbers (retransmissions, gaps); the sequence state is unchanged.
  Bytes tcpAt(bool from_client, uint8_t flags, uint32_t seq, uint32_t ack, const std::string& payload = {}) const {
    const Side& s = from_client ? client_ : server_;
    const Side& d = from_client ? server_ : client_;
    return frame(from_client, 6, tcpHeaderWithAck(s.port, d.port, flags, seq, ack, payload));
  }
  uint32_t nextSeq(bool from_client) const { return from_client ? client_seq_ : server_seq_; }

  // Builds the handshake: SYN, SYN-ACK, ACK.
  std::vector<Bytes> handshake() {
    return {tcp(true, tcp_flag::Syn), tcp(false, tcp_flag::Syn | tcp_flag::Ack), tcp(true, tcp_flag::Ack)};
  }

  Bytes frame(bool from_client, uint8_t proto, const Bytes& l4) const {
    const Side& s = from_client ? client_ : server_;
    const Side& d = from_client ? server_ : client_;
    const bool v6 = s.ip.find(':') != std::string::npos;
    const Bytes l3 = v6 ? ipv6(s.ip.c_str(), d.ip.c_str(), proto, l4) : ipv4(s.ip.c_str(), d.ip.c_str(), proto, l4);
    return ethernetFrame(d.mac, s.mac, v6 ? 0x86DD : 0x0800, l3, vlan_);
  }

  const Side& client() const { return client_; }
  const Side& server() const { return server_; }

 private:
  Side client_, server_;
  uint16_t vlan_ = 0;
  uint32_t client_seq_ = 0x10000000;
  uint32_t server_seq_ = 0x70000000;
};

// ---- DNS ------------------------------------------------------------------------------------

inline void putDnsName(Bytes& b, const std::string& name) {
  size_t start = 0;
  while (start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    b.push_back(uint8_t(dot - start));
    b.insert(b.end(), name.begin() + long(start), name.begin() + long(dot));
    start = dot + 1;
  }
  b.push_back(0);
}

inline Bytes dnsQuery(uint16_t id, const std::string& name) {
  Bytes b;
  put16(b, id);
  put16(b, 0x0100);  // standard query, recursion desired
  put16(b, 1);       // one question
  put16(b, 0);
  put16(b, 0);
  put16(b, 0);
  putDnsName(b, name);
  put16(b, 1);  // A
  put16(b, 1);  // IN
  return b;
}

inline Bytes dnsResponse(uint16_t id, const std::string& name, const char* address) {
  Bytes b;
  put16(b, id);
  put16(b, 0x8180);  // response, recursion desired and available, no error
  put16(b, 1);
  put16(b, 1);  // one answer
  put16(b, 0);
  put16(b, 0);
  putDnsName(b, name);
  put16(b, 1);
  put16(b, 1);
  put16(b, 0xC00C);  // the name: a pointer to the question's
  put16(b, 1);
  put16(b, 1);
  put32(b, 300);  // TTL
  put16(b, 4);
  const IpAddress a = ip(address);
  b.insert(b.end(), a.data(), a.data() + 4);
  return b;
}

// ---- feeding and looking ---------------------------------------------------------------------

inline void feed(NetworkInterface& iface, Micros ts, const Bytes& frame, int link_type = 1) {
  iface.processPacket(PacketRef{ts, frame.data(), uint32_t(frame.size()), uint32_t(frame.size()), link_type});
}

// Moves the clock one second at a time (so that every second has its tick) up to `until`.
inline void runClockTo(NetworkInterface& iface, Micros until) {
  // A clock that never started (now() == 0) starts at `until`.
  const Micros from = iface.now() == 0 ? until : iface.now();
  for (Micros t = from + kMicrosPerSecond; t < until; t += kMicrosPerSecond) iface.advanceClock(t);
  iface.advanceClock(until);
}

// The flow whose server is (ip, port) on a VLAN with an L4 protocol; nullptr when none.
inline const Flow* findFlow(const NetworkInterface& iface, const char* server_ip, uint16_t server_port,
                            uint8_t l4_proto, uint16_t vlan = 0) {
  const Flow* found = nullptr;
  const IpAddress want = ip(server_ip);
  iface.forEachFlow([&](const Flow& f) {
    const Endpoint s = f.server();
    if (s.ip == want && s.port == server_port && f.key.l4Proto() == l4_proto && f.key.vlan() == vlan)
      found = &f;
  });
  return found;
}

// The flow whose client is (ip, port); nullptr when none.
inline const Flow* findFlowFrom(const NetworkInterface& iface, const char* client_ip, uint16_t client_port) {
  const Flow* found = nullptr;
  const IpAddress want = ip(client_ip);
  iface.forEachFlow([&](const Flow& f) {
    if (f.client().ip == want && f.client().port == client_port) found = &f;
  });
  return found;
}

inline const Host* findHost(const NetworkInterface& iface, const char* address, uint16_t vlan = 0) {
  const Host* found = nullptr;
  const HostKey want{ip(address), vlan};
  iface.forEachHost([&](const Host& h) {
    if (h.key == want) found = &h;
  });
  return found;
}

inline size_t countFlows(const NetworkInterface& iface) {
  size_t n = 0;
  iface.forEachFlow([&](const Flow&) { ++n; });
  return n;
}

// What applications() holds over all protocols.
struct AppTotals {
  TrafficCounter traffic;
  uint64_t flows = 0;
};
inline AppTotals sumApplications(const NetworkInterface& iface) {
  AppTotals t;
  for (const AppStats& a : iface.applications()) {
    t.traffic.add(a.traffic);
    t.flows += a.flows;
  }
  return t;
}

// ---- a real flow sink that keeps what it was given ----------------------------------------------

struct EndedFlow {
  Endpoint client, server;
  uint8_t l4_proto = 0;
  uint16_t vlan = 0;
  TrafficCounter c2s, s2c;
  AppProtocol app;
  std::string app_name;
  std::string server_name;
  FlowEndReason why = FlowEndReason::Shutdown;
  TcpState tcp_state = TcpState::None;
  bool detection_final = false;
  bool still_inspecting = false;
  Micros last_seen = 0;
  Micros ended_at = 0;  // the engine's clock when the sink was called
};

class RecordingSink : public FlowSink {
 public:
  void flowEnded(const NetworkInterface& iface, const Flow& f, FlowEndReason why) override {
    EndedFlow e;
    e.client = f.client();
    e.server = f.server();
    e.l4_proto = f.key.l4Proto();
    e.vlan = f.key.vlan();
    e.c2s = f.c2s.traffic;
    e.s2c = f.s2c.traffic;
    e.app = f.app;
    e.app_name = iface.classifier().fullName(f.app);
    if (f.details) e.server_name = f.details->server_name;
    e.why = why;
    e.tcp_state = f.tcp_state;
    e.detection_final = f.detection_final;
    e.still_inspecting = f.inspection != nullptr;
    e.last_seen = f.last_seen;
    e.ended_at = iface.now();
    ended.push_back(std::move(e));
  }

  size_t count(FlowEndReason why) const {
    size_t n = 0;
    for (const EndedFlow& e : ended) n += e.why == why ? 1 : 0;
    return n;
  }

  std::vector<EndedFlow> ended;
};

inline EngineConfig engineConfig(std::vector<const char*> local_networks = {}) {
  EngineConfig c;
  c.name = "test0";
  for (const char* n : local_networks) c.local_networks.push_back(*Cidr::parse(n));
  return c;
}

}  // namespace netlens::test
