#include "export/zmq_exporter.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <zmq.hpp>

#include "collect/zmq_keys.hpp"
#include "core/json_writer.hpp"
#include "export/flow_json.hpp"

namespace netlens {

namespace {
// ntopng inflates the older headers' zlib payloads into a 43,690-byte buffer: stay below.
constexpr size_t kMaxJson = 40 * 1024;
constexpr size_t kCompressAbove = 1024;
}  // namespace

struct ZmqExporter::Socket {
  zmq::context_t context{1};
  zmq::socket_t socket{context, zmq::socket_type::xpub};
};

ZmqExporter::ZmqExporter(const ZmqExportOptions& options)
    : ExportWorker("zmq-export " + options.endpoint, options.max_queued_flows), options_(options), socket_(std::make_unique<Socket>()) {
  zmq::socket_t& s = socket_->socket;
  try {
    s.set(zmq::sockopt::linger, 3000);  // at exit, what is queued still has 3 s to leave
    s.set(zmq::sockopt::sndhwm, 50000);
    s.set(zmq::sockopt::xpub_verboser, 1);  // every (un)subscription, to count the collectors
    s.set(zmq::sockopt::xpub_nodrop, 1);    // a full pipe fails the send: counted, not silent
    s.set(zmq::sockopt::tcp_keepalive, 1);
    s.set(zmq::sockopt::ipv6, 1);
    if (!options.server_public_key.empty()) {
      const auto [pub, sec] = generateCurveKeys();
      s.set(zmq::sockopt::curve_serverkey, options.server_public_key);
      s.set(zmq::sockopt::curve_publickey, pub);
      s.set(zmq::sockopt::curve_secretkey, sec);
    }
    if (options.connect) s.connect(options.endpoint);
    else s.bind(options.endpoint);
  } catch (const zmq::error_t& e) {
    throw std::runtime_error("--zmq-export " + options.endpoint + ": cannot " + (options.connect ? "connect" : "bind") +
                             ": " + e.what());
  }
  start();
}

ZmqExporter::~ZmqExporter() { stop(); }

void ZmqExporter::readSubscriptions() {
  zmq::message_t m;
  while (socket_->socket.recv(m, zmq::recv_flags::dontwait)) {
    if (m.size() < 1) continue;
    const auto* b = static_cast<const uint8_t*>(m.data());
    const std::string_view topic(reinterpret_cast<const char*>(b + 1), m.size() - 1);
    if (std::string_view("flow").substr(0, topic.size()) != topic) continue;  // would not match our messages
    if (b[0] == 1) subscribers_.fetch_add(1);
    else if (b[0] == 0 && subscribers_.load() > 0) subscribers_.fetch_sub(1);
  }
}

void ZmqExporter::idle() { readSubscriptions(); }

void ZmqExporter::describe(ExportStats& out) const {
  out.kind = "zmq";
  out.destinations = {options_.endpoint};
  out.connect = options_.connect;
  out.encrypted = !options_.server_public_key.empty();
  out.subscribers = uint32_t(std::max(0, subscribers_.load()));
}

void ZmqExporter::finish() {
  readSubscriptions();
  socket_->socket.close();  // waits up to the linger time for queued messages
}

void ZmqExporter::sendMessage(const std::string& json, size_t flows, ExportCounters& counters) {
  // 24-byte header: topic[16], version 2, source id 0, size u16, message id (network order).
  uint8_t h[24] = {};
  std::memcpy(h, "flow", 4);
  h[16] = 2;
  const uint32_t id = ++msg_id_;
  h[20] = uint8_t(id >> 24), h[21] = uint8_t(id >> 16), h[22] = uint8_t(id >> 8), h[23] = uint8_t(id);
  const std::string* payload = &json;
  if (options_.compress && json.size() > kCompressAbove) {
    uLongf n = compressBound(uLong(json.size()));
    compressed_.resize(n + 1);
    compressed_[0] = 0;  // the older headers' mark of a zlib payload
    if (compress2(reinterpret_cast<Bytef*>(&compressed_[1]), &n, reinterpret_cast<const Bytef*>(json.data()), uLong(json.size()),
                  Z_BEST_SPEED) == Z_OK) {
      compressed_.resize(n + 1);
      payload = &compressed_;
    }
  }
  const uint16_t size = uint16_t(std::min<size_t>(payload->size(), 65535));
  h[18] = uint8_t(size), h[19] = uint8_t(size >> 8);
  if (subscribers_.load() == 0) counters.no_subscriber.fetch_add(flows, std::memory_order_relaxed);
  try {
    zmq::socket_t& s = socket_->socket;
    if (!s.send(zmq::buffer(h, sizeof(h)), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
      counters.dropped_queue_full.fetch_add(flows, std::memory_order_relaxed);
      return;
    }
    // Once the first frame is taken, ZeroMQ takes the rest of the message.
    s.send(zmq::buffer(payload->data(), payload->size()), zmq::send_flags::none);
    counters.flows_sent.fetch_add(flows, std::memory_order_relaxed);
    counters.records_sent.fetch_add(flows, std::memory_order_relaxed);  // one JSON object a flow
    counters.messages.fetch_add(1, std::memory_order_relaxed);
  } catch (const zmq::error_t&) {
    counters.send_errors.fetch_add(flows, std::memory_order_relaxed);
  }
}

void ZmqExporter::send(ExportBatch& batch) {
  readSubscriptions();
  size_t in_message = 0;
  json_.clear();
  auto close = [&] {
    if (in_message == 0) return;
    json_.push_back(']');
    sendMessage(json_, in_message, *batch.counters);
    json_.clear();
    in_message = 0;
  };
  for (const FlowRecord& r : batch.flows) {
    json_.push_back(in_message == 0 ? '[' : ',');
    JsonWriter w(json_);
    writeFlowIeJson(w, r, *batch.names);
    if (++in_message >= 1000 || json_.size() >= kMaxJson) close();
  }
  close();
}

}  // namespace netlens
