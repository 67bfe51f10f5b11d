#pragma once
// Flow: one bidirectional conversation, as the engine keeps it while it is active.
#include <cstdint>
#include <memory>

#include "core/counters.hpp"
#include "core/flow_key.hpp"
#include "core/timestamp.hpp"
#include "decode/decoded_packet.hpp"
#include "engine/entry_table.hpp"
#include "engine/ndpi_classifier.hpp"

namespace netlens {

enum class TcpState : uint8_t { None, SynSent, SynReceived, Established, Closing, Closed, Reset };
const char* tcpStateName(TcpState s);

struct FlowDirectionStats {
  TrafficCounter traffic;
  uint64_t payload_bytes = 0;
  Micros first_seen = 0;
  Micros last_seen = 0;
  uint32_t next_seq = 0;  // next TCP sequence number expected in this direction
  uint32_t retransmissions = 0;
  uint32_t out_of_order = 0;
  uint8_t tcp_flags = 0;  // every flag seen in this direction
  bool seq_known = false;
};

// Which recency list of the flow table a flow is in: closed TCP flows expire sooner.
enum FlowList : uint8_t { kFlowsActive = 0, kFlowsClosed = 1, kFlowLists = 2 };

inline constexpr uint32_t kNoHost = UINT32_MAX;
inline constexpr int16_t kNoNetwork = -1;

struct Flow {
  FlowKey key;
  uint64_t id = 0;  // per interface, in order of creation: how readers name a flow
  TableLinks links;
  bool client_is_a = true;      // the key's endpoint "a" is the client (started the flow)
  bool detection_final = false;
  bool dirty = false;           // changed since its totals were last rolled into hosts/apps
  bool app_accounted = false;   // its flow has been counted in its application
  TcpState tcp_state = TcpState::None;
  TunnelType tunnel = TunnelType::None;
  uint16_t inspected_packets = 0;
  int16_t client_network = kNoNetwork;
  int16_t server_network = kNoNetwork;
  uint32_t client_host = kNoHost;
  uint32_t server_host = kNoHost;
  uint32_t last_touch_second = 0;  // recency list position is refreshed once per second
  AppProtocol app;
  Micros first_seen = 0;
  Micros last_seen = 0;
  FlowDirectionStats c2s, s2c;
  // Totals already rolled into hosts/networks, and into applications (see rollUp).
  TrafficCounter rolled_c2s, rolled_s2c, rolled_app_c2s, rolled_app_s2c;
  Inspection* inspection = nullptr;  // nDPI state, only while inspecting
  uint32_t name_agg = UINT32_MAX;    // its DNS query / server name aggregate, once known
  std::shared_ptr<const FlowDetails> details;  // immutable once the application is final

  Endpoint client() const { return client_is_a ? key.a() : key.b(); }
  Endpoint server() const { return client_is_a ? key.b() : key.a(); }
  TrafficCounter total() const {
    TrafficCounter t = c2s.traffic;
    t.add(s2c.traffic);
    return t;
  }
};

}  // namespace netlens
