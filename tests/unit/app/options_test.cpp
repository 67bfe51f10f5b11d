#include <gtest/gtest.h>

#include <vector>

#include "app/options.hpp"

namespace netlens {
namespace {

ParseOutcome parse(std::vector<const char*> args) {
  args.insert(args.begin(), "netlens");
  return parseOptions(int(args.size()), args.data());
}

TEST(Options, ParsesSourcesNetworksAndLimits) {
  auto out = parse({"-i", "a.pcap", "-i", "eth0", "-m", "10.0.0.0/8, 192.168.1.0/24", "-m", "fd00::/8",
                    "--max-num-flows", "1000", "--flow-idle-timeout", "5", "-B", "tcp", "--shutdown-when-done"});
  ASSERT_TRUE(out.options) << out.output;
  const Options& o = *out.options;
  EXPECT_EQ(o.interfaces, (std::vector<std::string>{"a.pcap", "eth0"}));
  ASSERT_EQ(o.local_networks.size(), 3u);
  EXPECT_EQ(o.local_networks[1].toString(), "192.168.1.0/24");
  EXPECT_EQ(o.local_networks[2].toString(), "fd00::/8");
  EXPECT_EQ(o.lifecycle.max_flows, 1000u);
  EXPECT_EQ(o.lifecycle.flow_idle_s, 5u);
  EXPECT_FALSE(o.lifecycle.local_host_idle_s.has_value());
  EXPECT_EQ(o.capture.bpf_filter, "tcp");
  EXPECT_TRUE(o.shutdown_when_done);
}

TEST(Options, RejectsBadValuesWithAMessage) {
  auto bad_net = parse({"-i", "x", "-m", "10.0.0.0/99"});
  EXPECT_FALSE(bad_net.options);
  EXPECT_NE(bad_net.exit_code, 0);
  EXPECT_NE(bad_net.output.find("10.0.0.0/99"), std::string::npos);
  auto bad_num = parse({"-i", "x", "--max-num-flows", "lots"});
  EXPECT_FALSE(bad_num.options);
  EXPECT_NE(bad_num.exit_code, 0);
  EXPECT_FALSE(bad_num.output.empty());
  auto unknown = parse({"--no-such-option"});
  EXPECT_FALSE(unknown.options);
  EXPECT_NE(unknown.exit_code, 0);
}

TEST(Options, HelpListsEveryOption) {
  auto help = parse({"--help"});
  EXPECT_FALSE(help.options);
  EXPECT_EQ(help.exit_code, 0);
  for (const char* opt : {"--interface", "--bpf", "--shutdown-when-done", "--local-networks", "--ndpi-protocols",
                          "--ndpi-categories", "--flow-idle-timeout", "--tcp-closed-timeout",
                          "--local-host-idle-timeout", "--remote-host-idle-timeout", "--max-num-flows",
                          "--max-num-hosts", "--user", "--dump-json"})
    EXPECT_NE(help.output.find(opt), std::string::npos) << opt;
}

TEST(Options, FilesExpireOnlyWhenATimeoutIsGiven) {
  auto plain = parse({"-i", "a.pcap"});
  ASSERT_TRUE(plain.options);
  EXPECT_FALSE(engineConfigFor(*plain.options, "a.pcap", true, {}).expire_idle);
  EXPECT_TRUE(engineConfigFor(*plain.options, "eth0", false, {}).expire_idle);
  auto timed = parse({"-i", "a.pcap", "--remote-host-idle-timeout", "30"});
  ASSERT_TRUE(timed.options);
  EXPECT_TRUE(engineConfigFor(*timed.options, "a.pcap", true, {}).expire_idle);
}

TEST(Options, DeviceNetworksBecomeLocalOnce) {
  auto o = parse({"-i", "eth0", "-m", "192.168.1.0/24"});
  ASSERT_TRUE(o.options);
  const auto own = std::vector<Cidr>{*Cidr::parse("192.168.1.0/24"), *Cidr::parse("10.9.0.0/16")};
  const EngineConfig c = engineConfigFor(*o.options, "eth0", false, own);
  ASSERT_EQ(c.local_networks.size(), 2u);
  EXPECT_EQ(c.local_networks[1].toString(), "10.9.0.0/16");
}

TEST(Options, GeoIpDirectoryDefaultsToTheInstalledDatabases) {
  auto plain = parse({"-i", "a.pcap"});
  ASSERT_TRUE(plain.options);
  EXPECT_EQ(plain.options->geoip_dir, NETLENS_DEFAULT_GEOIP_DIR);
  auto given = parse({"-i", "a.pcap", "--geoip-dir", "/srv/geoip"});
  ASSERT_TRUE(given.options);
  EXPECT_EQ(given.options->geoip_dir, "/srv/geoip");
  EXPECT_NE(parse({"--help"}).output.find("--geoip-dir"), std::string::npos);
}

}  // namespace
}  // namespace netlens
