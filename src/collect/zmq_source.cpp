#include "collect/zmq_source.hpp"

#include <sstream>
#include <stdexcept>
#include <zmq.hpp>

namespace netlens {

struct ZmqFlowSource::Sockets {
  zmq::context_t context{1};
  std::vector<zmq::socket_t> sockets;
  std::vector<zmq::pollitem_t> items;
};

bool isZmqSpec(const std::string& spec) { return spec.rfind("tcp://", 0) == 0; }

namespace {

std::vector<std::string> splitEndpoints(const std::string& spec) {
  std::vector<std::string> out;
  std::istringstream in(spec);
  std::string e;
  while (std::getline(in, e, ','))
    if (!e.empty()) out.push_back(e);
  return out;
}

}  // namespace

ZmqFlowSource::ZmqFlowSource(const std::string& spec, const ZmqSourceOptions& options)
    : name_(spec), options_(options), sockets_(std::make_unique<Sockets>()), decoder_(options.limits) {
  const std::vector<std::string> endpoints = splitEndpoints(spec);
  if (endpoints.empty()) throw std::runtime_error(spec + ": no ZMQ endpoint");
  for (std::string e : endpoints) {
    if (!isZmqSpec(e)) throw std::runtime_error(spec + ": '" + e + "' is not a tcp:// endpoint");
    // "tcp://*:5556c": collector mode (bind); the 'c' follows the port's digits.
    const bool collector = e.size() > 7 && e.back() == 'c' && std::isdigit(static_cast<unsigned char>(e[e.size() - 2]));
    if (collector) e.pop_back();
    zmq::socket_t s(sockets_->context, zmq::socket_type::sub);
    try {
      s.set(zmq::sockopt::linger, 0);
      s.set(zmq::sockopt::rcvhwm, 10000);
      // The frames are read whole before netlens can look at their size: refuse absurd ones at
      // the socket (the peer is disconnected), and count the merely large ones in the decoder.
      s.set(zmq::sockopt::maxmsgsize, int64_t(options.limits.max_message) * 4 + 1024);
      s.set(zmq::sockopt::tcp_keepalive, 1);
      if (!options.curve_secret_key.empty()) {
        s.set(zmq::sockopt::curve_server, true);
        s.set(zmq::sockopt::curve_secretkey, options.curve_secret_key);
      }
      s.set(zmq::sockopt::subscribe, "flow");
      if (collector) s.bind(e);
      else s.connect(e);
    } catch (const zmq::error_t& err) {
      throw std::runtime_error(e + ": cannot " + (collector ? "bind" : "connect") + ": " + err.what());
    }
    sockets_->sockets.push_back(std::move(s));
  }
  for (auto& s : sockets_->sockets) sockets_->items.push_back(zmq::pollitem_t{s.handle(), 0, ZMQ_POLLIN, 0});
  batch_.reserve(8192);
}

ZmqFlowSource::~ZmqFlowSource() = default;

ReadResult ZmqFlowSource::next(PacketRef&) {
  batch_.clear();
  auto& items = sockets_->items;
  try {
    if (zmq::poll(items.data(), items.size(), std::chrono::milliseconds(options_.poll_ms)) <= 0) return ReadResult::Timeout;
    // Drain what is there without waiting, up to a batch's worth, fairly across the sockets.
    zmq::message_t header, payload, extra;
    for (int round = 0; round < 64 && batch_.size() < 8192; ++round) {
      bool any = false;
      for (size_t i = 0; i < sockets_->sockets.size(); ++i) {
        zmq::socket_t& s = sockets_->sockets[i];
        if (!s.recv(header, zmq::recv_flags::dontwait)) continue;
        any = true;
        if (!header.more()) {
          decoder_.countBadHeader();  // a lone frame: no payload
          continue;
        }
        if (!s.recv(payload, zmq::recv_flags::none)) continue;
        const bool extra_frames = payload.more();
        for (bool more = extra_frames; more && s.recv(extra, zmq::recv_flags::none);) more = extra.more();
        if (extra_frames) {
          decoder_.countBadHeader();  // not the two frames of a flow message
          continue;
        }
        decoder_.decode(static_cast<const uint8_t*>(header.data()), header.size(),
                        static_cast<const uint8_t*>(payload.data()), payload.size(), batch_, uint32_t(i));
      }
      if (!any) break;
    }
  } catch (const zmq::error_t& err) {
    if (err.num() == EINTR) return ReadResult::Timeout;
    error_ = err.what();
    return ReadResult::Error;
  }
  return batch_.empty() ? ReadResult::Timeout : ReadResult::Records;
}

void ZmqFlowSource::ioCounters(std::vector<IoCounter>& out) const {
  const ZmqCollectStats& s = decoder_.stats();
  const char* g = "zmq_collector";
  out.push_back({g, "messages", s.messages});
  out.push_back({g, "flows", s.flows});
  out.push_back({g, "bad_header", s.bad_header});
  out.push_back({g, "bad_json", s.bad_json});
  out.push_back({g, "bad_compression", s.bad_compression});
  out.push_back({g, "too_large", s.too_large});
  out.push_back({g, "unsupported", s.unsupported});
  out.push_back({g, "other_topics", s.other_topics});
  out.push_back({g, "lost_messages", s.lost_messages});
}

}  // namespace netlens
