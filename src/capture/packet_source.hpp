#pragma once
// PacketSource: where an interface's packets come from (a capture file, stdin, a live device).
#include <cstdint>
#include <string>
#include <vector>

#include "core/cidr.hpp"
#include "engine/network_interface.hpp"

namespace netlens {

enum class ReadResult { Packet, Timeout, End, Error };

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
  virtual CaptureDrops drops() = 0;
  virtual std::string lastError() const = 0;
  // Networks the device itself is configured with (live sources only).
  virtual std::vector<Cidr> ownNetworks() const { return {}; }
};

}  // namespace netlens
