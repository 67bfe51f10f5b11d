#include "collect/sflow_parser.hpp"

namespace netlens {

namespace {

// Sample and record formats: enterprise (top 20 bits) 0 is sFlow's own.
constexpr uint32_t kFlowSample = 1, kCounterSample = 2, kFlowSampleExpanded = 3, kCounterSampleExpanded = 4;
constexpr uint32_t kRawPacketHeader = 1;
constexpr uint32_t kGenericInterfaceCounters = 1;
constexpr size_t kGenericInterfaceCountersLength = 88;
constexpr uint32_t kHeaderEthernet = 1, kHeaderIpv4 = 11, kHeaderIpv6 = 12;

class SflowDecoder {
 public:
  SflowDecoder(const uint8_t* p, size_t len, std::vector<SflowPacketSample>& packets,
               std::vector<AgentInterfaceCounters>& counters)
      : p_(p), len_(len), packets_(packets), counters_(counters) {}

  SflowParseResult run() {
    if (!has(0, 8)) return malformed("truncated header");
    if (u32(0) != 5) return malformed("unsupported version (sFlow v5 only)");
    size_t off = 8;
    const uint32_t address_type = u32(4);
    if (address_type == 1) {
      if (!has(off, 4)) return malformed("truncated header");
      r_.agent = IpAddress::v4(p_ + off);
      off += 4;
    } else if (address_type == 2) {
      if (!has(off, 16)) return malformed("truncated header");
      r_.agent = IpAddress::v6(p_ + off);
      off += 16;
    } else {
      return malformed("unknown agent address type");
    }
    if (!has(off, 16)) return malformed("truncated header");
    r_.sub_agent = u32(off);
    r_.sequence = u32(off + 4);
    r_.uptime_ms = u32(off + 8);
    const uint32_t samples = u32(off + 12);
    off += 16;
    r_.version = 5;
    // Each sample takes at least 8 bytes, so a lying count ends at the datagram's end.
    for (uint32_t i = 0; i < samples; ++i) {
      if (!has(off, 8)) return malformed("truncated sample header");
      const uint32_t format = u32(off);
      const size_t length = u32(off + 4);
      off += 8;
      if (length > len_ - off) return malformed("sample length beyond datagram");
      const size_t end = off + length;
      bool ok = true;
      switch (format) {  // enterprise 0 only: other enterprises' formats differ
        case kFlowSample: ok = flowSample(off, end, false); break;
        case kFlowSampleExpanded: ok = flowSample(off, end, true); break;
        case kCounterSample: ok = counterSample(off, end, false); break;
        case kCounterSampleExpanded: ok = counterSample(off, end, true); break;
        default: ++r_.skipped; break;
      }
      if (!ok) return r_;
      off = end;
    }
    return r_;
  }

 private:
  bool has(size_t off, size_t n) const { return off <= len_ && n <= len_ - off; }
  uint32_t u32(size_t off) const {
    return uint32_t(p_[off]) << 24 | uint32_t(p_[off + 1]) << 16 | uint32_t(p_[off + 2]) << 8 | p_[off + 3];
  }
  uint64_t u64(size_t off) const { return uint64_t(u32(off)) << 32 | u32(off + 4); }

  SflowParseResult malformed(const char* reason) {
    ++r_.malformed;
    if (!r_.error) r_.error = reason;
    return r_;
  }
  bool fail(const char* reason) {
    malformed(reason);
    return false;
  }

