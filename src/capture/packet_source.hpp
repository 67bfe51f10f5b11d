#pragma once
// PacketSource: where an interface's input comes from: packets (a capture file, stdin, a live
// device, sampled headers) or flow records (NetFlow/IPFIX/sFlow collectors, ZMQ probes).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "collect/flow_record.hpp"

#include "core/cidr.hpp"
#include "engine/network_interface.hpp"

namespace netlens {

// Packet: `packet` holds one frame. Records: records() holds a batch of flow records.
enum class ReadResult { Packet, Records, Timeout, End, Error };

struct CaptureDrops {
  uint64_t kernel = 0;
  uint64_t interface = 0;
};

class PacketSource {
 public:
  virtual ~PacketSource() = default;
  virtual const std::string& name() const = 0;
  // Files and stdin: the engine's clock is packet time and the source ends.
  virtual bool isFile() const = 0;
  // Fills packet (valid until the next call). Live sources return Timeout when idle.
  virtual ReadResult next(PacketRef& packet) = 0;
  // After next() returned Records: the batch (valid until the next call).
  virtual std::span<const FlowRecord> records() const { return {}; }
  virtual CaptureDrops drops() = 0;
  virtual std::string lastError() const = 0;
  // Networks the device itself is configured with (live sources only).
  virtual std::vector<Cidr> ownNetworks() const { return {}; }
};

}  // namespace netlens
