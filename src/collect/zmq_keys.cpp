#include "collect/zmq_keys.hpp"

#include <zmq.h>

#include <fstream>
#include <stdexcept>

namespace netlens {

namespace {
bool isZ85Key(const std::string& s) {
  uint8_t raw[32];
  return s.size() == 40 && zmq_z85_decode(raw, s.c_str()) != nullptr;
}
}  // namespace

std::string loadCurveKey(const std::string& spec, const char* what) {
  std::string key = spec;
  // '@' is a Z85 character too (about one generated key in 85 starts with it): 40 characters
  // of Z85 are a key, whatever they start with; anything else after '@' names a file.
  if (!spec.empty() && spec[0] == '@' && !isZ85Key(spec)) {
    std::ifstream in(spec.substr(1));
    if (!in || !std::getline(in, key)) throw std::runtime_error(std::string(what) + ": cannot read " + spec.substr(1));
  }
  while (!key.empty() && (key.back() == '\r' || key.back() == ' ' || key.back() == '\n')) key.pop_back();
  if (!isZ85Key(key))
    throw std::runtime_error(std::string(what) + ": not a CURVE key (40 characters of Z85 text, as zmq_curve_keypair makes)");
  return key;
}

std::string curvePublicKey(const std::string& secret_key) {
  char pub[41] = {};
  if (zmq_curve_public(pub, secret_key.c_str()) != 0) throw std::runtime_error("cannot derive the CURVE public key");
  return pub;
}

std::pair<std::string, std::string> generateCurveKeys() {
  char pub[41] = {}, sec[41] = {};
  if (zmq_curve_keypair(pub, sec) != 0) throw std::runtime_error("this libzmq has no CURVE support");
  return {pub, sec};
}

}  // namespace netlens
