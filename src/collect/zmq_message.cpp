#include "collect/zmq_message.hpp"

#include <zlib.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <simdjson.h>

#include "collect/flow_elements.hpp"
#include "engine/ndpi_classifier.hpp"

namespace netlens {

namespace dom = simdjson::dom;

// The DOM parser: it validates the whole document, and dispatches at run time to the fastest
// kernel the CPU has (the on-demand API is compiled for the build's baseline CPU only).
struct ZmqMessageDecoder::Json {
  dom::parser parser;
};

namespace {

uint32_t be32(const uint8_t* p) { return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3]; }
uint32_t le32(const uint8_t* p) { return (uint32_t(p[3]) << 24) | (uint32_t(p[2]) << 16) | (uint32_t(p[1]) << 8) | p[0]; }

std::string_view topicOf(const uint8_t* p, size_t max) {
  size_t n = 0;
  while (n < max && p[n] != 0) ++n;
  return {reinterpret_cast<const char*>(p), n};
}

// A JSON scalar as the fields need it: an unsigned integer, a double, or text.
struct Scalar {
  enum Kind : uint8_t { None, Unsigned, Double, Text } kind = None;
  uint64_t u = 0;
  double d = 0;
  std::string_view text;

  // The value as an unsigned integer (numbers in quotes too); false when it is not one.
  bool toU64(uint64_t& out) const {
    if (kind == Unsigned) {
      out = u;
      return true;
    }
    if (kind == Double) {
      if (!(d >= 0 && d < 1.8e19)) return false;
      out = uint64_t(d);
      return true;
    }
    if (kind == Text && !text.empty()) {
      const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
      return ec == std::errc() && p == text.data() + text.size();
    }
    return false;
  }
  bool toDouble(double& out) const {
    if (kind == Double) {
      out = d;
      return std::isfinite(d) && d >= 0;
    }
    uint64_t v;
    if (!toU64(v)) return false;
    out = double(v);
    return true;
  }
};

// A time: seconds, milliseconds, microseconds or nanoseconds since the epoch.
enum class TimeUnit : uint8_t { Auto, Seconds, Millis, Micros, Nanos };

Micros toMicros(const Scalar& v, TimeUnit unit) {
  double d;
  if (!v.toDouble(d) || d <= 0) return 0;
  if (unit == TimeUnit::Auto) {
    // nProbe writes FIRST/LAST_SWITCHED in seconds; some exporters use finer units.
    unit = d < 1e11 ? TimeUnit::Seconds : d < 1e14 ? TimeUnit::Millis : d < 1e17 ? TimeUnit::Micros : TimeUnit::Nanos;
  }
  switch (unit) {
    case TimeUnit::Seconds: d *= 1e6; break;
    case TimeUnit::Millis: d *= 1e3; break;
    case TimeUnit::Nanos: d /= 1e3; break;
    default: break;
  }
  if (!(d < 1.8e19)) return 0;
  return Micros(std::llround(d));
}

// One flow object's fields, gathered before they become a record (the address family and
// the finest time are decided at the end).
struct Pending {
  FlowRecord r;
  IpAddress v4_src, v4_dst, v6_src, v6_dst;
  Micros first = 0, last = 0;
  int first_rank = -1, last_rank = -1;  // precision of the time kept: the finest wins
  bool has_vlan = false, has_dst_vlan = false, has_dot1q = false;
  uint16_t dst_vlan = 0, dot1q_vlan = 0;
  std::unique_ptr<FlowDetails> details;

  FlowDetails& det() {
    if (!details) details = std::make_unique<FlowDetails>();
    return *details;
  }
  void time(bool is_first, Micros t, int rank) {
    if (t == 0) return;
    if (is_first && rank > first_rank) first = t, first_rank = rank;
    if (!is_first && rank > last_rank) last = t, last_rank = rank;
  }
};

bool nonZero(const IpAddress& a) {
  if (a.empty()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a.data()[i]) return true;
  return false;
}

template <typename T>
bool fits(uint64_t v, T& out) {
  if (v > uint64_t(T(~T(0)))) return false;
  out = T(v);
  return true;
}

}  // namespace

ZmqMessageDecoder::ZmqMessageDecoder(ZmqLimits limits) : limits_(limits), json_(std::make_unique<Json>()) {}
ZmqMessageDecoder::~ZmqMessageDecoder() = default;

