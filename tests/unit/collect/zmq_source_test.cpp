// The ZMQ collector source against real ZeroMQ peers on the loopback: a PUB socket in the test
// plays the probe (publishing, or connecting to netlens in collector mode), with and without
// CURVE encryption.
#include "collect/zmq_source.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <zmq.hpp>

#include "collect/zmq_keys.hpp"
#include "zmq_test_util.hpp"

namespace netlens::test {
namespace {

using namespace zmqmsg;

uint16_t freePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

std::string flowJson(int i) {
  return R"({"8":"10.0.0.1","12":"10.0.0.2","4":17,"7":)" + std::to_string(1000 + i) + R"(,"11":53,"1":100,"2":1})";
}

void send(zmq::socket_t& pub, const Frame& header, const std::string& payload) {
  pub.send(zmq::buffer(header), zmq::send_flags::sndmore);
  pub.send(zmq::buffer(payload), zmq::send_flags::none);
}

// Publishes message i (i = 1, 2, ...) until the source has received `want` flows or 5 s pass;
// the first messages may go nowhere while the subscription travels (ZeroMQ's slow joiner).
size_t exchange(ZmqFlowSource& src, zmq::socket_t& pub, size_t want, bool keep_sending = true) {
  size_t got = 0;
  PacketRef pkt;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (int i = 1; got < want && std::chrono::steady_clock::now() < deadline; ++i) {
    if (keep_sending) send(pub, headerV1(uint32_t(i)), flowJson(i));
    const ReadResult r = src.next(pkt);
    if (r == ReadResult::Records) got += src.records().size();
    else EXPECT_EQ(r, ReadResult::Timeout);
  }
  return got;
}

TEST(ZmqSource, SubscribesToAPublishingProbe) {
  const uint16_t port = freePort();
  zmq::context_t ctx;
  zmq::socket_t pub(ctx, zmq::socket_type::pub);
  pub.bind("tcp://127.0.0.1:" + std::to_string(port));
  ZmqFlowSource src("tcp://127.0.0.1:" + std::to_string(port), ZmqSourceOptions{});
  EXPECT_FALSE(src.isFile());
  EXPECT_GE(exchange(src, pub, 20), 20u);
  EXPECT_GE(src.stats().messages, 20u);
  EXPECT_EQ(src.stats().bad_json, 0u);
  // A malformed message among good ones: counted, the others still arrive.
  send(pub, headerV1(1000), "{not json");
  send(pub, textFrame("flow..."), flowJson(1));  // a header of no known size
  pub.send(zmq::str_buffer("flow-lone-frame"), zmq::send_flags::none);
  const size_t before = src.stats().flows;
  EXPECT_GE(exchange(src, pub, 5), 5u);
  EXPECT_GE(src.stats().flows, before + 5);
  EXPECT_EQ(src.stats().bad_json, 1u);
  EXPECT_EQ(src.stats().bad_header, 2u);
  // Reported like a NetFlow collector: every message received is a flow message or skipped
  // under one reason.
  const auto c = src.collectorStats();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, "zmq");
  EXPECT_EQ(c->flow_messages, src.stats().messages);
  EXPECT_EQ(c->messages, c->flow_messages + 3);
  EXPECT_EQ(c->flows, src.stats().flows);
  EXPECT_EQ(c->malformed, 3u);
  EXPECT_EQ(c->zmq.bad_json, 1u);
  EXPECT_EQ(c->zmq.bad_header, 2u);
  EXPECT_EQ(c->zmq.bad_compression + c->zmq.too_large + c->zmq.unsupported + c->zmq.other_topics, 0u);
  EXPECT_EQ(c->peers_not_kept, 0u);
  // Per probe, as a NetFlow collector's exporters: the publisher's address, what it sent.
  ASSERT_EQ(c->peers.size(), 1u);
  const PeerStats& probe = c->peers[0];
  EXPECT_EQ(probe.address, *IpAddress::parse("127.0.0.1"));
  EXPECT_EQ(probe.messages, c->messages);
  EXPECT_EQ(probe.flows, src.stats().flows);
  EXPECT_EQ(probe.bytes, 100 * probe.flows);
  EXPECT_EQ(probe.malformed, 3u);
  EXPECT_EQ(probe.zmq.bad_json, 1u);
  EXPECT_EQ(probe.zmq.bad_header, 2u);
  EXPECT_EQ(probe.versions, std::vector<uint16_t>{2});
  EXPECT_FALSE(probe.last_error.empty());
  EXPECT_GT(probe.last_seen, 0u);
  EXPECT_GE(probe.last_seen, probe.first_seen);
}

TEST(ZmqSource, IdleSourceTimesOutQuickly) {
  ZmqFlowSource src("tcp://127.0.0.1:" + std::to_string(freePort()), ZmqSourceOptions{});
  PacketRef pkt;
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(src.next(pkt), ReadResult::Timeout);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(ms, 1000);
}

// Collector mode ("c" suffix): netlens binds, two probes connect and publish into one interface.
TEST(ZmqSource, CollectorModeMergesProbes) {
  const uint16_t port = freePort();
  const std::string ep = "tcp://127.0.0.1:" + std::to_string(port);
  ZmqFlowSource src(ep + "c", ZmqSourceOptions{});
  zmq::context_t ctx;
  zmq::socket_t a(ctx, zmq::socket_type::pub), b(ctx, zmq::socket_type::pub);
  a.connect(ep);
  b.connect(ep);
  EXPECT_GE(exchange(src, a, 10), 10u);
  EXPECT_GE(exchange(src, b, 10), 10u);
}

TEST(ZmqSource, Ipv6Endpoints) {
  const std::string ep = "tcp://[::1]:" + std::to_string(freePort());
  ZmqFlowSource src(ep + "c", ZmqSourceOptions{});
  zmq::context_t ctx;
  zmq::socket_t probe(ctx, zmq::socket_type::pub);
  probe.set(zmq::sockopt::ipv6, 1);
  probe.connect(ep);
  EXPECT_GE(exchange(src, probe, 10), 10u);
  ASSERT_EQ(src.collectorStats()->peers.size(), 1u);
  EXPECT_EQ(src.collectorStats()->peers[0].address, *IpAddress::parse("::1"));
}

TEST(ZmqSource, SeveralEndpointsInOneInterface) {
  const uint16_t p1 = freePort(), p2 = freePort();
  zmq::context_t ctx;
  zmq::socket_t a(ctx, zmq::socket_type::pub), b(ctx, zmq::socket_type::pub);
  a.bind("tcp://127.0.0.1:" + std::to_string(p1));
  b.bind("tcp://127.0.0.1:" + std::to_string(p2));
  ZmqFlowSource src("tcp://127.0.0.1:" + std::to_string(p1) + ",tcp://127.0.0.1:" + std::to_string(p2), ZmqSourceOptions{});
  EXPECT_GE(exchange(src, a, 10), 10u);
  EXPECT_GE(exchange(src, b, 10), 10u);
  EXPECT_EQ(src.stats().lost_messages, 0u);  // message ids are tracked per publisher
}

TEST(ZmqSource, BadEndpointsAreRefusedWithAMessage) {
  EXPECT_THROW(ZmqFlowSource("tcp://127.0.0.1:notaport", ZmqSourceOptions{}), std::runtime_error);
  EXPECT_THROW(ZmqFlowSource("tcp://127.0.0.1:1,udp://x", ZmqSourceOptions{}), std::runtime_error);
  EXPECT_THROW(loadCurveKey("short", "--zmq-encryption-key"), std::runtime_error);
  EXPECT_THROW(loadCurveKey("@/nonexistent/key", "--zmq-encryption-key"), std::runtime_error);
}

// '@' is one of Z85's characters: a key that starts with it is a key, not a file name.
TEST(ZmqSource, KeysStartingWithAtAreKeys) {
  for (int i = 0; i < 2000; ++i) {
    const auto [pub, sec] = generateCurveKeys();
    for (const std::string& k : {pub, sec}) ASSERT_EQ(loadCurveKey(k, "key"), k);
  }
  const std::string at_key = "@" + std::string(generateCurveKeys().first).substr(1);  // '@' is Z85 digit 77
  EXPECT_EQ(loadCurveKey(at_key, "key"), at_key);
}

// CURVE: the collector holds the secret key; a probe that encrypts to its public key gets
// through, one that does not is never heard.
TEST(ZmqSource, CurveEncryptionRoundTrip) {
  const auto [server_public, server_secret] = generateCurveKeys();
  EXPECT_EQ(curvePublicKey(server_secret), server_public);
  EXPECT_EQ(loadCurveKey(server_secret, "key"), server_secret);
  const uint16_t port = freePort();
  const std::string ep = "tcp://127.0.0.1:" + std::to_string(port);
  ZmqSourceOptions opt;
  opt.curve_secret_key = server_secret;
  ZmqFlowSource src(ep + "c", opt);
  zmq::context_t ctx;
  {
    zmq::socket_t plain(ctx, zmq::socket_type::pub);
    plain.set(zmq::sockopt::linger, 0);
    plain.connect(ep);
    EXPECT_EQ(exchange(src, plain, 1), 0u);  // 5 s of sending: nothing arrives
  }
  zmq::socket_t probe(ctx, zmq::socket_type::pub);
  const auto [client_public, client_secret] = generateCurveKeys();
  probe.set(zmq::sockopt::curve_serverkey, server_public);
  probe.set(zmq::sockopt::curve_publickey, client_public);
  probe.set(zmq::sockopt::curve_secretkey, client_secret);
  probe.connect(ep);
  EXPECT_GE(exchange(src, probe, 10), 10u);
}

}  // namespace
}  // namespace netlens::test
