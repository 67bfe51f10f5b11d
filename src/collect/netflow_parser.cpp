#include "collect/netflow_parser.hpp"

#include <algorithm>

namespace netlens {

namespace {

constexpr uint16_t kVariableLength = 65535;
constexpr size_t kV5HeaderLength = 24, kV5RecordLength = 48;
constexpr size_t kV9HeaderLength = 20, kIpfixHeaderLength = 16, kSetHeaderLength = 4;
constexpr uint16_t kV9TemplateSet = 0, kV9OptionsTemplateSet = 1;
constexpr uint16_t kIpfixTemplateSet = 2, kIpfixOptionsTemplateSet = 3;
constexpr uint16_t kFirstDataSetId = 256;

// Information elements (RFC 3954 field types; the same numbers in the IPFIX registry).
namespace ie {
constexpr uint16_t InBytes = 1, InPkts = 2, Protocol = 4, Tos = 5, TcpFlags = 6, L4SrcPort = 7,
                   Ipv4SrcAddr = 8, InputSnmp = 10, L4DstPort = 11, Ipv4DstAddr = 12,
                   OutputSnmp = 14, LastSwitched = 21, FirstSwitched = 22, OutBytes = 23,
                   OutPkts = 24, Ipv6SrcAddr = 27, Ipv6DstAddr = 28, SamplingInterval = 34,
                   FlowSamplerRandomInterval = 50, SrcVlan = 58, IpVersion = 60,
                   OctetTotalCount = 85, PacketTotalCount = 86, FlowStartSeconds = 150,
                   FlowEndSeconds = 151, FlowStartMilliseconds = 152, FlowEndMilliseconds = 153,
                   SystemInitTimeMilliseconds = 160, Dot1qVlanId = 243,
                   SamplingPacketInterval = 305;
}  // namespace ie

uint64_t saturatingMul(uint64_t a, uint64_t b) {
  uint64_t r;
  return __builtin_mul_overflow(a, b, &r) ? UINT64_MAX : r;
}

// An exporter's uptime-relative time (ms) as absolute microseconds, given the export header's
// absolute time and uptime. Uptime wraps after 49.7 days: differences are taken modulo 2^32 and
// read as signed, so a flow that started just before a wrap still lands in the past.
Micros fromUptime(uint32_t flow_uptime_ms, uint32_t header_uptime_ms, Micros export_time) {
  const int64_t delta_ms = int32_t(header_uptime_ms - flow_uptime_ms);
  const int64_t t = int64_t(export_time) - delta_ms * 1000;
  return t < 0 ? 0 : Micros(t);
}

}  // namespace

// Bounds-checked reads over one datagram plus the state of the datagram being decoded.
class ExportDecoder {
 public:
  ExportDecoder(NetflowParser& parser, const uint8_t* data, size_t len, const IpAddress& exporter,
                Micros now, std::vector<FlowRecord>& out)
      : parser_(parser), p_(data), len_(len), exporter_(exporter), now_(now), out_(out) {}

  ParseResult run() {
    if (!has(0, 2)) {
      malformed("truncated header");
      return r_;
    }
    r_.version = be16(0);
    switch (r_.version) {
      case 5: v5(); break;
      case 9: v9(); break;
      case 10: ipfix(); break;
      default: r_.version = 0; malformed("unsupported version"); break;
    }
    return r_;
  }

 private:
  using Template = NetflowParser::Template;
  using TemplateField = NetflowParser::TemplateField;
  using TemplateKey = NetflowParser::TemplateKey;

  bool has(size_t off, size_t n) const { return off <= len_ && n <= len_ - off; }
  uint16_t be16(size_t off) const { return uint16_t(p_[off] << 8 | p_[off + 1]); }
  uint32_t be32(size_t off) const {
    return uint32_t(p_[off]) << 24 | uint32_t(p_[off + 1]) << 16 | uint32_t(p_[off + 2]) << 8 |
           p_[off + 3];
  }
  // An unsigned integer of 1 to 8 bytes in network order (callers check the width).
  uint64_t beN(size_t off, size_t n) const {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = v << 8 | p_[off + i];
    return v;
  }

