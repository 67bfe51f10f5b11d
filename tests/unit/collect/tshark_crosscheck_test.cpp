// Cross-checks our datagrams and our decoding against Wireshark's cflow dissector: the datagram
// goes into a pcap inside a UDP packet to port 2055, tshark decodes it, and its fields must be
// ours. Skipped when tshark is not installed.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "collect/netflow_parser.hpp"
#include "export_builders.hpp"

namespace netlens::test {
namespace {

using namespace flowexport;

bool haveTshark() { return std::system("command -v tshark >/dev/null 2>&1") == 0; }

void writePcap(const std::filesystem::path& path, const Bytes& datagram) {
  const Bytes frame =
      ethernet(0x0800, ipv4("192.0.2.1", "192.0.2.2", 17, udpDatagram(40000, 2055, datagram)));
  Bytes file;
  auto le32 = [&file](uint32_t v) {
    for (int i = 0; i < 4; ++i) file.push_back(uint8_t(v >> (8 * i)));
  };
  le32(0xa1b2c3d4);
  file.push_back(2); file.push_back(0);  // version 2.4
  file.push_back(4); file.push_back(0);
  le32(0);
  le32(0);
  le32(65535);
  le32(1);  // Ethernet
  le32(1'700'000'000);
  le32(0);
  le32(uint32_t(frame.size()));
  le32(uint32_t(frame.size()));
  append(file, frame);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(file.data()), long(file.size()));
}

std::string tsharkFields(const std::filesystem::path& pcap, const std::string& fields) {
  const std::string cmd = "tshark -n -r '" + pcap.string() +
                          "' -d udp.port==2055,cflow -T fields -E separator=';' -E aggregator=, " +
                          fields + " 2>/dev/null";
  std::string result;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) result.append(buf, n);
    pclose(p);
  }
  while (!result.empty() && (result.back() == '\n' || result.back() == '\r')) result.pop_back();
  return result;
}

std::string ours(const std::vector<FlowRecord>& out) {
  std::string src, dst, sport, dport, proto, bytes, packets;
  for (const FlowRecord& f : out) {
    auto add = [](std::string& s, const std::string& v) { s += (s.empty() ? "" : ",") + v; };
    add(src, f.src_ip.toString());
    add(dst, f.dst_ip.toString());
    add(sport, std::to_string(f.src_port));
    add(dport, std::to_string(f.dst_port));
    add(proto, std::to_string(f.l4_proto));
    add(bytes, std::to_string(f.bytes));
    add(packets, std::to_string(f.packets));
  }
  return src + ";" + dst + ";" + sport + ";" + dport + ";" + proto + ";" + bytes + ";" + packets;
}

class TsharkCrossCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!haveTshark()) GTEST_SKIP() << "tshark is not installed";
    dir_ = std::filesystem::temp_directory_path() /
           ("netlens-collect-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  void check(const Bytes& datagram, const std::string& src_field, size_t expected_records) {
    NetflowParser parser;
    std::vector<FlowRecord> out;
    const ParseResult r = parser.parse(datagram.data(), datagram.size(), ip("192.0.2.1"),
                                       1'700'000'000ull * kMicrosPerSecond, out);
    ASSERT_TRUE(r.ok()) << r.error;
    ASSERT_EQ(out.size(), expected_records);
    const auto pcap = dir_ / "export.pcap";
    writePcap(pcap, datagram);
    const std::string theirs =
        tsharkFields(pcap, "-e " + src_field + " -e cflow.dstaddr -e cflow.srcport -e cflow.dstport "
                           "-e cflow.protocol -e cflow.octets -e cflow.packets");
    std::string mine = ours(out);
    EXPECT_EQ(theirs, mine);
  }

  std::filesystem::path dir_;
};

TEST_F(TsharkCrossCheck, NetflowV9) {
  Bytes records = ipv4Record("10.1.1.1", "10.2.2.2", 40000, 443, 6, 5000, 12, 490'000, 499'000);
  append(records, ipv4Record("10.1.1.3", "10.2.2.4", 53, 5353, 17, 80, 1, 500'000, 500'000));
  const Bytes d = v9Datagram({set(0, templateRecord(256, ipv4Template())), set(256, records, true)},
                             500'000, 1'700'000'000, 7, 3);
  check(d, "cflow.srcaddr", 2);
}

TEST_F(TsharkCrossCheck, Ipfix) {
  const std::vector<Field> fields = {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {1, 8}, {2, 4},
                                     {152, 8}, {153, 8}};
  Bytes rec;
  putIp(rec, "198.51.100.7");
  putIp(rec, "203.0.113.9");
  put16(rec, 12345);
  put16(rec, 80);
  put8(rec, 6);
  putN(rec, 123456789012ull, 8);
  put32(rec, 4242);
  putN(rec, 1'700'000'000'000ull, 8);
  putN(rec, 1'700'000'005'000ull, 8);
  const Bytes d = ipfixMessage({set(2, templateRecord(256, fields)), set(256, rec)}, 1'700'000'010, 3);
  check(d, "cflow.srcaddr", 1);
}

}  // namespace
}  // namespace netlens::test
