#pragma once
// What a flow collector (NetFlow/IPFIX, sFlow) knows about the devices that send to it: one
// ExporterStats per exporter (sFlow: per agent), the interface counters sFlow agents report, and
// the socket's own totals. The collector keeps them on its interface's packet thread; readers get
// a copy through the interface summary (NetworkInterface::summary, so SnapshotChannel).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/ip_address.hpp"
#include "core/timestamp.hpp"

namespace netlens {

struct ExporterStats {
  IpAddress address;               // NetFlow/IPFIX: the datagrams' source; sFlow: the agent address
  std::vector<uint32_t> domains;   // observation domains / v9 source ids / v5 engine / sFlow sub-agents
  std::vector<uint16_t> versions;  // export versions seen (5, 9, 10 = IPFIX; sFlow: 5)
  uint64_t datagrams = 0;
  uint64_t flows = 0;              // flow records (sFlow: flow samples) decoded
  uint64_t packets = 0, bytes = 0;  // what those records account for (scaled by sampling)
  uint64_t option_records = 0;     // NetFlow/IPFIX options data (sampling rates)
  uint64_t counter_samples = 0;    // sFlow counter samples
  uint32_t templates = 0;          // templates currently known for this exporter
  uint64_t templates_learned = 0;
  uint64_t template_errors = 0;    // templates refused (table full) or withdrawn unknown
  uint64_t unknown_template_sets = 0;  // data sets skipped: template not (yet) received or expired
  uint64_t skipped_records = 0;    // sFlow: samples and records of formats netlens does not read
  uint64_t malformed = 0;          // datagrams with a malformation (what could be read counts)
  // Lost in transit, from the exporter's sequence numbers: v5 and IPFIX number flow records,
  // v9 and sFlow number datagrams.
  uint64_t lost_flows = 0;
  uint64_t lost_datagrams = 0;
  uint64_t sequence_resets = 0;    // jumps too large (or backwards) to be losses: a restart
  std::string last_error;          // the last malformation's short reason
  Micros first_seen = 0, last_seen = 0;
};

// sFlow generic interface counters (counter_sample format 1), per agent and ifIndex: the latest
// values the agent reported.
struct AgentInterfaceCounters {
  IpAddress agent;
  uint32_t if_index = 0;
  uint32_t if_type = 0;
  uint64_t if_speed = 0;
  uint32_t if_direction = 0;  // 0 unknown, 1 full duplex, 2 half, 3 in, 4 out
  uint32_t if_status = 0;     // bit 0 admin up, bit 1 operational up
  uint64_t in_octets = 0;
  uint32_t in_ucast = 0, in_multicast = 0, in_broadcast = 0, in_discards = 0, in_errors = 0,
           in_unknown_protos = 0;
  uint64_t out_octets = 0;
  uint32_t out_ucast = 0, out_multicast = 0, out_broadcast = 0, out_discards = 0, out_errors = 0;
  uint32_t promiscuous = 0;
  Micros last_seen = 0;
};

struct CollectorStats {
  std::string kind;    // "netflow" (v5, v9, IPFIX) or "sflow"
  std::string listen;  // ADDR:PORT
  uint64_t datagrams = 0, bytes = 0;
  uint64_t socket_drops = 0;        // datagrams the kernel dropped (socket buffer full)
  uint64_t malformed = 0;           // datagrams with a malformation, over all exporters
  uint64_t exporters_not_kept = 0;  // datagrams from exporters beyond the table's bound
  uint32_t receive_buffer = 0;      // the socket's receive buffer, bytes (as the kernel set it)
  std::vector<ExporterStats> exporters;
  std::vector<AgentInterfaceCounters> interfaces;  // sFlow only
  uint64_t interfaces_not_kept = 0;
};

// Implemented by collector sources; the engine asks it, on the packet thread, when it builds a
// summary for readers.
class CollectorStatsProvider {
 public:
  virtual ~CollectorStatsProvider() = default;
  virtual std::shared_ptr<const CollectorStats> collectorStats() const = 0;
};

}  // namespace netlens
