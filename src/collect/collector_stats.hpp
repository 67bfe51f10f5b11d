#pragma once
// What a flow collector knows about what feeds its interface, whatever the protocol (NetFlow/
// IPFIX, sFlow, ZMQ): the collector's own totals, one PeerStats per peer that sends to it
// (NetFlow/IPFIX: exporter, sFlow: agent, ZMQ: probe), and the interface counters sFlow agents
// report. The collector keeps them on its interface's packet thread; readers get a copy through
// the interface summary (NetworkInterface::summary, so SnapshotChannel).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/ip_address.hpp"
#include "core/timestamp.hpp"

namespace netlens {

// ZMQ messages skipped whole, by reason (see zmq_message.hpp). Every reason but other_topics is
// a malformation.
struct ZmqSkipped {
  uint64_t bad_header = 0;       // header frame of an unknown size or version, missing payload, extra frames
  uint64_t bad_json = 0;         // payloads that are not a JSON flow object or array of them
  uint64_t bad_compression = 0;  // zlib streams that do not inflate
  uint64_t too_large = 0;        // over the collector's limits
  uint64_t unsupported = 0;      // TLV-encoded payloads
  uint64_t other_topics = 0;     // messages of topics other than "flow" (events, counters, ...)

  uint64_t malformed() const { return bad_header + bad_json + bad_compression + too_large + unsupported; }
  // Adds what `now` counts beyond `before` (two readings of the same counters).
  void addGrowth(const ZmqSkipped& now, const ZmqSkipped& before) {
    bad_header += now.bad_header - before.bad_header;
    bad_json += now.bad_json - before.bad_json;
    bad_compression += now.bad_compression - before.bad_compression;
    too_large += now.too_large - before.too_large;
    unsupported += now.unsupported - before.unsupported;
    other_topics += now.other_topics - before.other_topics;
  }
};

// The reasons by name (the API's fields and the `reason` label of /metrics), in the API's order.
template <class Visit>
void forEachZmqSkipped(const ZmqSkipped& z, Visit&& visit) {
  visit("bad_header", z.bad_header);
  visit("bad_json", z.bad_json);
  visit("bad_compression", z.bad_compression);
  visit("too_large", z.too_large);
  visit("unsupported", z.unsupported);
  visit("other_topics", z.other_topics);
}

// Most peers a collector keeps statistics of (beyond: counted in CollectorStats::peers_not_kept).
inline constexpr size_t kMaxPeersPerCollector = 1024;

// One peer of a collector: a NetFlow/IPFIX exporter (by the datagrams' source), an sFlow agent
// (by the agent address in its datagrams) or a ZMQ probe (by the address libzmq reports).
struct PeerStats {
  IpAddress address;
  std::vector<uint32_t> domains;   // observation domains / v9 source ids / v5 engine / sFlow sub-agents / ZMQ source ids
  std::vector<uint16_t> versions;  // export versions seen (5, 9, 10 = IPFIX; sFlow: 5; ZMQ: header versions)
  uint64_t messages = 0;           // datagrams (NetFlow/IPFIX, sFlow) or ZMQ messages received
  uint64_t flows = 0;              // flow records (sFlow: flow samples) decoded
  uint64_t packets = 0, bytes = 0;  // what those records account for (scaled by sampling)
  uint64_t malformed = 0;          // messages with a malformation (what could be read counts)
  // Lost in transit, from the peer's sequence numbers: v5 and IPFIX number flow records, v9 and
  // sFlow number datagrams, ZMQ probes number messages.
  uint64_t lost_flows = 0;
  uint64_t lost_messages = 0;
  uint64_t sequence_resets = 0;    // jumps too large (or backwards) to be losses: a restart
  std::string last_error;          // the last malformation's short reason
  Micros first_seen = 0, last_seen = 0;
  // NetFlow/IPFIX only.
  uint64_t option_records = 0;     // options data (sampling rates)
  uint32_t templates = 0;          // templates currently known for this exporter
  uint64_t templates_learned = 0;
  uint64_t template_errors = 0;    // templates refused (table full) or withdrawn unknown
  uint64_t unknown_template_sets = 0;  // data sets skipped: template not (yet) received or expired
  // sFlow only.
  uint64_t counter_samples = 0;
  uint64_t skipped_records = 0;    // samples and records of formats netlens does not read
  // ZMQ only: the messages skipped, by reason (the malformed ones also count in `malformed`).
  ZmqSkipped zmq;
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
  std::string kind;    // "netflow" (v5, v9, IPFIX), "sflow" or "zmq"
  std::string listen;  // UDP: ADDR:PORT; ZMQ: the endpoints, as given to -i
  uint64_t messages = 0, bytes = 0;  // datagrams or ZMQ messages received, and their bytes
  uint64_t flows = 0;                // flow records (sFlow: flow samples) decoded, over all peers
  uint64_t malformed = 0;            // messages with a malformation, over all peers
  uint64_t peers_not_kept = 0;       // messages kept under no peer: beyond the table's bound (ZMQ: or no address)
  std::vector<PeerStats> peers;
  // UDP collectors (NetFlow/IPFIX, sFlow) only.
  uint64_t socket_drops = 0;      // datagrams the kernel dropped (socket buffer full)
  uint32_t receive_buffer = 0;    // the socket's receive buffer, bytes (as the kernel set it)
  // sFlow only.
  std::vector<AgentInterfaceCounters> interfaces;
  uint64_t interfaces_not_kept = 0;
  // ZMQ only: messages decoded as flows, messages skipped by reason, gaps in the message ids.
  uint64_t flow_messages = 0;
  ZmqSkipped zmq;
  uint64_t lost_messages = 0;
};

// Implemented by collector sources; the engine asks it, on the packet thread, when it builds a
// summary for readers.
class CollectorStatsProvider {
 public:
  virtual ~CollectorStatsProvider() = default;
  virtual std::shared_ptr<const CollectorStats> collectorStats() const = 0;
};

}  // namespace netlens