  void malformed(const char* reason) {
    ++r_.malformed;
    if (r_.error == nullptr) r_.error = reason;
  }

  // ---- NetFlow v5 ----------------------------------------------------------------------------
  void v5() {
    if (!has(0, kV5HeaderLength)) return malformed("truncated header");
    const uint16_t count = be16(2);
    const uint32_t uptime = be32(4);
    const Micros export_time = Micros(be32(8)) * kMicrosPerSecond + be32(12) / 1000;
    const uint32_t source_id = uint32_t(p_[20]) << 8 | p_[21];
    // Top two bits: sampling mode; the other 14: the interval (0 when not sampled).
    const uint32_t interval = be16(22) & 0x3FFF;
    const uint32_t rate = interval == 0 ? 1 : interval;
    r_.domain = source_id;
    r_.sequence = be32(16);
    r_.has_sequence = true;
    if (count == 0) return malformed("no records");
    if (!has(kV5HeaderLength, size_t(count) * kV5RecordLength)) return malformed("truncated records");
    for (size_t i = 0; i < count; ++i) {
      const size_t o = kV5HeaderLength + i * kV5RecordLength;
      FlowRecord f;
      f.export_version = 5;
      f.exporter = exporter_;
      f.observation_domain = source_id;
      f.ip_version = 4;
      f.src_ip = IpAddress::v4(p_ + o);
      f.dst_ip = IpAddress::v4(p_ + o + 4);
      f.input_if = be16(o + 12);
      f.output_if = be16(o + 14);
      f.packets = saturatingMul(be32(o + 16), rate);
      f.bytes = saturatingMul(be32(o + 20), rate);
      f.first_switched = fromUptime(be32(o + 24), uptime, export_time);
      f.last_switched = fromUptime(be32(o + 28), uptime, export_time);
      f.src_port = be16(o + 32);
      f.dst_port = be16(o + 34);
      f.tcp_flags = p_[o + 37];
      f.l4_proto = p_[o + 38];
      f.tos = p_[o + 39];
      f.sampling_rate = rate;
      for (FlowField field :
           {FlowField::SrcAddress, FlowField::DstAddress, FlowField::SrcPort, FlowField::DstPort,
            FlowField::Protocol, FlowField::Tos, FlowField::TcpFlags, FlowField::Packets,
            FlowField::Bytes, FlowField::FirstSwitched, FlowField::LastSwitched,
            FlowField::InputInterface, FlowField::OutputInterface})
        f.set(field);
      if (rate != 1) f.set(FlowField::Sampling);
      out_.push_back(f);
      ++r_.records;
    }
  }

  // ---- NetFlow v9 ----------------------------------------------------------------------------
  void v9() {
    if (!has(0, kV9HeaderLength)) return malformed("truncated header");
    uptime_ = be32(4);
    export_time_ = Micros(be32(8)) * kMicrosPerSecond;
    domain_ = be32(16);
    ipfix_ = false;
    r_.domain = domain_;
    r_.sequence = be32(12);
    r_.has_sequence = true;
    sets(kV9HeaderLength, len_);
  }

  // ---- IPFIX ---------------------------------------------------------------------------------
  void ipfix() {
    if (!has(0, kIpfixHeaderLength)) return malformed("truncated header");
    const size_t message_length = be16(2);
    if (message_length < kIpfixHeaderLength) return malformed("bad message length");
    if (message_length > len_) return malformed("message length beyond datagram");
    export_time_ = Micros(be32(4)) * kMicrosPerSecond;
    domain_ = be32(12);
    ipfix_ = true;
    r_.domain = domain_;
    r_.sequence = be32(8);
    r_.has_sequence = true;
    sets(kIpfixHeaderLength, message_length);
  }

