#pragma once
// TickObserver: a consumer of the engine's one-second tick (time series, activity maps). Called
// on the packet thread once a second of engine time has ended, with every flow's traffic up to
// the end of that second rolled into hosts, networks and applications: copy numbers and return.
#include <cstdint>
#include <span>

namespace netlens {

class NetworkInterface;

struct TickInfo {
  uint32_t second = 0;      // the second that ended (seconds since the epoch, engine time)
  uint32_t now_second = 0;  // the second the engine's clock is in now (> second)
  // Local hosts (indexes into the host table) that sent or received something in `second`.
  std::span<const uint32_t> active_local_hosts;
  bool final = false;  // end of input: `second` is the last one with traffic
};

class TickObserver {
 public:
  virtual ~TickObserver() = default;
  virtual void secondEnded(const NetworkInterface& iface, const TickInfo& tick) = 0;
};

}  // namespace netlens
