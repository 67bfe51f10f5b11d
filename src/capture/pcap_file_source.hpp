#pragma once
#include <memory>

#include "capture/pcap_source.hpp"

namespace netlens {

// A reader of classic pcap files (microsecond or nanosecond, either byte order) that parses
// records straight out of large read() buffers: the common case of `-i FILE`, at a fraction of
// libpcap's cost per packet. Returns nullptr when the file is not a classic pcap (pcapng, or
// not a capture at all): libpcap then takes it, and says what is wrong.
std::unique_ptr<PacketSource> openPcapFileSource(const std::string& path, const CaptureOptions& options);

}  // namespace netlens
