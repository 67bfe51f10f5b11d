#pragma once
#include "engine/flow.hpp"

namespace netlens {

class NetworkInterface;

enum class FlowEndReason : uint8_t { Idle, Closed, Evicted, Shutdown };
const char* flowEndReasonName(FlowEndReason r);

// A consumer of ended flows (JSON dump, databases, exporters). Called on the packet thread
// with the flow's final state: keep it short or queue the work.
class FlowSink {
 public:
  virtual ~FlowSink() = default;
  virtual void flowEnded(const NetworkInterface& iface, const Flow& flow, FlowEndReason why) = 0;
};

// What a flow did since it was last handed to the exporters (counters as deltas, so that a
// collector adding up successive exports gets the flow's totals).
struct FlowDelta {
  TrafficCounter c2s, s2c;
  bool ended = false;
};

// A consumer of flow updates (ZMQ, NetFlow/IPFIX export): every flow that moved is handed over
// periodically while active and once more when it ends. Called on the packet thread: queue the
// work, never block.
class FlowExporter {
 public:
  virtual ~FlowExporter() = default;
  virtual void exportFlow(const NetworkInterface& iface, const Flow& flow, const FlowDelta& delta) = 0;
  // End of a batch (a tick's slice of flows, shutdown): hand what was queued over.
  virtual void flush() {}
};

}  // namespace netlens
