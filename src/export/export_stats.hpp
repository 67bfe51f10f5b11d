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

// One counter of an exporter: its name (the API's field and the status line's), its value, what
// it counts (the HELP text of its Prometheus family) and whether it is a level that goes up and
// down (a gauge) rather than a count that only grows.
struct ExportCounter {
  const char* name;
  uint64_t value;
  const char* help;
  bool level = false;
};

// The counters, in the order the API, the status line and /metrics give them.
template <class Visit>
void forEachExportCounter(const ExportStats& s, Visit&& visit) {
  visit(ExportCounter{"flows", s.flows, "Flow updates handed to the exporter."});
  visit(ExportCounter{"flows_sent", s.flows_sent, "Flow updates sent on the wire."});
  visit(ExportCounter{"records_sent", s.records_sent,
                      "Records sent (NetFlow/IPFIX: one per direction that carried traffic; ZMQ: one per flow)."});
  visit(ExportCounter{"messages", s.messages, "ZMQ messages or NetFlow/IPFIX datagrams sent."});
  visit(ExportCounter{"dropped_queue_full", s.dropped_queue_full,
                      "Flow updates lost: the export queue (or ZeroMQ's send buffer) was full."});
  if (s.kind == "zmq")
    visit(ExportCounter{"no_subscriber", s.no_subscriber,
                        "Flow updates published while no collector was subscribed (ZeroMQ sent them nowhere)."});
  visit(ExportCounter{"send_errors", s.send_errors, "Flow updates in messages the network refused."});
  visit(ExportCounter{"queued", s.queued, "Flow updates waiting in the exporter's queue (of every interface it serves).", true});
}

class ExportStatsProvider {
 public:
  virtual ~ExportStatsProvider() = default;
  virtual ExportStats exportStats() const = 0;
};

}  // namespace netlens
