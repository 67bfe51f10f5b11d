#include "collect/zmq_message.hpp"

#include <gtest/gtest.h>

#include "collect/flow_elements.hpp"
#include "engine/ndpi_classifier.hpp"
#include "zmq_test_util.hpp"

namespace netlens::test {
namespace {

using namespace zmqmsg;

IpAddress ip(const char* s) { return *IpAddress::parse(s); }
constexpr Micros kSec = kMicrosPerSecond;

size_t decode(ZmqMessageDecoder& d, const Frame& h, const Frame& p, std::vector<FlowRecord>& out, uint32_t pub = 0) {
  return d.decode(h.data(), h.size(), p.data(), p.size(), out, pub);
}

TEST(ZmqMessage, ElementKeysNumbersNamesAndEnterprise) {
  EXPECT_EQ(ie::elementOfKey("8"), ie::Ipv4SrcAddr);
  EXPECT_EQ(ie::elementOfKey("IPV4_SRC_ADDR"), ie::Ipv4SrcAddr);
  EXPECT_EQ(ie::elementOfKey("35632.118"), ie::L7Proto);
  EXPECT_EQ(ie::elementOfKey("57590"), ie::L7Proto);
  EXPECT_EQ(ie::elementOfKey("0.12"), ie::Ipv4DstAddr);
  EXPECT_EQ(ie::elementOfKey("9.12"), 0u);  // another enterprise
  EXPECT_EQ(ie::elementOfKey("NOT_A_FIELD"), 0u);
  EXPECT_EQ(ie::elementOfKey("12x"), 0u);
  EXPECT_EQ(ie::elementName(ie::L7Proto), "L7_PROTO");
}

// The fields of one nProbe flow object, keyed by number as nProbe sends them by default.
TEST(ZmqMessage, FlowObjectByNumbers) {
  ZmqMessageDecoder d;
  std::vector<FlowRecord> out;
  const std::string json =
      R"({"8":"192.168.1.10","12":"198.51.100.7","7":40000,"11":443,"4":6,"6":27,"1":1200,"2":10,)"
      R"("23":"9000","24":8,"22":1700000001,"21":1700000005,"58":12,"57590":"91.126","57591":"TLS.Google",)"
      R"("57833":"www.example.org","57640":4242,"57641":"curl","57844":"alice","57897":1000,"57848":"nginx",)"
      R"("extra":{"nested":[1,2,{"x":null}]},"999":true})";
  ASSERT_EQ(decode(d, headerV1(1), textFrame(json), out), 1u);
  const FlowRecord& r = out[0];
  EXPECT_EQ(r.ip_version, 4);
  EXPECT_EQ(r.src_ip, ip("192.168.1.10"));
  EXPECT_EQ(r.dst_ip, ip("198.51.100.7"));
  EXPECT_EQ(r.src_port, 40000);
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.l4_proto, 6);
  EXPECT_EQ(r.tcp_flags, 27);
  EXPECT_EQ(r.bytes, 1200u);
  EXPECT_EQ(r.packets, 10u);
  EXPECT_EQ(r.out_bytes, 9000u);  // a number in quotes
  EXPECT_EQ(r.out_packets, 8u);
  EXPECT_EQ(r.first_switched, 1700000001 * kSec);
  EXPECT_EQ(r.last_switched, 1700000005 * kSec);
  EXPECT_EQ(r.vlan, 12);
  EXPECT_TRUE(r.has(FlowField::L7Ids));
  EXPECT_EQ(r.l7_master, 91);
  EXPECT_EQ(r.l7_app, 126);
  EXPECT_EQ(r.l7_name, "TLS.Google");
  ASSERT_NE(r.details, nullptr);
  EXPECT_EQ(r.details->server_name, "www.example.org");
  EXPECT_EQ(r.details->client_process.pid, 4242u);
  EXPECT_EQ(r.details->client_process.name, "curl");
  EXPECT_EQ(r.details->client_process.user, "alice");
  EXPECT_EQ(r.details->client_process.uid, 1000u);
  EXPECT_EQ(r.details->server_process.name, "nginx");
  EXPECT_EQ(d.stats().messages, 1u);
  EXPECT_EQ(d.stats().flows, 1u);
}

TEST(ZmqMessage, ArrayByNamesIpv6AndFinerTimes) {
  ZmqMessageDecoder d;
  std::vector<FlowRecord> out;
  const std::string json =
      R"([{"IPV6_SRC_ADDR":"2001:db8::1","IPV6_DST_ADDR":"2001:db8::53","IPV4_SRC_ADDR":"0.0.0.0",)"
      R"("IPV4_DST_ADDR":"0.0.0.0","L4_SRC_PORT":5353,"L4_DST_PORT":53,"PROTOCOL":17,"IN_PKTS":1,"IN_BYTES":80,)"
      R"("FLOW_START_MILLISECONDS":1700000001250,"FIRST_SWITCHED":1700000001,"L7_PROTO":5},)"
      R"({"IPV4_SRC_ADDR":"10.0.0.1","IPV4_DST_ADDR":"10.0.0.2","PROTOCOL":1,"IN_PKTS":3,"IN_BYTES":252,"DST_VLAN":7}])";
  ASSERT_EQ(decode(d, headerV1(1), textFrame(json), out), 2u);
  EXPECT_EQ(out[0].ip_version, 6);
  EXPECT_EQ(out[0].src_ip, ip("2001:db8::1"));
  EXPECT_EQ(out[0].first_switched, 1700000001250ull * 1000);  // milliseconds beat seconds
  EXPECT_TRUE(out[0].has(FlowField::L7Ids));
  EXPECT_EQ(out[0].l7_master, 0);
  EXPECT_EQ(out[0].l7_app, 5);
  EXPECT_EQ(out[0].details, nullptr);
  EXPECT_EQ(out[1].ip_version, 4);
  EXPECT_EQ(out[1].l4_proto, 1);
  EXPECT_EQ(out[1].vlan, 7);
  EXPECT_FALSE(out[1].has(FlowField::L7Ids));
}

TEST(ZmqMessage, EveryHeaderLayoutAndCompression) {
  const std::string json = R"({"8":"10.0.0.1","12":"10.0.0.2","4":17,"7":1,"11":2,"1":100,"2":1})";
  ZmqMessageDecoder d;
  std::vector<FlowRecord> out;
  EXPECT_EQ(decode(d, headerV1(1), textFrame(json), out), 1u);
  Frame legacy = {0};  // older headers: a leading 0 byte, then the zlib stream
  const Frame z = zlibOf(json);
  legacy.insert(legacy.end(), z.begin(), z.end());
  EXPECT_EQ(decode(d, headerV1(2), legacy, out), 1u);
  EXPECT_EQ(decode(d, headerV3(3, 0x04, uint32_t(json.size())), z, out), 1u);  // flag 0x04: all zlib
  EXPECT_EQ(decode(d, headerV3(4, 0x00), textFrame(json), out), 1u);
  EXPECT_EQ(decode(d, headerV0(), textFrame(json), out), 1u);
  Frame v2(28, 0);
  std::memcpy(v2.data(), "flow", 4);
  v2[16] = 2;
  putBe32(v2.data() + 20, 5);
  EXPECT_EQ(decode(d, v2, textFrame(json), out), 1u);
  EXPECT_EQ(out.size(), 6u);
  for (const FlowRecord& r : out) EXPECT_EQ(r.bytes, 100u);
  EXPECT_EQ(d.stats().messages, 6u);
  EXPECT_EQ(d.stats().lost_messages, 0u);
}

// Malformed input is counted by kind and skipped whole; the decoder goes on with the next one.
TEST(ZmqMessage, BadInputIsCountedAndSkipped) {
  ZmqLimits limits;
  limits.max_message = 4096;
  limits.max_uncompressed = 65536;
  ZmqMessageDecoder d(limits);
  std::vector<FlowRecord> out;
  const std::string good = R"({"8":"10.0.0.1","12":"10.0.0.2","4":17,"1":100,"2":1})";
  // JSON that is not JSON, or not flows: nothing of the message is kept.
  for (const char* bad : {R"([{"8":"10.0.0.1","12":"10.0.0.2"},{"8":)", "{\"8\":\"10.0.0.1\"} trailing", "42",
                          "\"text\"", "[1,2]", "", "{\"8\":\"10.0.0.1\",}", "\xff\xfe{}"}) {
    EXPECT_EQ(decode(d, headerV1(0), textFrame(bad), out), 0u) << bad;
  }
  EXPECT_EQ(out.size(), 0u);
  EXPECT_EQ(d.stats().bad_json, 8u);
  // Headers of unknown sizes or versions.
  EXPECT_EQ(decode(d, Frame(23, 0), textFrame(good), out), 0u);
  EXPECT_EQ(decode(d, headerV1(0, 0, 9), textFrame(good), out), 0u);
  Frame v3bad = headerV3(0, 0);
  v3bad[16] = 2;
  EXPECT_EQ(decode(d, v3bad, textFrame(good), out), 0u);
  EXPECT_EQ(d.stats().bad_header, 3u);
  // zlib streams that do not inflate: garbage, cut short.
  Frame garbage = {0, 1, 2, 3, 4, 5, 6, 7};
  EXPECT_EQ(decode(d, headerV1(0), garbage, out), 0u);
  Frame cut = zlibOf(good);
  cut.resize(cut.size() / 2);
  EXPECT_EQ(decode(d, headerV3(0, 0x04), cut, out), 0u);
  EXPECT_EQ(d.stats().bad_compression, 2u);
  // Too large: the payload itself, or what it inflates to (a zlib bomb).
  EXPECT_EQ(decode(d, headerV1(0), textFrame(std::string(5000, ' ') + good), out), 0u);
  EXPECT_EQ(decode(d, headerV3(0, 0x04), zlibOf("[" + std::string(200000, ' ') + "]"), out), 0u);
  EXPECT_EQ(d.stats().too_large, 2u);
  // TLV (nProbe's binary encoding) and other topics.
  EXPECT_EQ(decode(d, headerV1(0, 0, 3), textFrame(good), out), 0u);
  EXPECT_EQ(decode(d, headerV3(0, 0x02), textFrame(good), out), 0u);
  EXPECT_EQ(d.stats().unsupported, 2u);
  EXPECT_EQ(decode(d, headerV1(0, 0, 2, "counter"), textFrame(good), out), 0u);
  EXPECT_EQ(d.stats().other_topics, 1u);
  // Fields of the wrong type or out of range are ignored, the flow is kept.
  EXPECT_EQ(decode(d, headerV1(0), textFrame(R"({"8":"10.0.0.1","12":"300.0.0.2","7":70000,"4":"x","1":-5})"), out), 1u);
  EXPECT_EQ(out.back().ip_version, 0);  // no valid destination: no addresses
  EXPECT_EQ(out.back().src_port, 0);
  EXPECT_EQ(out.back().bytes, 0u);
  // And good messages still decode.
  EXPECT_EQ(decode(d, headerV1(0), textFrame(good), out), 1u);
  EXPECT_EQ(d.stats().messages, 2u);
}

TEST(ZmqMessage, GapsInMessageIdsArePerPublisherAndSource) {
  ZmqMessageDecoder d;
  std::vector<FlowRecord> out;
  const Frame p = textFrame(R"({"8":"10.0.0.1","12":"10.0.0.2"})");
  for (uint32_t id : {1, 2, 5, 6}) decode(d, headerV1(id, 1), p, out, 0);  // 3 and 4 lost
  for (uint32_t id : {1, 2, 3}) decode(d, headerV1(id, 2), p, out, 0);     // another source id
  for (uint32_t id : {1, 2, 3}) decode(d, headerV1(id, 1), p, out, 1);     // another publisher
  decode(d, headerV1(1, 1), p, out, 0);  // a restarted publisher starts over
  decode(d, headerV1(2, 1), p, out, 0);
  EXPECT_EQ(d.stats().lost_messages, 2u);
  EXPECT_EQ(d.stats().messages, 12u);
}

}  // namespace
}  // namespace netlens::test
