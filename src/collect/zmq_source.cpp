#include "collect/zmq_source.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
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
      s.set(zmq::sockopt::ipv6, 1);  // tcp://[::1]:5556 and names that resolve to IPv6
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
        const char* peer = nullptr;
        try {
          peer = header.gets("Peer-Address");
        } catch (const zmq::error_t&) {
        }
        const ZmqCollectStats before = decoder_.stats();
        const size_t first = batch_.size();
        if (!header.more()) {
          decoder_.countBadHeader();  // a lone frame: no payload
          account(peer, nullptr, 0, before, first, header.size());
          continue;
        }
        if (!s.recv(payload, zmq::recv_flags::none)) continue;
        const bool extra_frames = payload.more();
        for (bool more = extra_frames; more && s.recv(extra, zmq::recv_flags::none);) more = extra.more();
        if (extra_frames) {
          decoder_.countBadHeader();  // not the two frames of a flow message
          account(peer, nullptr, 0, before, first, payload.size());
          continue;
        }
        decoder_.decode(static_cast<const uint8_t*>(header.data()), header.size(),
                        static_cast<const uint8_t*>(payload.data()), payload.size(), batch_, uint32_t(i));
        account(peer, static_cast<const uint8_t*>(header.data()), header.size(), before, first, payload.size());
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

void ZmqFlowSource::account(const char* peer, const uint8_t* header, size_t header_len, const ZmqCollectStats& before,
                            size_t first, size_t payload_len) {
  ++received_;
  received_bytes_ += payload_len;
  std::optional<IpAddress> address = peer ? IpAddress::parse(peer) : std::nullopt;
  if (!address) {
    ++probes_not_kept_;  // no peer address to keep it under (libzmq gives one for tcp://)
    return;
  }
  // An IPv6 socket reports IPv4 peers as ::ffff:a.b.c.d: name them by their IPv4 address.
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (address->isV6() && std::memcmp(address->data(), kMapped, 12) == 0) address = IpAddress::v4(address->data() + 12);
  PeerStats* p = probes_.find(*address, wallClockMicros());
  if (!p) {
    ++probes_not_kept_;
    return;
  }
  ++p->messages;
  ZmqHeader h;
  if (header && ZmqMessageDecoder::parseHeader(header, header_len, h)) {
    PeerTable::noteVersion(*p, uint16_t(h.version));
    PeerTable::noteDomain(*p, h.source_id);
  }
  for (size_t i = first; i < batch_.size(); ++i) {
    const FlowRecord& r = batch_[i];
    ++p->flows;
    p->packets += r.packets + r.out_packets;
    p->bytes += r.bytes + r.out_bytes;
  }
  const ZmqCollectStats& now = decoder_.stats();
  p->lost_messages += now.lost_messages - before.lost_messages;
  p->zmq.addGrowth(now, before);
  const std::pair<uint64_t, const char*> outcomes[] = {
      {now.bad_header - before.bad_header, "bad header"},       {now.bad_json - before.bad_json, "bad JSON"},
      {now.bad_compression - before.bad_compression, "bad zlib"}, {now.too_large - before.too_large, "too large"},
      {now.unsupported - before.unsupported, "TLV (unsupported)"}};
  for (const auto& [n, what] : outcomes)
    if (n != 0) PeerTable::noteMalformed(*p, what);
}

std::shared_ptr<const CollectorStats> ZmqFlowSource::collectorStats() const {
  if (published_ && published_received_ == received_) return published_;
  auto c = std::make_shared<CollectorStats>();
  c->kind = "zmq";
  c->listen = name_;
  c->messages = received_;
  c->bytes = received_bytes_;
  const ZmqCollectStats& s = decoder_.stats();
  c->flows = s.flows;
  c->malformed = s.malformed();
  c->peers_not_kept = probes_not_kept_;
  c->peers = probes_.all();
  c->flow_messages = s.messages;
  c->zmq = static_cast<const ZmqSkipped&>(s);
  c->lost_messages = s.lost_messages;
  published_ = c;
  published_received_ = received_;
  return c;
}

}  // namespace netlens
