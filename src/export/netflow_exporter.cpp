#include "export/netflow_exporter.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace netlens {

namespace {

constexpr size_t kMaxDatagram = 1400;
constexpr uint16_t kTemplateV4 = 256, kTemplateV6 = 257;

void put8(std::vector<uint8_t>& b, uint8_t v) { b.push_back(v); }
void put16(std::vector<uint8_t>& b, uint16_t v) { b.push_back(uint8_t(v >> 8)), b.push_back(uint8_t(v)); }
void put32(std::vector<uint8_t>& b, uint32_t v) { put16(b, uint16_t(v >> 16)), put16(b, uint16_t(v)); }
void put64(std::vector<uint8_t>& b, uint64_t v) { put32(b, uint32_t(v >> 32)), put32(b, uint32_t(v)); }
void set16(std::vector<uint8_t>& b, size_t at, uint16_t v) { b[at] = uint8_t(v >> 8), b[at + 1] = uint8_t(v); }
void set32(std::vector<uint8_t>& b, size_t at, uint32_t v) { set16(b, at, uint16_t(v >> 16)), set16(b, at + 2, uint16_t(v)); }

struct FieldSpec {
  uint16_t type, length;
};
// The record layout: both templates list the same elements, with 4- or 16-byte addresses.
std::vector<FieldSpec> templateFields(bool v6) {
  return {{uint16_t(v6 ? 27 : 8), uint16_t(v6 ? 16 : 4)},
          {uint16_t(v6 ? 28 : 12), uint16_t(v6 ? 16 : 4)},
          {7, 2}, {11, 2}, {4, 1}, {6, 1}, {58, 2}, {2, 8}, {1, 8}, {152, 8}, {153, 8}};
}
size_t recordLength(bool v6) { return (v6 ? 32 : 8) + 2 + 2 + 1 + 1 + 2 + 8 + 8 + 8 + 8; }

uint64_t nowMs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace

struct NetflowExporter::Stream {
  std::vector<size_t> targets;  // indexes into sockets_
  std::vector<uint8_t> buf;     // the datagram: header, then sets
  size_t set_start = 0;         // where the open data set begins (0: none open)
  uint16_t set_template = 0;
  uint32_t records = 0;         // data records in this datagram
  uint32_t count = 0;           // v9 header count: records and templates
  uint32_t flows_in = 0;        // flows (not records) this datagram carries, for the counters
  uint32_t sequence = 0;        // v9: datagrams sent; IPFIX: data records sent
  uint32_t datagrams = 0;
  uint64_t last_template_ms = 0;
};

NetflowExportOptions parseNetflowExportSpec(const std::string& spec) {
  NetflowExportOptions o;
  const size_t at = spec.find('@');
  if (at == std::string::npos) throw std::invalid_argument("'" + spec + "': expected v9@HOST:PORT or ipfix@HOST:PORT");
  const std::string kind = spec.substr(0, at);
  if (kind == "v9") o.version = 9;
  else if (kind == "ipfix" || kind == "v10") o.version = 10;
  else throw std::invalid_argument("'" + kind + "': the export format is v9 or ipfix");
  size_t pos = at + 1;
  while (pos <= spec.size()) {
    const size_t comma = spec.find(',', pos);
    const std::string c = spec.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (!c.empty()) o.collectors.push_back(c);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (o.collectors.empty()) throw std::invalid_argument("'" + spec + "': no collector");
  return o;
}

NetflowExporter::NetflowExporter(const NetflowExportOptions& options)
    : ExportWorker(std::string(options.version == 9 ? "netflow-v9" : "ipfix") + " export", options.max_queued_flows),
      options_(options) {
  for (const std::string& c : options.collectors) {
    const size_t colon = c.rfind(':');
    if (colon == std::string::npos || colon == 0) throw std::runtime_error("--netflow-export: '" + c + "' is not HOST:PORT");
    std::string host = c.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    addrinfo hints{}, *res = nullptr;
    hints.ai_socktype = SOCK_DGRAM;
    if (getaddrinfo(host.c_str(), c.substr(colon + 1).c_str(), &hints, &res) != 0 || !res)
      throw std::runtime_error("--netflow-export: cannot resolve '" + c + "'");
    const int fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const bool ok = fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0;
    freeaddrinfo(res);
    if (!ok) {
      if (fd >= 0) close(fd);
      throw std::runtime_error("--netflow-export: cannot open a socket to '" + c + "': " + std::strerror(errno));
    }
    sockets_.push_back(fd);
  }
  if (options.round_robin) {
    for (size_t i = 0; i < sockets_.size(); ++i) streams_.push_back(Stream{{i}});
  } else {
    Stream all;
    for (size_t i = 0; i < sockets_.size(); ++i) all.targets.push_back(i);
    streams_.push_back(std::move(all));
  }
  started_ms_ = nowMs();
  start();
}

NetflowExporter::~NetflowExporter() {
  stop();
  for (int fd : sockets_) close(fd);
}

void NetflowExporter::describe(ExportStats& out) const {
  out.kind = "netflow";
  out.destinations = options_.collectors;
  out.version = uint16_t(options_.version);
  out.round_robin = options_.round_robin;
}

void NetflowExporter::flushStream(Stream& s, ExportCounters* counters) {
  if (s.records == 0) return;
  std::vector<uint8_t>& b = s.buf;
  if (s.set_start) {
    while ((b.size() - s.set_start) % 4) b.push_back(0);  // sets end on a 4-byte boundary
    set16(b, s.set_start + 2, uint16_t(b.size() - s.set_start));
  }
  const uint64_t now = nowMs();
  if (options_.version == 9) {
    set16(b, 2, uint16_t(s.count));
    set32(b, 4, uint32_t(now - started_ms_));  // sysUptime
    set32(b, 8, uint32_t(now / 1000));
    set32(b, 12, s.sequence++);
  } else {
    set16(b, 2, uint16_t(b.size()));
    set32(b, 4, uint32_t(now / 1000));
    set32(b, 8, s.sequence);
    s.sequence += s.records;
  }
  bool sent = true;
  for (size_t t : s.targets) sent &= ::send(sockets_[t], b.data(), b.size(), MSG_DONTWAIT) == ssize_t(b.size());
  if (counters) {
    if (sent) {
      counters->flows_sent.fetch_add(s.flows_in, std::memory_order_relaxed);
      counters->records_sent.fetch_add(s.records, std::memory_order_relaxed);
      counters->messages.fetch_add(1, std::memory_order_relaxed);
    } else {
      counters->send_errors.fetch_add(s.flows_in, std::memory_order_relaxed);
    }
  }
  ++s.datagrams;
  b.clear();
  s.set_start = 0;
  s.records = s.count = s.flows_in = 0;
}

void NetflowExporter::addRecord(Stream& s, const FlowRecord& r, bool forward, ExportCounters& counters) {
  const bool v6 = r.ip_version == 6;
  const uint16_t tid = v6 ? kTemplateV6 : kTemplateV4;
  const size_t rec_len = recordLength(v6);
  std::vector<uint8_t>& b = s.buf;
  if (!b.empty() && b.size() + rec_len + 4 + 3 > kMaxDatagram) flushStream(s, &counters);
  if (b.empty()) {
    // Header; counts, times and sequence are filled in when the datagram leaves.
    if (options_.version == 9) {
      put16(b, 9), put16(b, 0), put32(b, 0), put32(b, 0), put32(b, 0), put32(b, options_.observation_domain);
    } else {
      put16(b, 10), put16(b, 0), put32(b, 0), put32(b, 0), put32(b, options_.observation_domain);
    }
    const uint64_t now = nowMs();
    if (s.datagrams == 0 || s.datagrams % 64 == 0 || now - s.last_template_ms >= 10'000) {
      s.last_template_ms = now;
      const size_t start = b.size();
      put16(b, options_.version == 9 ? 0 : 2), put16(b, 0);
      for (bool t6 : {false, true}) {
        const auto fields = templateFields(t6);
        put16(b, t6 ? kTemplateV6 : kTemplateV4), put16(b, uint16_t(fields.size()));
        for (const FieldSpec& f : fields) put16(b, f.type), put16(b, f.length);
        ++s.count;
      }
      set16(b, start + 2, uint16_t(b.size() - start));
    }
  }
  if (!s.set_start || s.set_template != tid) {
    if (s.set_start) {
      while ((b.size() - s.set_start) % 4) b.push_back(0);
      set16(b, s.set_start + 2, uint16_t(b.size() - s.set_start));
    }
    s.set_start = b.size();
    s.set_template = tid;
    put16(b, tid), put16(b, 0);
  }
  const IpAddress& src = forward ? r.src_ip : r.dst_ip;
  const IpAddress& dst = forward ? r.dst_ip : r.src_ip;
  b.insert(b.end(), src.data(), src.data() + (v6 ? 16 : 4));
  b.insert(b.end(), dst.data(), dst.data() + (v6 ? 16 : 4));
  put16(b, forward ? r.src_port : r.dst_port);
  put16(b, forward ? r.dst_port : r.src_port);
  put8(b, r.l4_proto);
  put8(b, forward ? r.tcp_flags : 0);
  put16(b, r.vlan);
  put64(b, forward ? r.packets : r.out_packets);
  put64(b, forward ? r.bytes : r.out_bytes);
  put64(b, r.first_switched / 1000);
  put64(b, r.last_switched / 1000);
  ++s.records;
  ++s.count;
}

void NetflowExporter::send(ExportBatch& batch) {
  for (const FlowRecord& r : batch.flows) {
    if (r.ip_version != 4 && r.ip_version != 6) continue;
    Stream& s = streams_[options_.round_robin ? next_collector_++ % streams_.size() : 0];
    if (r.packets || r.bytes) addRecord(s, r, true, *batch.counters);
    if (r.out_packets || r.out_bytes) addRecord(s, r, false, *batch.counters);
    ++s.flows_in;
  }
  for (Stream& s : streams_) flushStream(s, batch.counters.get());
}

}  // namespace netlens
