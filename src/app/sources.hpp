#pragma once
// Which kind of source an -i argument names: one place that tells them apart by scheme.
#include <memory>
#include <string>

#include "app/options.hpp"
#include "capture/packet_source.hpp"

namespace netlens {

// "-", a capture file or a live device (libpcap); collectors are named by a scheme
// (netflow://, sflow://, tcp:// for ZMQ probes). Throws std::runtime_error with a clear message.
std::unique_ptr<PacketSource> openSource(const std::string& spec, const Options& options);

}  // namespace netlens
