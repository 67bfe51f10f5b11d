#pragma once
// ZmqMessageDecoder: turns the messages nProbe-style probes publish over ZeroMQ into FlowRecords.
// No sockets here (see zmq_source.hpp): the caller hands over the two frames of each message.
//
// A message is two frames. The first is a small binary header whose first bytes are the topic
// (so that a SUB socket's prefix subscription "flow" selects it); the second is the payload.
// Header layouts, told apart by the frame's size as ntopng does:
//   24 bytes: topic[16], version u8, source_id u8, size u16, msg_id u32 (network order)
//   28 bytes: topic[16], version u8, pad, size u16, msg_id u32 (network order), source_id u32
//   36 bytes: topic[16], version u8 (4), flags u8, pad[2], uncompressed size u32,
//             compressed size u32, msg_id u32 (network order), source_id u32
//   40 bytes: topic[32], version u32, size u32 (the oldest form: no message id)
// Version 1 senders wrote msg_id in their own (little-endian) order. The payload is JSON text,
// zlib-compressed when the 36-byte header's flags say so (0x04) or, with the older headers,
// when its first byte is 0 (the zlib stream follows that byte). nProbe's binary TLV encoding
// (version 3, or flag 0x02) is not read: such messages are counted as unsupported.
//
// The JSON is one flow object or an array of them, keyed by element numbers ("8"), by
// enterprise.element ("35632.118") or by nProbe's labels ("IPV4_SRC_ADDR"); values are numbers
// or strings (addresses, "master.app" applications, numbers in quotes). Unknown keys and nested
// values are skipped. A message that is not valid JSON is skipped whole and counted.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "collect/collector_stats.hpp"
#include "collect/flow_record.hpp"

namespace netlens {

struct ZmqLimits {
  size_t max_message = 8u << 20;        // a payload frame larger than this is skipped
  size_t max_uncompressed = 32u << 20;  // a payload inflating to more is skipped
  size_t max_flows_per_message = 1u << 20;
  size_t max_names = 4096;              // distinct application names remembered
};

// What a collector received, by outcome: each message is decoded (`messages`) or skipped and
// counted once under its reason (ZmqSkipped). Reported through the collector's CollectorStats.
struct ZmqCollectStats : ZmqSkipped {
  uint64_t messages = 0;       // flow messages decoded
  uint64_t flows = 0;          // flow records they carried
  uint64_t lost_messages = 0;  // gaps in a publisher's message ids
};

struct ZmqHeader {
  std::string_view topic;
  uint8_t version = 0;
  bool compressed = false;  // the 36-byte header's flag (older headers: decided by the payload)
  bool tlv = false;
  bool has_msg_id = false;
  uint32_t msg_id = 0;
  uint32_t source_id = 0;
  uint32_t uncompressed_size = 0;  // a hint only (36-byte header)
};

class ZmqMessageDecoder {
 public:
  explicit ZmqMessageDecoder(ZmqLimits limits = {});
  ~ZmqMessageDecoder();
  ZmqMessageDecoder(const ZmqMessageDecoder&) = delete;
  ZmqMessageDecoder& operator=(const ZmqMessageDecoder&) = delete;

  // Reads a header frame; nullopt-like false when it is not one.
  static bool parseHeader(const uint8_t* data, size_t len, ZmqHeader& out);

  // One message from publisher `publisher` (the collector's socket index: message ids are
  // tracked per publisher and source id). Appends its flows to out and returns how many; a
  // skipped message returns 0 and is counted in stats().
  size_t decode(const uint8_t* header, size_t header_len, const uint8_t* payload, size_t payload_len,
                std::vector<FlowRecord>& out, uint32_t publisher = 0);
  // The JSON text of a flow message (a header's payload once inflated).
  size_t decodeJson(std::string_view json, std::vector<FlowRecord>& out);

  const ZmqCollectStats& stats() const { return stats_; }
  // Counts a message the caller had to skip before decoding it (e.g. a third frame).
  void countBadHeader() { ++stats_.bad_header; }
  void countTooLarge() { ++stats_.too_large; }

 private:
  struct Json;  // simdjson's parser, kept out of this header
  bool inflate(const uint8_t* data, size_t len, size_t hint);
  std::string_view intern(std::string_view name);
  void noteMessageId(uint32_t publisher, const ZmqHeader& h);

  ZmqLimits limits_;
  ZmqCollectStats stats_;
  std::unique_ptr<Json> json_;
  std::string buffer_;  // the payload, inflated or copied, with simdjson's padding after it
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_set<std::string, NameHash, std::equal_to<>> names_;
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> last_msg_id_;
};

}  // namespace netlens
