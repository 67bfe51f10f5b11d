#include "app/sources.hpp"

#include "capture/pcap_source.hpp"

namespace netlens {

std::unique_ptr<PacketSource> openSource(const std::string& spec, const Options& options) {
  return openPcapSource(spec, options.capture);
}

}  // namespace netlens