  // The sets (v9: flowsets) from `off` to `end`. A set whose length is impossible ends the
  // datagram: what follows it cannot be found.
  void sets(size_t off, size_t end) {
    const uint16_t template_set = ipfix_ ? kIpfixTemplateSet : kV9TemplateSet;
    const uint16_t options_set = ipfix_ ? kIpfixOptionsTemplateSet : kV9OptionsTemplateSet;
    while (off < end) {
      if (end - off < kSetHeaderLength) return malformed("truncated set header");
      const uint16_t id = be16(off);
      const size_t length = be16(off + 2);
      if (length < kSetHeaderLength) return malformed("set length too small");
      if (length > end - off) return malformed("set length beyond datagram");
      const size_t body = off + kSetHeaderLength, body_end = off + length;
      if (id == template_set) {
        templateSet(body, body_end, false);
      } else if (id == options_set) {
        templateSet(body, body_end, true);
      } else if (id >= kFirstDataSetId) {
        dataSet(id, body, body_end);
      } else {
        // Reserved set ids: skipped by their length, as RFC 7011 §3.3.2 says.
      }
      off = body_end;
    }
  }

  // ---- templates -----------------------------------------------------------------------------
  void templateSet(size_t off, size_t end, bool options) {
    const size_t record_header = options ? 6 : 4;
    while (end - off >= 4) {
      const uint16_t id = be16(off);
      const uint16_t field_count = be16(off + 2);
      if (id == 0 && field_count == 0) return;  // padding at the end of the set
      if (ipfix_ && field_count == 0) {
        withdraw(id);
        off += 4;
        continue;
      }
      if (id < kFirstDataSetId) return malformed("template id below 256");
      if (end - off < record_header) return malformed("truncated template");
      Template t;
      t.options = options;
      size_t total_fields = field_count;
      if (options && !ipfix_) {
        // v9: scope and option lengths in bytes, four per field.
        const size_t scope_bytes = be16(off + 2), option_bytes = be16(off + 4);
        if (scope_bytes % 4 != 0 || option_bytes % 4 != 0)
          return malformed("options template lengths not multiples of 4");
        t.scope_fields = uint16_t(scope_bytes / 4);
        total_fields = (scope_bytes + option_bytes) / 4;
      } else if (options) {
        t.scope_fields = be16(off + 4);
        if (t.scope_fields == 0 || t.scope_fields > field_count)
          return malformed("bad options template scope count");
      }
      if (total_fields == 0) return malformed("template without fields");
      if (total_fields > parser_.config_.max_fields_per_template)
        return malformed("template with too many fields");
      off += record_header;
      t.fields.reserve(total_fields);
      for (size_t i = 0; i < total_fields; ++i) {
        if (end - off < 4) return malformed("template field count beyond set");
        TemplateField f;
        f.type = be16(off);
        f.length = be16(off + 2);
        off += 4;
        if (ipfix_ && (f.type & 0x8000) != 0) {
          if (end - off < 4) return malformed("template field count beyond set");
          f.type &= 0x7FFF;
          f.enterprise = be32(off);
          off += 4;
        }
        if (f.length == kVariableLength && !ipfix_)
          return malformed("variable-length field in v9 template");
        t.min_record_length += f.length == kVariableLength ? 1 : f.length;
        t.fields.push_back(f);
      }
      if (t.min_record_length == 0) return malformed("template of zero-length records");
      learn(id, std::move(t));
    }
  }

  void learn(uint16_t id, Template t) {
    t.refreshed = now_;
    auto& templates = parser_.templates_;
    const TemplateKey key{exporter_, domain_, id};
    auto it = templates.find(key);
    if (it != templates.end()) {
      const Template& old = it->second;
      const bool same = old.options == t.options && old.scope_fields == t.scope_fields &&
                        old.fields.size() == t.fields.size() &&
                        std::equal(old.fields.begin(), old.fields.end(), t.fields.begin(),
                                   [](const TemplateField& a, const TemplateField& b) {
                                     return a.type == b.type && a.length == b.length &&
                                            a.enterprise == b.enterprise;
                                   });
      ++(same ? r_.templates_refreshed : r_.templates_learned);
      it->second = std::move(t);
      return;
    }
    if (templates.size() >= parser_.config_.max_templates) {
      ++r_.templates_dropped;
      return;
    }
    templates.emplace(key, std::move(t));
    ++r_.templates_learned;
  }

