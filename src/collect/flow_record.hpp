#pragma once
// FlowRecord: what one exported flow says (NetFlow v5/v9, IPFIX), in the collector's own terms:
// absolute times, counters already scaled by the exporter's sampling rate.
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/ip_address.hpp"
#include "core/timestamp.hpp"

namespace netlens {

// The fields an exporter may or may not send; FlowRecord::present says which ones it did.
enum class FlowField : uint32_t {
  SrcAddress = 1u << 0,
  DstAddress = 1u << 1,
  SrcPort = 1u << 2,
  DstPort = 1u << 3,
  Protocol = 1u << 4,
  Tos = 1u << 5,
  TcpFlags = 1u << 6,
  Vlan = 1u << 7,
  Packets = 1u << 8,
  Bytes = 1u << 9,
  OutPackets = 1u << 10,
  OutBytes = 1u << 11,
  FirstSwitched = 1u << 12,
  LastSwitched = 1u << 13,
  InputInterface = 1u << 14,
  OutputInterface = 1u << 15,
  Sampling = 1u << 16,  // a sampling rate other than 1 applied to the counters
  L7Ids = 1u << 17,     // l7_master / l7_app: the probe's application as nDPI protocol numbers
  L7Name = 1u << 18,    // l7_name: the probe's application by name ("TLS.Google")
};

struct FlowDetails;  // engine/ndpi_classifier.hpp: what a probe knows beyond the counters

struct FlowRecord {
  uint8_t export_version = 0;  // 5, 9 or 10 (IPFIX)
  uint8_t ip_version = 0;      // 4, 6, or 0 when the record carries no address
  IpAddress src_ip, dst_ip;
  uint16_t src_port = 0, dst_port = 0;
  uint8_t l4_proto = 0;
  uint8_t tos = 0;
  uint8_t tcp_flags = 0;
  uint16_t vlan = 0;
  // Packets and IP-layer bytes as exported, multiplied by sampling_rate. out_* are the
  // reverse-direction counters some exporters add (OUT_PKTS / OUT_BYTES).
  uint64_t packets = 0, bytes = 0;
  uint64_t out_packets = 0, out_bytes = 0;
  Micros first_switched = 0, last_switched = 0;  // microseconds since the epoch
  uint32_t input_if = 0, output_if = 0;
  uint32_t sampling_rate = 1;
  IpAddress exporter;
  uint32_t observation_domain = 0;  // IPFIX observation domain, v9 source id, v5 engine type/id
  uint32_t present = 0;             // FlowField bits
  // The probe's application (nProbe's L7_PROTO "master.app" / L7_PROTO_NAME), when it sent one.
  uint16_t l7_master = 0, l7_app = 0;
  std::string_view l7_name;  // valid while the batch is (the source keeps the text)
  // Server name, process of each side, ...: only when the probe sent some (shared, immutable).
  std::shared_ptr<const FlowDetails> details;

  bool has(FlowField f) const { return (present & uint32_t(f)) != 0; }
  void set(FlowField f) { present |= uint32_t(f); }
};

}  // namespace netlens
