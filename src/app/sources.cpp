#include "app/sources.hpp"

#include <cstdio>
#include <stdexcept>

#include "capture/pcap_source.hpp"
#include "collect/netflow_source.hpp"
#include "collect/zmq_keys.hpp"
#include "collect/zmq_source.hpp"
#include "collect/sflow_source.hpp"

namespace netlens {

namespace {

// "scheme://rest" -> rest when spec starts with the scheme.
bool hasScheme(const std::string& spec, const char* scheme, std::string& rest) {
  const std::string prefix = std::string(scheme) + "://";
  if (spec.compare(0, prefix.size(), prefix) != 0) return false;
  rest = spec.substr(prefix.size());
  return true;
}

template <typename Source>
std::unique_ptr<PacketSource> openCollector(const std::string& spec, const std::string& listen) {
  try {
    return std::make_unique<Source>(spec, listen);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("-i " + spec + ": " + e.what());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("-i " + spec + ": " + e.what());
  }
}

}  // namespace

std::unique_ptr<PacketSource> openSource(const std::string& spec, const Options& options) {
  std::string rest;
  if (hasScheme(spec, "netflow", rest)) return openCollector<NetflowSource>(spec, rest);
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
  if (hasScheme(spec, "sflow", rest)) return openCollector<SflowSource>(spec, rest);
  return openPcapSource(spec, options.capture);
}

}  // namespace netlens
