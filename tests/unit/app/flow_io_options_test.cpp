// The command line of ZMQ collection and flow export (src/export/export_options.cpp).
#include <gtest/gtest.h>

#include <vector>

#include "app/options.hpp"

namespace netlens {
namespace {

ParseOutcome parse(std::vector<const char*> args) {
  args.insert(args.begin(), "netlens");
  return parseOptions(int(args.size()), args.data());
}

TEST(FlowIoOptions, ExportAndCollectionOptions) {
  auto out = parse({"-i", "tcp://127.0.0.1:5556,tcp://127.0.0.1:5557", "--no-web", "--zmq-export", "tcp://*:6000",
                    "--zmq-export", "tcp://*:6001", "--zmq-probe-mode", "--zmq-export-no-compress", "--netflow-export",
                    "v9@127.0.0.1:2055,127.0.0.1:2056", "--netflow-export-round-robin", "--export-interval", "5",
                    "--export-queue", "4096", "--zmq-export-wait", "3", "--zmq-encryption-key", "@/etc/key"});
  ASSERT_TRUE(out.options) << out.output;
  const FlowIoOptions& f = out.options->flow_io;
  EXPECT_EQ(f.zmq_export, (std::vector<std::string>{"tcp://*:6000", "tcp://*:6001"}));
  EXPECT_TRUE(f.zmq_probe_mode);
  EXPECT_FALSE(f.zmq_export_compress);
  EXPECT_EQ(f.netflow_export, (std::vector<std::string>{"v9@127.0.0.1:2055,127.0.0.1:2056"}));
  EXPECT_TRUE(f.netflow_round_robin);
  EXPECT_EQ(f.export_interval_s, 5u);
  EXPECT_EQ(f.export_queue, 4096u);
  EXPECT_EQ(f.zmq_export_wait_s, 3u);
  EXPECT_EQ(f.zmq_encryption_key, "@/etc/key");
  EXPECT_TRUE(f.exporting());
  EXPECT_FALSE(out.options->web.enabled);
  auto none = parse({"-i", "x.pcap"});
  ASSERT_TRUE(none.options);
  EXPECT_FALSE(none.options->flow_io.exporting());
  EXPECT_EQ(none.options->flow_io.export_interval_s, 30u);
}

TEST(FlowIoOptions, BadValuesAreRefused) {
  for (auto args : {std::vector<const char*>{"-i", "x", "--export-interval", "0"},
                    std::vector<const char*>{"-i", "x", "--export-queue", "10"},
                    std::vector<const char*>{"-i", "x", "--zmq-export-wait", "soon"}}) {
    auto out = parse(args);
    EXPECT_FALSE(out.options);
    EXPECT_EQ(out.exit_code, 2);
    EXPECT_FALSE(out.output.empty());
  }
}

TEST(FlowIoOptions, GenerateKeysPrintsAPairAndExits) {
  auto out = parse({"--zmq-generate-keys"});
  EXPECT_FALSE(out.options);
  EXPECT_EQ(out.exit_code, 0);
  ASSERT_EQ(out.output.size(), std::string("public key: \nsecret key: \n").size() + 80);
  EXPECT_EQ(out.output.rfind("public key: ", 0), 0u);
}

}  // namespace
}  // namespace netlens