  // Flow sample (format 1) or expanded flow sample (3): the sample's fields, then its records.
  bool flowSample(size_t off, size_t end, bool expanded) {
    const size_t fixed = expanded ? 44 : 32;
    if (end - off < fixed) return fail("truncated flow sample");
    SflowPacketSample s;
    if (expanded) {
      s.source_id = u32(off + 4) << 24 | (u32(off + 8) & 0xFFFFFF);
      s.sampling_rate = u32(off + 12);
      s.input_if = u32(off + 28);
      s.output_if = u32(off + 36);
    } else {
      s.source_id = u32(off + 4);
      s.sampling_rate = u32(off + 8);
      // Interfaces: the top two bits say what kind of value follows; 0 is an ifIndex.
      s.input_if = u32(off + 20) & 0x3FFFFFFF;
      s.output_if = u32(off + 24) & 0x3FFFFFFF;
    }
    if (s.sampling_rate == 0) return fail("flow sample with sampling rate 0");
    const uint32_t records = u32(off + fixed - 4);
    ++r_.flow_samples;
    off += fixed;
    for (uint32_t i = 0; i < records; ++i) {
      if (end - off < 8) return fail("truncated flow record header");
      const uint32_t format = u32(off);
      const size_t length = u32(off + 4);
      off += 8;
      if (length > end - off) return fail("flow record length beyond sample");
      if (format == kRawPacketHeader) {
        if (!rawHeader(off, off + length, s)) return false;
      } else {
        ++r_.skipped;
      }
      off += length;
    }
    return true;
  }

  bool rawHeader(size_t off, size_t end, SflowPacketSample s) {
    if (end - off < 16) return fail("truncated raw packet header record");
    s.header_protocol = u32(off);
    s.frame_length = u32(off + 4);
    s.stripped = u32(off + 8);
    s.header_length = u32(off + 12);
    off += 16;
    if (s.header_length > end - off) return fail("sampled header longer than its record");
    if (s.header_length == 0) return fail("empty sampled header");
    if (s.header_protocol != kHeaderEthernet && s.header_protocol != kHeaderIpv4 && s.header_protocol != kHeaderIpv6) {
      ++r_.skipped;
      return true;
    }
    s.header = p_ + off;
    packets_.push_back(s);
    ++r_.packet_samples;
    return true;
  }

  // Counter sample (format 2) or expanded counter sample (4).
  bool counterSample(size_t off, size_t end, bool expanded) {
    const size_t fixed = expanded ? 16 : 12;
    if (end - off < fixed) return fail("truncated counter sample");
    const uint32_t records = u32(off + fixed - 4);
    ++r_.counter_samples;
    off += fixed;
    for (uint32_t i = 0; i < records; ++i) {
      if (end - off < 8) return fail("truncated counter record header");
      const uint32_t format = u32(off);
      const size_t length = u32(off + 4);
      off += 8;
      if (length > end - off) return fail("counter record length beyond sample");
      if (format == kGenericInterfaceCounters) {
        if (length < kGenericInterfaceCountersLength) return fail("truncated generic interface counters");
        genericCounters(off);
      } else {
        ++r_.skipped;
      }
      off += length;
    }
    return true;
  }

  void genericCounters(size_t o) {
    AgentInterfaceCounters c;
    c.agent = r_.agent;
    c.if_index = u32(o);
    c.if_type = u32(o + 4);
    c.if_speed = u64(o + 8);
    c.if_direction = u32(o + 16);
    c.if_status = u32(o + 20);
    c.in_octets = u64(o + 24);
    c.in_ucast = u32(o + 32);
    c.in_multicast = u32(o + 36);
    c.in_broadcast = u32(o + 40);
    c.in_discards = u32(o + 44);
    c.in_errors = u32(o + 48);
    c.in_unknown_protos = u32(o + 52);
    c.out_octets = u64(o + 56);
    c.out_ucast = u32(o + 64);
    c.out_multicast = u32(o + 68);
    c.out_broadcast = u32(o + 72);
    c.out_discards = u32(o + 76);
    c.out_errors = u32(o + 80);
    c.promiscuous = u32(o + 84);
    counters_.push_back(c);
    ++r_.interface_counters;
  }

  const uint8_t* p_;
  size_t len_;
  std::vector<SflowPacketSample>& packets_;
  std::vector<AgentInterfaceCounters>& counters_;
  SflowParseResult r_;
};

}  // namespace

SflowParseResult parseSflow(const uint8_t* data, size_t len, std::vector<SflowPacketSample>& packets,
                            std::vector<AgentInterfaceCounters>& counters) {
  return SflowDecoder(data, len, packets, counters).run();
}

}  // namespace netlens