bool ZmqMessageDecoder::parseHeader(const uint8_t* p, size_t len, ZmqHeader& h) {
  h = ZmqHeader{};
  switch (len) {
    case 40:  // topic[32], version u32, size u32
      h.topic = topicOf(p, 32);
      if (le32(p + 32) > 4) return false;
      h.version = uint8_t(le32(p + 32));
      break;
    case 24:  // topic[16], version, source_id, size u16, msg_id
      h.topic = topicOf(p, 16);
      h.version = p[16];
      h.source_id = p[17];
      h.msg_id = h.version == 1 ? le32(p + 20) : be32(p + 20);
      h.has_msg_id = true;
      break;
    case 28:  // topic[16], version, pad, size u16, msg_id, source_id
      h.topic = topicOf(p, 16);
      h.version = p[16];
      h.msg_id = h.version == 1 ? le32(p + 20) : be32(p + 20);
      h.source_id = le32(p + 24);
      h.has_msg_id = true;
      break;
    case 36:  // topic[16], version 4, flags, pad[2], uncompressed, compressed, msg_id, source_id
      h.topic = topicOf(p, 16);
      h.version = p[16];
      if (h.version != 4) return false;
      h.tlv = (p[17] & 0x02) != 0;
      h.compressed = (p[17] & 0x04) != 0;
      h.uncompressed_size = le32(p + 20);
      h.msg_id = be32(p + 28);
      h.source_id = le32(p + 32);
      h.has_msg_id = true;
      break;
    default:
      return false;
  }
  if (h.version == 0 || h.version > 4) return false;
  if (h.version == 3) h.tlv = true;  // nProbe's TLV version of the older headers
  return true;
}

void ZmqMessageDecoder::noteMessageId(uint32_t publisher, const ZmqHeader& h) {
  if (!h.has_msg_id || h.msg_id == 0) return;
  const auto key = std::make_pair(publisher, h.source_id);
  auto it = last_msg_id_.find(key);
  if (it == last_msg_id_.end()) {
    if (last_msg_id_.size() < 4096) last_msg_id_.emplace(key, h.msg_id);
    return;
  }
  // A lower id is a restarted publisher: start over. A jump forward is messages lost on the way.
  if (h.msg_id > it->second + 1) stats_.lost_messages += h.msg_id - it->second - 1;
  it->second = h.msg_id;
}

bool ZmqMessageDecoder::inflate(const uint8_t* data, size_t len, size_t hint) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return false;
  size_t cap = std::min(std::max(hint + 64, len * 4 + 1024), limits_.max_uncompressed);
  buffer_.resize(cap + simdjson::SIMDJSON_PADDING);
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = uInt(len);
  size_t out = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (out == cap) {
      if (cap >= limits_.max_uncompressed) {
        inflateEnd(&z);
        ++stats_.too_large;
        return false;
      }
      cap = std::min(cap * 2, limits_.max_uncompressed);
      buffer_.resize(cap + simdjson::SIMDJSON_PADDING);
    }
    z.next_out = reinterpret_cast<Bytef*>(buffer_.data() + out);
    z.avail_out = uInt(cap - out);
    rc = ::inflate(&z, Z_NO_FLUSH);
    out = cap - z.avail_out;
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // input ends before the stream does
    if (rc == Z_BUF_ERROR && out == cap) rc = Z_OK;   // output full: grow and go on
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) {
    ++stats_.bad_compression;
    return false;
  }
  buffer_.resize(out + simdjson::SIMDJSON_PADDING);
  buffer_.resize(out);
  return true;
}

size_t ZmqMessageDecoder::decode(const uint8_t* header, size_t header_len, const uint8_t* payload, size_t payload_len,
                                 std::vector<FlowRecord>& out, uint32_t publisher) {
  ZmqHeader h;
  if (!parseHeader(header, header_len, h)) {
    ++stats_.bad_header;
    return 0;
  }
  noteMessageId(publisher, h);
  if (h.topic != "flow") {
    ++stats_.other_topics;
    return 0;
  }
  if (payload_len > limits_.max_message) {
    ++stats_.too_large;
    return 0;
  }
  if (h.tlv) {
    ++stats_.unsupported;
    return 0;
  }
  if (h.compressed) {
    if (!inflate(payload, payload_len, h.uncompressed_size)) return 0;
  } else if (h.version != 4 && payload_len > 0 && payload[0] == 0) {
    if (!inflate(payload + 1, payload_len - 1, 0)) return 0;
  } else {
    buffer_.reserve(payload_len + simdjson::SIMDJSON_PADDING);
    buffer_.assign(reinterpret_cast<const char*>(payload), payload_len);
  }
  return decodeJson(buffer_, out);
}

std::string_view ZmqMessageDecoder::intern(std::string_view name) {
  if (name.empty()) return {};
  auto it = names_.find(name);
  if (it != names_.end()) return *it;
  if (names_.size() >= limits_.max_names) return {};
  return *names_.emplace(name).first;
}