  void withdraw(uint16_t id) {
    auto& templates = parser_.templates_;
    if (id == kIpfixTemplateSet || id == kIpfixOptionsTemplateSet) {
      // All the domain's templates (RFC 7011 §8.1).
      auto first = templates.lower_bound(TemplateKey{exporter_, domain_, 0});
      auto last = templates.upper_bound(TemplateKey{exporter_, domain_, 0xFFFF});
      for (auto it = first; it != last;) {
        if (it->second.options == (id == kIpfixOptionsTemplateSet)) {
          it = templates.erase(it);
          ++r_.templates_withdrawn;
        } else {
          ++it;
        }
      }
      return;
    }
    if (id < kFirstDataSetId) return malformed("template id below 256");
    if (templates.erase(TemplateKey{exporter_, domain_, id}) != 0) ++r_.templates_withdrawn;
  }

  // ---- data ----------------------------------------------------------------------------------
  void dataSet(uint16_t id, size_t off, size_t end) {
    auto& templates = parser_.templates_;
    auto it = templates.find(TemplateKey{exporter_, domain_, id});
    if (it != templates.end() && now_ > it->second.refreshed &&
        now_ - it->second.refreshed > parser_.config_.template_timeout) {
      templates.erase(it);
      ++r_.templates_expired;
      it = templates.end();
    }
    if (it == templates.end()) {
      ++r_.skipped_unknown_template;
      return;
    }
    const Template& t = it->second;
    // What remains after the last whole record is padding.
    while (end - off >= t.min_record_length) {
      const size_t next = record(t, off, end);
      if (next == 0) return malformed("truncated variable-length field");
      off = next;
    }
  }

