// Writes seeds for fuzz_zmq: JSON flow payloads alone, and header + payload messages in
// fuzz_zmq's layout (header, "\xFF\xFE\xFD", payload), plain and zlib-compressed.
//
// usage: fuzz_zmq_seeds OUT_DIR
#include <string>
#include <utility>
#include <vector>

#include "seed_files.hpp"
#include "zmq_test_util.hpp"

namespace {

using namespace netlens::test::zmqmsg;

netlens::fuzz::NamedSeeds seeds() {
  const std::string one = R"({"8":"192.168.1.10","12":"198.51.100.7","7":40000,"11":443,"4":6,"6":27,"1":1200,"2":10,)"
                          R"("23":"9000","24":8,"22":1700000001,"21":1700000005,"58":12,"57590":"91.126",)"
                          R"("57591":"TLS.Google","57833":"www.example.org","57640":4242,"57641":"curl"})";
  const std::string arr = R"([{"IPV6_SRC_ADDR":"2001:db8::1","IPV6_DST_ADDR":"2001:db8::53","L4_SRC_PORT":5353,)"
                          R"("L4_DST_PORT":53,"PROTOCOL":17,"IN_PKTS":1,"IN_BYTES":80,"FLOW_START_MILLISECONDS":1700000001250},)"
                          R"({"35632.118":"5","IPV4_SRC_ADDR":"10.0.0.1","IPV4_DST_ADDR":"10.0.0.2","DST_VLAN":7,"x":[1,{"y":null}]}])";
  netlens::fuzz::NamedSeeds seeds;
  seeds.push_back({"json-object", textFrame(one)});
  seeds.push_back({"json-array", textFrame(arr)});
  auto message = [](const Frame& h, const Frame& p) {
    Frame m = h;
    m.insert(m.end(), {0xFF, 0xFE, 0xFD});
    m.insert(m.end(), p.begin(), p.end());
    return m;
  };
  Frame legacy = {0};
  const Frame z = zlibOf(arr);
  legacy.insert(legacy.end(), z.begin(), z.end());
  seeds.push_back({"msg-v1", message(headerV1(7, 1), textFrame(one))});
  seeds.push_back({"msg-v1-zlib", message(headerV1(8, 1), legacy)});
  seeds.push_back({"msg-v3-zlib", message(headerV3(9, 0x04, uint32_t(arr.size())), z)});
  seeds.push_back({"msg-v0", message(headerV0(), textFrame(arr))});
  return seeds;
}

}  // namespace

int main(int argc, char** argv) { return netlens::fuzz::writeSeedFiles(argc, argv, seeds); }
