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

}  // namespace netlens