size_t ZmqMessageDecoder::decodeJson(std::string_view json, std::vector<FlowRecord>& out) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the text: give it a buffer that has them.
  if (json.data() != buffer_.data()) {
    buffer_.reserve(json.size() + simdjson::SIMDJSON_PADDING);
    buffer_.assign(json);
  } else if (buffer_.capacity() < json.size() + simdjson::SIMDJSON_PADDING) {
    buffer_.reserve(json.size() + simdjson::SIMDJSON_PADDING);
  }
  const size_t start = out.size();
  auto fail = [&]() -> size_t {
    out.resize(start);
    ++stats_.bad_json;
    return 0;
  };
  dom::element doc;
  if (json_->parser.parse(buffer_.data(), buffer_.size(), false).get(doc)) return fail();

  auto parseObject = [&](dom::object obj) -> bool {
    Pending p;
    FlowRecord& r = p.r;
    for (const dom::key_value_pair kv : obj) {
      Scalar s;
      switch (kv.value.type()) {
        case dom::element_type::UINT64:
          s.kind = Scalar::Unsigned, s.u = kv.value.get_uint64().value_unsafe();
          break;
        case dom::element_type::INT64: {
          const int64_t v = kv.value.get_int64().value_unsafe();
          if (v >= 0) s.kind = Scalar::Unsigned, s.u = uint64_t(v);
          else s.kind = Scalar::Double, s.d = double(v);
          break;
        }
        case dom::element_type::DOUBLE:
          s.kind = Scalar::Double, s.d = kv.value.get_double().value_unsafe();
          break;
        case dom::element_type::STRING:
          s.kind = Scalar::Text, s.text = kv.value.get_string().value_unsafe();
          break;
        default:
          continue;  // objects, arrays, booleans, null: nothing netlens reads
      }
      const uint32_t id = ie::elementOfKey(kv.key);
      if (id == 0) continue;
      uint64_t u = 0;
      switch (id) {
        case ie::InBytes:
          if (s.toU64(r.bytes)) r.set(FlowField::Bytes);
          break;
        case ie::InPkts:
          if (s.toU64(r.packets)) r.set(FlowField::Packets);
          break;
        case ie::OutBytes:
          if (s.toU64(r.out_bytes)) r.set(FlowField::OutBytes);
          break;
        case ie::OutPkts:
          if (s.toU64(r.out_packets)) r.set(FlowField::OutPackets);
          break;
        case ie::Protocol:
          if (s.toU64(u) && fits(u, r.l4_proto)) r.set(FlowField::Protocol);
          break;
        case ie::SrcTos:
          if (s.toU64(u) && fits(u, r.tos)) r.set(FlowField::Tos);
          break;
        case ie::TcpFlags:
          if (s.toU64(u) && fits(u, r.tcp_flags)) r.set(FlowField::TcpFlags);
          break;
        case ie::L4SrcPort:
          if (s.toU64(u) && fits(u, r.src_port)) r.set(FlowField::SrcPort);
          break;
        case ie::L4DstPort:
          if (s.toU64(u) && fits(u, r.dst_port)) r.set(FlowField::DstPort);
          break;
        case ie::InputSnmp:
          if (s.toU64(u) && fits(u, r.input_if)) r.set(FlowField::InputInterface);
          break;
        case ie::OutputSnmp:
          if (s.toU64(u) && fits(u, r.output_if)) r.set(FlowField::OutputInterface);
          break;
        case ie::Ipv4SrcAddr:
        case ie::Ipv4DstAddr: {
          std::optional<IpAddress> a;
          if (s.kind == Scalar::Text) a = IpAddress::parse(s.text);
          else if (s.toU64(u) && u <= 0xFFFFFFFFull) a = IpAddress::v4(uint32_t(u));
          if (a && a->isV4()) (id == ie::Ipv4SrcAddr ? p.v4_src : p.v4_dst) = *a;
          break;
        }
        case ie::Ipv6SrcAddr:
        case ie::Ipv6DstAddr:
          if (s.kind == Scalar::Text) {
            auto a = IpAddress::parse(s.text);
            if (a && a->isV6()) (id == ie::Ipv6SrcAddr ? p.v6_src : p.v6_dst) = *a;
          }
          break;
        case ie::SrcVlan:
          if (s.toU64(u) && fits(u, r.vlan)) p.has_vlan = true;
          break;
        case ie::DstVlan:
          if (s.toU64(u) && fits(u, p.dst_vlan)) p.has_dst_vlan = true;
          break;
        case ie::Dot1qVlanId:
          if (s.toU64(u) && fits(u, p.dot1q_vlan)) p.has_dot1q = true;
          break;
        case ie::FirstSwitched: p.time(true, toMicros(s, TimeUnit::Auto), 0); break;
        case ie::LastSwitched: p.time(false, toMicros(s, TimeUnit::Auto), 0); break;
        case ie::FlowStartSeconds: p.time(true, toMicros(s, TimeUnit::Seconds), 1); break;
        case ie::FlowEndSeconds: p.time(false, toMicros(s, TimeUnit::Seconds), 1); break;
        case ie::FlowStartMilliseconds: p.time(true, toMicros(s, TimeUnit::Millis), 2); break;
        case ie::FlowEndMilliseconds: p.time(false, toMicros(s, TimeUnit::Millis), 2); break;
        case ie::FlowStartMicroseconds: p.time(true, toMicros(s, TimeUnit::Micros), 3); break;
        case ie::FlowEndMicroseconds: p.time(false, toMicros(s, TimeUnit::Micros), 3); break;
        case ie::L7Proto: {
          // nProbe: "master.app" (nDPI numbers), or one number (the application).
          uint64_t master = 0, app = 0;
          bool ok = false;
          if (s.kind == Scalar::Text) {
            const size_t dot = s.text.find('.');
            if (dot == std::string_view::npos) {
              ok = s.toU64(app);
            } else {
              Scalar a{Scalar::Text, 0, 0, s.text.substr(0, dot)}, b{Scalar::Text, 0, 0, s.text.substr(dot + 1)};
              ok = a.toU64(master) && b.toU64(app);
            }
          } else {
            ok = s.toU64(app);
          }
          if (ok && fits(master, r.l7_master) && fits(app, r.l7_app)) r.set(FlowField::L7Ids);
          break;
        }
        case ie::L7ProtoName:
          if (s.kind == Scalar::Text) {
            r.l7_name = intern(s.text);
            if (!r.l7_name.empty()) r.set(FlowField::L7Name);
          }
          break;
        case ie::L7Info:
          if (s.kind == Scalar::Text && !s.text.empty()) p.det().info.assign(s.text);
          break;
        case ie::HttpSite:
        case ie::TlsServerName:
        case ie::DnsQuery:
          if (s.kind == Scalar::Text && !s.text.empty()) p.det().server_name.assign(s.text);
          break;
        case ie::SrcProcPid:
          if (s.toU64(u) && u) fits(u, p.det().client_process.pid);
          break;
        case ie::DstProcPid:
          if (s.toU64(u) && u) fits(u, p.det().server_process.pid);
          break;
        case ie::SrcProcUid:
          if (s.toU64(u)) fits(u, p.det().client_process.uid);
          break;
        case ie::DstProcUid:
          if (s.toU64(u)) fits(u, p.det().server_process.uid);
          break;
        case ie::SrcProcName:
          if (s.kind == Scalar::Text && !s.text.empty()) p.det().client_process.name.assign(s.text);
          break;
        case ie::DstProcName:
          if (s.kind == Scalar::Text && !s.text.empty()) p.det().server_process.name.assign(s.text);
          break;
        case ie::SrcProcUserName:
          if (s.kind == Scalar::Text && !s.text.empty()) p.det().client_process.user.assign(s.text);
          break;
        case ie::DstProcUserName:
          if (s.kind == Scalar::Text && !s.text.empty()) p.det().server_process.user.assign(s.text);
          break;
        default:
          break;
      }
    }
    // The address family with real addresses wins (nProbe may send both, one zeroed).
    if (nonZero(p.v4_src) || nonZero(p.v4_dst) || (p.v6_src.empty() && p.v6_dst.empty())) {
      if (!p.v4_src.empty() && !p.v4_dst.empty()) r.src_ip = p.v4_src, r.dst_ip = p.v4_dst, r.ip_version = 4;
    } else if (!p.v6_src.empty() && !p.v6_dst.empty()) {
      r.src_ip = p.v6_src, r.dst_ip = p.v6_dst, r.ip_version = 6;
    }
    if (r.ip_version) r.set(FlowField::SrcAddress), r.set(FlowField::DstAddress);
    if (!p.has_vlan && p.has_dot1q) r.vlan = p.dot1q_vlan, p.has_vlan = true;
    if (!p.has_vlan && p.has_dst_vlan) r.vlan = p.dst_vlan, p.has_vlan = true;
    if (p.has_vlan) r.set(FlowField::Vlan);
    if (p.first) r.first_switched = p.first, r.set(FlowField::FirstSwitched);
    if (p.last) r.last_switched = p.last, r.set(FlowField::LastSwitched);
    if (p.details) r.details = std::move(p.details);
    if (out.size() - start >= limits_.max_flows_per_message) return false;
    out.push_back(std::move(r));
    return true;
  };

  if (doc.type() == dom::element_type::OBJECT) {
    dom::object obj;
    if (doc.get_object().get(obj) || !parseObject(obj)) return fail();
  } else if (doc.type() == dom::element_type::ARRAY) {
    dom::array arr;
    if (doc.get_array().get(arr)) return fail();
    for (const dom::element elem : arr) {
      dom::object obj;
      if (elem.get_object().get(obj) || !parseObject(obj)) return fail();
    }
  } else {
    return fail();
  }
  ++stats_.messages;
  stats_.flows += out.size() - start;
  return out.size() - start;
}

}  // namespace netlens
