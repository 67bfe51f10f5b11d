#pragma once
#include <memory>

#include "capture/packet_source.hpp"

namespace netlens {

struct CaptureOptions {
  std::string bpf_filter;      // -B
  int snaplen = 65535;
  int buffer_mb = 64;          // kernel capture buffer for live devices
  int read_timeout_ms = 100;   // how long a live read waits before the engine ticks on wall time
  bool promiscuous = true;
};

// Opens "-" (a capture on stdin), a capture file (pcap or pcapng, told apart by content), or a
// live device. Throws std::runtime_error with a clear message when it cannot.
std::unique_ptr<PacketSource> openPcapSource(const std::string& spec, const CaptureOptions& options);

}  // namespace netlens
