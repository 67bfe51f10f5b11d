#pragma once
// What became of an interface's flows in one flow exporter (ZMQ JSON, NetFlow v9/IPFIX): the
// export side's counterpart of CollectorStats, one ExportStats per exporter. Each interface's
// door into an exporter (ExportFeed) provides it; the engine copies it into every summary
// (NetworkInterface::summary, so SnapshotChannel), the runner prints it on the status line.
#include <cstdint>
#include <string>
#include <vector>

namespace netlens {

struct ExportStats {
  std::string kind;                       // "zmq" or "netflow" (v9 or IPFIX)
  std::vector<std::string> destinations;  // ZMQ: the endpoint; NetFlow/IPFIX: each collector's HOST:PORT
  // ZMQ only.
  bool connect = false;   // --zmq-probe-mode: connects to the collector instead of binding
  bool encrypted = false;  // CURVE
  uint32_t subscribers = 0;  // collectors subscribed now
  // NetFlow/IPFIX only.
  uint16_t version = 0;      // 9, or 10 for IPFIX
  bool round_robin = false;  // each flow to one destination in turn, instead of to all
  // This interface's flows.
  uint64_t flows = 0;               // flow updates handed to the exporter
  uint64_t flows_sent = 0;          // of them, sent on the wire
  uint64_t records_sent = 0;        // records sent (NetFlow/IPFIX: one per direction with traffic; ZMQ: one per flow)
  uint64_t messages = 0;            // ZMQ messages or datagrams sent
  uint64_t dropped_queue_full = 0;  // lost: the export queue (or ZeroMQ's send buffer) was full
  uint64_t no_subscriber = 0;       // ZMQ: published while no collector was subscribed (sent nowhere)
  uint64_t send_errors = 0;         // flows in messages the network refused
  // The exporter's queue: flows waiting, of every interface it serves.
  uint64_t queued = 0;
};

// The counters by name, in the order the API and the status line give them.
template <class Visit>
void forEachExportCounter(const ExportStats& s, Visit&& visit) {
  visit("flows", s.flows);
  visit("flows_sent", s.flows_sent);
  visit("records_sent", s.records_sent);
  visit("messages", s.messages);
  visit("dropped_queue_full", s.dropped_queue_full);
  if (s.kind == "zmq") visit("no_subscriber", s.no_subscriber);
  visit("send_errors", s.send_errors);
  visit("queued", s.queued);
}

class ExportStatsProvider {
 public:
  virtual ~ExportStatsProvider() = default;
  virtual ExportStats exportStats() const = 0;
};

}  // namespace netlens
