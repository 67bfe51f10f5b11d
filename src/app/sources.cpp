#include "app/sources.hpp"

#include <cstdio>

#include "capture/pcap_source.hpp"
#include "collect/zmq_keys.hpp"
#include "collect/zmq_source.hpp"

namespace netlens {

std::unique_ptr<PacketSource> openSource(const std::string& spec, const Options& options) {
  if (isZmqSpec(spec)) {
    ZmqSourceOptions zo;
    if (!options.flow_io.zmq_encryption_key.empty()) {
      zo.curve_secret_key = loadCurveKey(options.flow_io.zmq_encryption_key, "--zmq-encryption-key");
      if (!options.quiet)
        std::fprintf(stderr, "netlens: %s: CURVE encryption on; probes must use the public key %s\n", spec.c_str(),
                     curvePublicKey(zo.curve_secret_key).c_str());
    }
    return std::make_unique<ZmqFlowSource>(spec, zo);
  }
  return openPcapSource(spec, options.capture);
}

}  // namespace netlens
