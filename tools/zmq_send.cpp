// netlens-zmq-send: a probe stand-in for tests: publishes messages to a ZeroMQ collector with the
// real libzmq, as nProbe does in probe mode (it connects to netlens's "tcp://...:PORTc").
//
//   netlens-zmq-send ENDPOINT FILE...
//
// Each FILE is one message: its header frame, the three bytes FF FE FD, and its payload frame
// (fuzz_zmq's layout); a file without that marker is sent as a single frame. The tool waits
// (up to 10 s) until the collector has subscribed, sends every message in order, and exits
// once they have left (exit 1 when no collector subscribed).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>
#include <zmq.hpp>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s ENDPOINT FILE...\n", argv[0]);
    return 2;
  }
  zmq::context_t ctx;
  zmq::socket_t pub(ctx, zmq::socket_type::xpub);
  pub.set(zmq::sockopt::linger, 10000);
  pub.set(zmq::sockopt::sndhwm, 0);
  pub.set(zmq::sockopt::ipv6, 1);
  pub.connect(argv[1]);
  // The collector's subscription tells that messages will reach it.
  zmq::pollitem_t item{pub.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, std::chrono::milliseconds(10000)) <= 0) {
    std::fprintf(stderr, "netlens-zmq-send: no collector subscribed at %s\n", argv[1]);
    return 1;
  }
  zmq::message_t sub;
  (void)pub.recv(sub, zmq::recv_flags::none);
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "netlens-zmq-send: cannot read %s\n", argv[i]);
      return 2;
    }
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t mark = data.find("\xFF\xFE\xFD");
    if (mark == std::string::npos) {
      pub.send(zmq::buffer(data), zmq::send_flags::none);
    } else {
      pub.send(zmq::buffer(data.data(), mark), zmq::send_flags::sndmore);
      pub.send(zmq::buffer(data.data() + mark + 3, data.size() - mark - 3), zmq::send_flags::none);
    }
  }
  return 0;
}