  // Decodes one data record at `off`; returns where the next one starts, 0 when it overruns.
  size_t record(const Template& t, size_t off, size_t end) {
    FlowRecord f;
    f.export_version = ipfix_ ? 10 : 9;
    f.exporter = exporter_;
    f.observation_domain = domain_;
    uint64_t delta_bytes = 0, delta_packets = 0, total_bytes = 0, total_packets = 0;
    bool has_delta_bytes = false, has_delta_packets = false, has_total_bytes = false,
         has_total_packets = false;
    uint32_t first_uptime = 0, last_uptime = 0;
    bool has_first_uptime = false, has_last_uptime = false;
    uint64_t system_init_ms = 0;
    bool has_system_init = false;
    uint64_t sampling = 0;
    uint8_t ip_version_field = 0;

    for (const TemplateField& field : t.fields) {
      size_t n = field.length;
      if (n == kVariableLength) {
        if (end - off < 1) return 0;
        n = p_[off++];
        if (n == 255) {
          if (end - off < 2) return 0;
          n = be16(off);
          off += 2;
        }
      }
      if (end - off < n) return 0;
      const size_t v = off;
      off += n;
      if (field.enterprise != 0 || n == 0) continue;
      const bool integer = n <= 8;
      const uint64_t value = integer ? beN(v, n) : 0;
      switch (field.type) {
        case ie::InBytes: if (integer) { delta_bytes = value; has_delta_bytes = true; } break;
        case ie::InPkts: if (integer) { delta_packets = value; has_delta_packets = true; } break;
        case ie::OctetTotalCount: if (integer) { total_bytes = value; has_total_bytes = true; } break;
        case ie::PacketTotalCount:
          if (integer) { total_packets = value; has_total_packets = true; }
          break;
        case ie::OutBytes:
          if (integer) { f.out_bytes = value; f.set(FlowField::OutBytes); }
          break;
        case ie::OutPkts:
          if (integer) { f.out_packets = value; f.set(FlowField::OutPackets); }
          break;
        case ie::Protocol: if (integer) { f.l4_proto = uint8_t(value); f.set(FlowField::Protocol); } break;
        case ie::Tos: if (integer) { f.tos = uint8_t(value); f.set(FlowField::Tos); } break;
        case ie::TcpFlags:
          // IPFIX's tcpControlBits may be 2 bytes wide; the classic flags are its low byte.
          if (integer) { f.tcp_flags = uint8_t(value); f.set(FlowField::TcpFlags); }
          break;
        case ie::L4SrcPort: if (integer) { f.src_port = uint16_t(value); f.set(FlowField::SrcPort); } break;
        case ie::L4DstPort: if (integer) { f.dst_port = uint16_t(value); f.set(FlowField::DstPort); } break;
        case ie::InputSnmp:
          if (integer) { f.input_if = uint32_t(value); f.set(FlowField::InputInterface); }
          break;
        case ie::OutputSnmp:
          if (integer) { f.output_if = uint32_t(value); f.set(FlowField::OutputInterface); }
          break;
        case ie::SrcVlan: case ie::Dot1qVlanId:
          if (integer) { f.vlan = uint16_t(value & 0x0FFF); f.set(FlowField::Vlan); }
          break;
        case ie::Ipv4SrcAddr: if (n == 4) { f.src_ip = IpAddress::v4(p_ + v); f.set(FlowField::SrcAddress); } break;
        case ie::Ipv4DstAddr: if (n == 4) { f.dst_ip = IpAddress::v4(p_ + v); f.set(FlowField::DstAddress); } break;
        case ie::Ipv6SrcAddr: if (n == 16) { f.src_ip = IpAddress::v6(p_ + v); f.set(FlowField::SrcAddress); } break;
        case ie::Ipv6DstAddr: if (n == 16) { f.dst_ip = IpAddress::v6(p_ + v); f.set(FlowField::DstAddress); } break;
        case ie::IpVersion: if (integer) ip_version_field = uint8_t(value); break;
        case ie::FirstSwitched:
          if (n == 4) { first_uptime = uint32_t(value); has_first_uptime = true; }
          break;
        case ie::LastSwitched:
          if (n == 4) { last_uptime = uint32_t(value); has_last_uptime = true; }
          break;
        case ie::SystemInitTimeMilliseconds:
          if (integer) { system_init_ms = value; has_system_init = true; }
          break;
        case ie::FlowStartSeconds:
          if (integer) { f.first_switched = saturatingMul(value, kMicrosPerSecond); f.set(FlowField::FirstSwitched); }
          break;
        case ie::FlowEndSeconds:
          if (integer) { f.last_switched = saturatingMul(value, kMicrosPerSecond); f.set(FlowField::LastSwitched); }
          break;
        case ie::FlowStartMilliseconds:
          if (integer) { f.first_switched = saturatingMul(value, 1000); f.set(FlowField::FirstSwitched); }
          break;
        case ie::FlowEndMilliseconds:
          if (integer) { f.last_switched = saturatingMul(value, 1000); f.set(FlowField::LastSwitched); }
          break;
        case ie::SamplingInterval: case ie::SamplingPacketInterval:
        case ie::FlowSamplerRandomInterval:
          if (integer) sampling = value;
          break;
        default: break;
      }
    }

    if (t.options) {
      // Options data: what the exporter says about itself, here its sampling rate.
      ++r_.option_records;
      if (sampling > 0) setSampling(uint32_t(std::min<uint64_t>(sampling, UINT32_MAX)));
      return off;
    }

    // Uptime-relative times: v9 against the header's uptime; IPFIX (flowStart/EndSysUpTime)
    // against systemInitTimeMilliseconds when the record carries it.
    if (!ipfix_) {
      if (has_first_uptime) {
        f.first_switched = fromUptime(first_uptime, uptime_, export_time_);
        f.set(FlowField::FirstSwitched);
      }
      if (has_last_uptime) {
        f.last_switched = fromUptime(last_uptime, uptime_, export_time_);
        f.set(FlowField::LastSwitched);
      }
    } else if (has_system_init) {
      if (has_first_uptime && !f.has(FlowField::FirstSwitched)) {
        f.first_switched = saturatingMul(system_init_ms + first_uptime, 1000);
        f.set(FlowField::FirstSwitched);
      }
      if (has_last_uptime && !f.has(FlowField::LastSwitched)) {
        f.last_switched = saturatingMul(system_init_ms + last_uptime, 1000);
        f.set(FlowField::LastSwitched);
      }
    }

    if (f.src_ip.version() != 0) f.ip_version = f.src_ip.version();
    else if (f.dst_ip.version() != 0) f.ip_version = f.dst_ip.version();
    else if (ip_version_field == 4 || ip_version_field == 6) f.ip_version = ip_version_field;

    // Deltas are what a collector adds up; totals stand in when an exporter sends only them.
    if (has_delta_packets || has_total_packets) {
      f.packets = has_delta_packets ? delta_packets : total_packets;
      f.set(FlowField::Packets);
    }
    if (has_delta_bytes || has_total_bytes) {
      f.bytes = has_delta_bytes ? delta_bytes : total_bytes;
      f.set(FlowField::Bytes);
    }
    const uint64_t rate = sampling > 0 ? std::min<uint64_t>(sampling, UINT32_MAX)
                                       : parser_.samplingRate(exporter_, domain_);
    f.sampling_rate = uint32_t(rate);
    if (rate != 1) {
      f.packets = saturatingMul(f.packets, rate);
      f.bytes = saturatingMul(f.bytes, rate);
      f.out_packets = saturatingMul(f.out_packets, rate);
      f.out_bytes = saturatingMul(f.out_bytes, rate);
      f.set(FlowField::Sampling);
    }
    out_.push_back(f);
    ++r_.records;
    return off;
  }

