#pragma once
// Helpers for the ZMQ collector tests: nProbe-style header frames and zlib payloads, made from
// the layouts documented in src/collect/zmq_message.hpp.
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace netlens::test::zmqmsg {

using Frame = std::vector<uint8_t>;

inline void putBe32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24), p[1] = uint8_t(v >> 16), p[2] = uint8_t(v >> 8), p[3] = uint8_t(v);
}
inline void putLe32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v), p[1] = uint8_t(v >> 8), p[2] = uint8_t(v >> 16), p[3] = uint8_t(v >> 24);
}

// 24 bytes: topic[16], version, source_id, size u16, msg_id (network order).
inline Frame headerV1(uint32_t msg_id, uint8_t source_id = 0, uint8_t version = 2, const char* topic = "flow") {
  Frame h(24, 0);
  std::memcpy(h.data(), topic, std::min<size_t>(std::strlen(topic), 15));
  h[16] = version;
  h[17] = source_id;
  putBe32(h.data() + 20, msg_id);
  return h;
}

// 36 bytes: topic[16], version 4, flags, pad[2], uncompressed, compressed, msg_id, source_id.
inline Frame headerV3(uint32_t msg_id, uint8_t flags, uint32_t uncompressed = 0, uint32_t source_id = 0) {
  Frame h(36, 0);
  std::memcpy(h.data(), "flow", 4);
  h[16] = 4;
  h[17] = flags;
  putLe32(h.data() + 20, uncompressed);
  putBe32(h.data() + 28, msg_id);
  putLe32(h.data() + 32, source_id);
  return h;
}

// 40 bytes: topic[32], version u32, size u32.
inline Frame headerV0(uint32_t version = 1) {
  Frame h(40, 0);
  std::memcpy(h.data(), "flow", 4);
  putLe32(h.data() + 32, version);
  return h;
}

inline Frame zlibOf(const std::string& text) {
  uLongf n = compressBound(uLong(text.size()));
  Frame out(n);
  compress(out.data(), &n, reinterpret_cast<const Bytef*>(text.data()), uLong(text.size()));
  out.resize(n);
  return out;
}

inline Frame textFrame(const std::string& s) { return Frame(s.begin(), s.end()); }

}  // namespace netlens::test::zmqmsg
