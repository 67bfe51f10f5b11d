// Flows from probes take the probe's application (L7_PROTO) when it sent one: by name first
// (names survive different nDPI builds), else by number; and keep what the probe knew.
#include <gtest/gtest.h>

#include "collect/zmq_message.hpp"
#include "engine_harness.hpp"
#include "zmq_test_util.hpp"

namespace netlens::test {
namespace {

std::vector<FlowRecord> decodeJson(ZmqMessageDecoder& d, const std::string& json) {
  std::vector<FlowRecord> out;
  d.decodeJson(json, out);
  return out;
}

TEST(ZmqEngine, ProbeApplicationByNameThenNumberElseNdpiGuess) {
  NetworkInterface iface(engineConfig({"192.168.1.0/24"}));
  const NameTable& names = iface.names();
  uint16_t google = 0, tls = 0, ntop_id = 0;
  for (size_t i = 0; i < names.protocols.size(); ++i) {
    if (names.protocols[i] == "Google") google = uint16_t(i);
    if (names.protocols[i] == "TLS") tls = uint16_t(i);
    if (names.protocols[i] == "ntop") ntop_id = uint16_t(i);
  }
  ASSERT_NE(google, 0);
  ASSERT_NE(tls, 0);
  ZmqMessageDecoder d;
  // By name, with numbers that would say something else: the name wins.
  const std::string by_name = R"({"8":"192.168.1.10","12":"198.51.100.7","7":40000,"11":8080,"4":6,"1":500,"2":5,)"
                              R"("57590":"1.2","57591":"TLS.Google","57641":"chrome","57660":"www.google.com"})";
  // By number only (port 53 would make nDPI guess DNS).
  const std::string by_number = R"({"8":"192.168.1.10","12":"198.51.100.8","7":40001,"11":53,"4":17,"1":80,"2":1,)"
                                R"("57590":")" + std::to_string(ntop_id) + R"("})";
  // Nothing from the probe: nDPI's guess from the port.
  const std::string none = R"({"8":"192.168.1.10","12":"198.51.100.9","7":40002,"11":53,"4":17,"1":80,"2":1})";
  // A name this nDPI does not know and numbers out of range: nDPI's guess.
  const std::string unknown = R"({"8":"192.168.1.10","12":"198.51.100.10","7":40003,"11":53,"4":17,"1":80,"2":1,)"
                              R"("57590":"60000.60001","57591":"NoSuchProto"})";
  for (const std::string& j : {by_name, by_number, none, unknown})
    for (const FlowRecord& r : decodeJson(d, j)) iface.processFlowRecord(r);
  const Flow* f = findFlow(iface, "198.51.100.7", 8080, 6);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->app.master, tls);
  EXPECT_EQ(f->app.app, google);
  EXPECT_EQ(iface.classifier().fullName(f->app), "TLS.Google");
  ASSERT_NE(f->details, nullptr);
  EXPECT_EQ(f->details->server_name, "www.google.com");
  EXPECT_EQ(f->details->client_process.name, "chrome");
  const Flow* n = findFlow(iface, "198.51.100.8", 53, 17);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->app.accounted(), ntop_id);
  EXPECT_EQ(iface.classifier().fullName(findFlow(iface, "198.51.100.9", 53, 17)->app), "DNS");
  EXPECT_EQ(iface.classifier().fullName(findFlow(iface, "198.51.100.10", 53, 17)->app), "DNS");
  iface.advanceClock(at(1) + 1'000'000'000'000ull);
  const AppTotals apps = sumApplications(iface);
  EXPECT_EQ(apps.traffic.bytes, 500u + 80u * 3);
  EXPECT_EQ(iface.applications()[google].traffic.bytes, 500u);
  EXPECT_EQ(iface.applications()[google].flows, 1u);
}

}  // namespace
}  // namespace netlens::test
