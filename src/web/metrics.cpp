#include "web/metrics.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "collect/collector_stats.hpp"
#include "core/l4_protocol.hpp"
#include "core/timestamp.hpp"
#include "export/export_stats.hpp"
#include "netlens_version.hpp"

namespace netlens::web {

std::string prometheusLabel(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

namespace {

using Snapshots = std::vector<std::pair<std::string, std::shared_ptr<const InterfaceSnapshot>>>;

// Writes one metric family: its HELP and TYPE lines before its first sample, then a sample per
// labelled value. A family without samples (no interface has that kind of collector, say) is
// left out.
class Family {
 public:
  Family(std::string& out, std::string name, const char* type, const char* help)
      : out_(out), name_(std::move(name)), type_(type), help_(help) {}
  // labels: already formatted `key="value",...` (escaped), may be empty.
  void sample(const std::string& labels, uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
    line(labels, buf);
  }
  void sample(const std::string& labels, double v) {
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.17g", v);
    line(labels, buf);
  }

 private:
  void line(const std::string& labels, const char* value) {
    if (!declared_) {
      out_.append("# HELP ").append(name_).append(" ").append(help_).append("\n");
      out_.append("# TYPE ").append(name_).append(" ").append(type_).append("\n");
      declared_ = true;
    }
    out_ += name_;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  std::string& out_;
  std::string name_;
  const char* type_;
  const char* help_;
  bool declared_ = false;
};

std::string label(const char* key, std::string_view value) {
  std::string out(key);
  out.append("=\"").append(prometheusLabel(value)).append("\"");
  return out;
}

// `labels` and one more label (appends: GCC 12 -O3 misreads `"," + std::string` as overlapping).
std::string withLabel(const std::string& labels, const char* key, std::string_view value) {
  std::string out = labels;
  out.append(",").append(label(key, value));
  return out;
}

// One family over every interface: `each` adds that interface's samples.
void perInterface(std::string& out, const Snapshots& ifaces, std::string name, const char* type, const char* help,
                  const std::function<void(Family&, const std::string& iface, const InterfaceSummary&)>& each) {
  Family f(out, std::move(name), type, help);
  for (const auto& [iface_name, snap] : ifaces)
    if (snap) each(f, label("interface", iface_name), snap->summary);
}

// One family over every flow collector (labels interface, kind): `each` adds that collector's samples.
void perCollector(std::string& out, const Snapshots& ifaces, std::string name, const char* type, const char* help,
                  const std::function<void(Family&, const std::string& labels, const CollectorStats&)>& each) {
  perInterface(out, ifaces, std::move(name), type, help, [&](Family& f, const std::string& l, const InterfaceSummary& s) {
    if (s.collector) each(f, withLabel(l, "kind", s.collector->kind), *s.collector);
  });
}

// One family over every peer of every flow collector (labels interface, kind, peer: its address).
// A collector keeps at most 1024 peers, so a family has at most 1024 series per collector.
void perPeer(std::string& out, const Snapshots& ifaces, std::string name, const char* type, const char* help,
             const std::function<void(Family&, const std::string& labels, const PeerStats&, std::string_view kind)>& each) {
  perCollector(out, ifaces, std::move(name), type, help, [&](Family& f, const std::string& l, const CollectorStats& c) {
    char ip[48];
    for (const PeerStats& p : c.peers) each(f, withLabel(l, "peer", std::string_view(ip, p.address.format(ip))), p, c.kind);
  });
}

// One family over every flow exporter of every interface (labels interface, kind, destination:
// the exporter's destinations, comma-separated, as on its status line).
void perExporter(std::string& out, const Snapshots& ifaces, std::string name, const char* type, const char* help,
                 const std::function<void(Family&, const std::string& labels, const ExportStats&)>& each) {
  perInterface(out, ifaces, std::move(name), type, help, [&](Family& f, const std::string& l, const InterfaceSummary& s) {
    for (const ExportStats& e : s.exports) {
      std::string destinations;
      for (const std::string& d : e.destinations) destinations.append(destinations.empty() ? "" : ",").append(d);
      each(f, withLabel(withLabel(l, "kind", e.kind), "destination", destinations), e);
    }
  });
}

// A figure of a collector or of one of its peers as a metric family.
template <class Stats>
struct Figure {
  const char* name;
  const char* type;
  const char* help;
  uint64_t (*value)(const Stats&);
  std::string_view kinds = {};  // the kinds of collector that have it, e.g. "netflow sflow"; empty: every kind

  bool appliesTo(std::string_view kind) const {
    if (kinds.empty()) return true;
    for (size_t pos = 0; pos < kinds.size();) {
      const size_t end = std::min(kinds.find(' ', pos), kinds.size());
      if (kinds.substr(pos, end - pos) == kind) return true;
      pos = end + 1;
    }
    return false;
  }
};

static_assert(kMaxPeersPerCollector == 1024, "the HELP texts below give the bound");

using C = const CollectorStats&;
const Figure<CollectorStats> kCollectorFigures[] = {
    {"netlens_collector_messages_total", "counter", "Datagrams (NetFlow/IPFIX, sFlow) or ZMQ messages the collector received.",
     [](C c) { return c.messages; }},
    {"netlens_collector_bytes_total", "counter", "Bytes of the datagrams or ZMQ messages received.", [](C c) { return c.bytes; }},
    {"netlens_collector_flows_total", "counter", "Flow records (sFlow: flow samples) decoded.", [](C c) { return c.flows; }},
    {"netlens_collector_malformed_total", "counter",
     "Datagrams or ZMQ messages with a malformation (what could be read before it counts).", [](C c) { return c.malformed; }},
    {"netlens_collector_peers", "gauge",
     "Peers (NetFlow/IPFIX exporters, sFlow agents, ZMQ probes) the collector keeps statistics of, at most 1024: "
     "the series of each netlens_collector_peer_* family, one a peer.",
     [](C c) { return uint64_t(c.peers.size()); }},
    {"netlens_collector_peers_not_kept_total", "counter",
     "Messages counted under no peer: their sender was beyond the table's 1024 peers (ZMQ: or had no address).",
     [](C c) { return c.peers_not_kept; }},
    {"netlens_collector_socket_drops_total", "counter", "Datagrams the kernel dropped: the collector's socket buffer was full.",
     [](C c) { return c.socket_drops; }, "netflow sflow"},
    {"netlens_collector_receive_buffer_bytes", "gauge", "The collector socket's receive buffer, as the kernel set it.",
     [](C c) { return uint64_t(c.receive_buffer); }, "netflow sflow"},
    {"netlens_collector_flow_messages_total", "counter", "ZMQ messages decoded as flows.", [](C c) { return c.flow_messages; },
     "zmq"},
    {"netlens_collector_lost_messages_total", "counter", "ZMQ messages lost in transit: gaps in the publishers' message ids.",
     [](C c) { return c.lost_messages; }, "zmq"},
};

using P = const PeerStats&;
const Figure<PeerStats> kPeerFigures[] = {
    {"netlens_collector_peer_messages_total", "counter", "Datagrams or ZMQ messages received from the peer.",
     [](P p) { return p.messages; }},
    {"netlens_collector_peer_flows_total", "counter", "Flow records (sFlow: flow samples) of the peer decoded.",
     [](P p) { return p.flows; }},
    {"netlens_collector_peer_packets_total", "counter", "Packets the peer's flow records account for (scaled by sampling).",
     [](P p) { return p.packets; }},
    {"netlens_collector_peer_bytes_total", "counter", "Bytes the peer's flow records account for (scaled by sampling).",
     [](P p) { return p.bytes; }},
    {"netlens_collector_peer_malformed_total", "counter", "Datagrams or ZMQ messages of the peer with a malformation.",
     [](P p) { return p.malformed; }},
    {"netlens_collector_peer_lost_flows_total", "counter",
     "Flow records lost in transit, from the peer's sequence numbers (NetFlow v5, IPFIX).", [](P p) { return p.lost_flows; }},
    {"netlens_collector_peer_lost_messages_total", "counter",
     "Datagrams or messages lost in transit, from the peer's sequence numbers (NetFlow v9, sFlow, ZMQ).",
     [](P p) { return p.lost_messages; }},
    {"netlens_collector_peer_sequence_resets_total", "counter",
     "Jumps of the peer's sequence numbers too large or backwards to be losses (restarts).",
     [](P p) { return p.sequence_resets; }},
    {"netlens_collector_peer_option_records_total", "counter", "Options data records (sampling rates) of the exporter.",
     [](P p) { return p.option_records; }, "netflow"},
    {"netlens_collector_peer_templates", "gauge", "Templates known now for the exporter.",
     [](P p) { return uint64_t(p.templates); }, "netflow"},
    {"netlens_collector_peer_templates_learned_total", "counter", "Templates learned from the exporter.",
     [](P p) { return p.templates_learned; }, "netflow"},
    {"netlens_collector_peer_template_errors_total", "counter",
     "Templates of the exporter refused (table full) or withdrawn unknown.", [](P p) { return p.template_errors; }, "netflow"},
    {"netlens_collector_peer_unknown_template_sets_total", "counter",
     "Data sets of the exporter skipped: their template was not received yet, or expired.",
     [](P p) { return p.unknown_template_sets; }, "netflow"},
    // The API's counter_samples; a metric name must not hold "_counter_" (promtool), and the
    // sFlow specification calls them counters samples.
    {"netlens_collector_peer_counters_samples_total", "counter", "Counters samples (interface counters) of the sFlow agent.",
     [](P p) { return p.counter_samples; }, "sflow"},
    {"netlens_collector_peer_skipped_records_total", "counter",
     "Samples and records of the sFlow agent in formats netlens does not read.", [](P p) { return p.skipped_records; }, "sflow"},
};

// ZMQ messages skipped, a sample per reason.
void sampleZmqSkipped(Family& f, const std::string& labels, const ZmqSkipped& z) {
  forEachZmqSkipped(z, [&](const char* reason, uint64_t n) { f.sample(withLabel(labels, "reason", reason), n); });
}

void writeCollectorFamilies(std::string& out, const Snapshots& ifaces) {
  for (const Figure<CollectorStats>& fig : kCollectorFigures)
    perCollector(out, ifaces, fig.name, fig.type, fig.help, [&fig](Family& f, const std::string& l, C c) {
      if (fig.appliesTo(c.kind)) f.sample(l, fig.value(c));
    });
  perCollector(out, ifaces, "netlens_collector_skipped_messages_total", "counter",
               "ZMQ messages skipped whole, by reason (all but other_topics are malformed).",
               [](Family& f, const std::string& l, C c) {
                 if (c.kind == "zmq") sampleZmqSkipped(f, l, c.zmq);
               });
  for (const Figure<PeerStats>& fig : kPeerFigures)
    perPeer(out, ifaces, fig.name, fig.type, fig.help, [&fig](Family& f, const std::string& l, P p, std::string_view kind) {
      if (fig.appliesTo(kind)) f.sample(l, fig.value(p));
    });
  perPeer(out, ifaces, "netlens_collector_peer_skipped_messages_total", "counter",
          "ZMQ messages of the probe skipped whole, by reason (all but other_topics are malformed).",
          [](Family& f, const std::string& l, P p, std::string_view kind) {
            if (kind == "zmq") sampleZmqSkipped(f, l, p.zmq);
          });
  perPeer(out, ifaces, "netlens_collector_peer_last_seen_timestamp_seconds", "gauge",
          "When the collector last received from the peer (Unix time).",
          [](Family& f, const std::string& l, P p, std::string_view) { f.sample(l, double(p.last_seen) / double(kMicrosPerSecond)); });
}

// A family per counter of the exporters (export_stats.hpp), in its order: netlens_export_NAME_total
// (netlens_export_NAME for a level).
void writeExportFamilies(std::string& out, const Snapshots& ifaces) {
  std::vector<ExportCounter> counters;  // every counter some exporter has (no_subscriber: ZMQ only)
  for (const auto& [iface_name, snap] : ifaces) {
    if (!snap) continue;
    for (const ExportStats& e : snap->summary.exports)
      forEachExportCounter(e, [&](const ExportCounter& c) {
        auto same = [&](const ExportCounter& k) { return std::string_view(k.name) == c.name; };
        if (std::none_of(counters.begin(), counters.end(), same)) counters.push_back(c);
      });
  }
  for (const ExportCounter& c : counters) {
    std::string name = std::string("netlens_export_") + c.name + (c.level ? "" : "_total");
    perExporter(out, ifaces, std::move(name), c.level ? "gauge" : "counter", c.help,
                [&c](Family& f, const std::string& l, const ExportStats& e) {
                  forEachExportCounter(e, [&](const ExportCounter& x) {
                    if (std::string_view(x.name) == c.name) f.sample(l, x.value);
                  });
                });
  }
  perExporter(out, ifaces, "netlens_export_subscribers", "gauge", "ZMQ collectors subscribed to the exporter now.",
              [](Family& f, const std::string& l, const ExportStats& e) {
                if (e.kind == "zmq") f.sample(l, uint64_t(e.subscribers));
              });
}

}  // namespace

std::string prometheusMetrics(const Snapshots& ifaces, const ProcessFacts& process) {
  std::string out;
  out.reserve(4096);
  Family(out, "netlens_build_info", "gauge", "The running netlens version (always 1).")
      .sample(label("version", kVersion), uint64_t(1));
  Family(out, "netlens_uptime_seconds", "gauge", "Seconds since netlens started.").sample("", process.uptime_seconds);
  Family(out, "netlens_resident_memory_bytes", "gauge", "Resident memory of the netlens process.")
      .sample("", process.resident_bytes);

  using S = const InterfaceSummary&;
  perInterface(out, ifaces, "netlens_interface_bytes_total", "counter", "Bytes the interface received (captured length).",
               [](Family& f, const std::string& l, S s) { f.sample(l, s.stats.received.bytes); });
  perInterface(out, ifaces, "netlens_interface_packets_total", "counter", "Packets the interface received.",
               [](Family& f, const std::string& l, S s) { f.sample(l, s.stats.received.packets); });
  perInterface(out, ifaces, "netlens_interface_ip_bytes_total", "counter", "Bytes of flow packets by IP version.",
               [](Family& f, const std::string& l, S s) {
                 f.sample(l + ",ip=\"4\"", s.stats.ipv4.bytes);
                 f.sample(l + ",ip=\"6\"", s.stats.ipv6.bytes);
               });
  perInterface(out, ifaces, "netlens_interface_throughput_bytes_per_second", "gauge",
               "Throughput over the last second.", [](Family& f, const std::string& l, S s) { f.sample(l, s.stats.throughput.bps / 8); });
  perInterface(out, ifaces, "netlens_interface_throughput_packets_per_second", "gauge",
               "Packet rate over the last second.", [](Family& f, const std::string& l, S s) { f.sample(l, s.stats.throughput.pps); });
  perInterface(out, ifaces, "netlens_interface_drops_total", "counter",
               "Packets lost: kernel (capture ring), interface (NIC/driver), engine (flow table full).",
               [](Family& f, const std::string& l, S s) {
                 f.sample(l + ",kind=\"kernel\"", s.stats.kernel_drops);
                 f.sample(l + ",kind=\"interface\"", s.stats.interface_drops);
                 f.sample(l + ",kind=\"engine\"", s.stats.engine_drops);
               });
  perInterface(out, ifaces, "netlens_interface_packet_thread_cpu_seconds_total", "counter",
               "CPU time of the thread that reads and processes the interface's packets or flow records.",
               [](Family& f, const std::string& l, S s) { f.sample(l, double(s.stats.packet_thread_cpu) / 1e6); });
  perInterface(out, ifaces, "netlens_interface_decode_errors_total", "counter", "Frames that could not be decoded, by reason.",
               [](Family& f, const std::string& l, S s) {
                 for (size_t e = 0; e < s.stats.decode_errors.size(); ++e)
                   if (s.stats.decode_errors[e]) f.sample(withLabel(l, "error", decodeErrorName(DecodeError(e))), s.stats.decode_errors[e]);
               });
  perInterface(out, ifaces, "netlens_interface_flow_records_total", "counter", "Flow records received from probes and routers.",
               [](Family& f, const std::string& l, S s) { f.sample(l, s.stats.flow_records); });
  perInterface(out, ifaces, "netlens_interface_active_flows", "gauge", "Flows in the flow table.",
               [](Family& f, const std::string& l, S s) { f.sample(l, uint64_t(s.active_flows)); });
  perInterface(out, ifaces, "netlens_interface_active_hosts", "gauge", "Hosts in the host table.",
               [](Family& f, const std::string& l, S s) { f.sample(l, uint64_t(s.active_hosts)); });
  perInterface(out, ifaces, "netlens_interface_flows_total", "counter",
               "Flow table events: created, expired (idle or closed), evicted, dropped (table full).",
               [](Family& f, const std::string& l, S s) {
                 f.sample(l + ",event=\"created\"", s.stats.flows.created);
                 f.sample(l + ",event=\"expired\"", s.stats.flows.expired);
                 f.sample(l + ",event=\"evicted\"", s.stats.flows.evicted);
                 f.sample(l + ",event=\"dropped\"", s.stats.flows.dropped);
               });
  perInterface(out, ifaces, "netlens_interface_hosts_total", "counter", "Host table events.",
               [](Family& f, const std::string& l, S s) {
                 f.sample(l + ",event=\"created\"", s.stats.hosts.created);
                 f.sample(l + ",event=\"expired\"", s.stats.hosts.expired);
                 f.sample(l + ",event=\"evicted\"", s.stats.hosts.evicted);
                 f.sample(l + ",event=\"dropped\"", s.stats.hosts.dropped);
               });
  auto l4 = [&](const char* name, const char* help, bool bytes) {
    perInterface(out, ifaces, name, "counter", help, [bytes](Family& f, const std::string& l, S s) {
      for (size_t p = 0; p < s.stats.l4.size(); ++p) {
        const TrafficCounter& t = s.stats.l4[p];
        if (t.packets) f.sample(withLabel(l, "l4", l4ProtocolName(uint8_t(p))), bytes ? t.bytes : t.packets);
      }
    });
  };
  l4("netlens_l4_bytes_total", "Bytes of flow packets by L4 protocol.", true);
  l4("netlens_l4_packets_total", "Flow packets by L4 protocol.", false);
  // Applications: only those that have been seen (nDPI knows hundreds).
  auto apps = [&](const char* name, const char* help, int what) {
    perInterface(out, ifaces, name, "counter", help, [what](Family& f, const std::string& l, S s) {
      for (size_t id = 0; id < s.applications.size(); ++id) {
        const AppStats& a = s.applications[id];
        if (!a.traffic.packets && !a.flows) continue;
        std::string labels = withLabel(l, "application", s.names ? s.names->protocol(uint16_t(id)) : "Unknown");
        if (s.names) labels = withLabel(labels, "category", s.names->category(s.names->protocolCategory(uint16_t(id))));
        f.sample(labels, what == 0 ? a.traffic.bytes : what == 1 ? a.traffic.packets : a.flows);
      }
    });
  };
  apps("netlens_application_bytes_total", "Bytes by application (nDPI protocol).", 0);
  apps("netlens_application_packets_total", "Packets by application (nDPI protocol).", 1);
  apps("netlens_application_flows_total", "Flows by application (nDPI protocol).", 2);
  perInterface(out, ifaces, "netlens_network_bytes_total", "counter",
               "Bytes of a local network: ingress (into it), egress (out of it), inner (within it).",
               [](Family& f, const std::string& l, S s) {
                 for (const NetworkStats& n : s.networks) {
                   const std::string nl = withLabel(l, "network", n.cidr.toString());
                   f.sample(nl + ",direction=\"ingress\"", n.ingress.bytes);
                   f.sample(nl + ",direction=\"egress\"", n.egress.bytes);
                   f.sample(nl + ",direction=\"inner\"", n.inner.bytes);
                 }
               });
  perInterface(out, ifaces, "netlens_network_active_hosts", "gauge", "Active hosts of a local network.",
               [](Family& f, const std::string& l, S s) {
                 for (const NetworkStats& n : s.networks) f.sample(withLabel(l, "network", n.cidr.toString()), uint64_t(n.hosts));
               });
  writeCollectorFamilies(out, ifaces);
  writeExportFamilies(out, ifaces);
  return out;
}

}  // namespace netlens::web
