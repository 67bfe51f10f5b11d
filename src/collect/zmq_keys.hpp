#pragma once
// ZeroMQ CURVE keys as netlens takes them: 40-character Z85 text (ZeroMQ's own form, what
// `zmq_curve_keypair` and nProbe/ntopng print), given on the command line or as @FILE (the
// file's first line) so that a secret key need not appear in the process list.
#include <string>
#include <utility>

namespace netlens {

// Reads and checks a key; throws std::runtime_error naming `what` when it is not one.
std::string loadCurveKey(const std::string& spec, const char* what);
// The public key that goes with a secret key (both Z85).
std::string curvePublicKey(const std::string& secret_key);
// A new key pair: {public, secret}.
std::pair<std::string, std::string> generateCurveKeys();

}  // namespace netlens