  void setSampling(uint32_t rate) {
    auto& sampling = parser_.sampling_;
    const NetflowParser::DomainKey key{exporter_, domain_};
    auto it = sampling.find(key);
    if (it != sampling.end()) it->second = rate;
    else if (sampling.size() < parser_.config_.max_templates) sampling.emplace(key, rate);
  }

  NetflowParser& parser_;
  const uint8_t* p_;
  size_t len_;
  IpAddress exporter_;
  Micros now_;
  std::vector<FlowRecord>& out_;
  ParseResult r_;
  // The v9/IPFIX header being decoded.
  bool ipfix_ = false;
  uint32_t uptime_ = 0;
  Micros export_time_ = 0;
  uint32_t domain_ = 0;
};

ParseResult NetflowParser::parse(const uint8_t* data, size_t len, const IpAddress& exporter,
                                 Micros now, std::vector<FlowRecord>& out) {
  uint32_t expired = 0;
  if (now >= next_sweep_) {
    expired = expireTemplates(now);
    // Sweeping the whole table on every datagram would cost more than the datagram.
    next_sweep_ = now + std::min<Micros>(config_.template_timeout / 4 + 1, 10 * kMicrosPerSecond);
  }
  ParseResult r = ExportDecoder(*this, data, len, exporter, now, out).run();
  r.templates_expired += expired;
  return r;
}

uint32_t NetflowParser::expireTemplates(Micros now) {
  uint32_t expired = 0;
  for (auto it = templates_.begin(); it != templates_.end();) {
    if (now > it->second.refreshed && now - it->second.refreshed > config_.template_timeout) {
      it = templates_.erase(it);
      ++expired;
    } else {
      ++it;
    }
  }
  return expired;
}

size_t NetflowParser::templateCount(const IpAddress& exporter) const {
  size_t n = 0;
  for (auto it = templates_.lower_bound(TemplateKey{exporter, 0, 0}); it != templates_.end() && it->first.exporter == exporter; ++it)
    ++n;
  return n;
}

uint32_t NetflowParser::samplingRate(const IpAddress& exporter, uint32_t domain) const {
  auto it = sampling_.find(DomainKey{exporter, domain});
  return it == sampling_.end() ? 1 : it->second;
}

}  // namespace netlens
