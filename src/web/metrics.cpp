#include "web/metrics.hpp"

#include <cstdio>
#include <functional>

#include "core/l4_protocol.hpp"
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

// Writes one metric family: its HELP and TYPE lines once, then a sample per labelled value.
class Family {
 public:
  Family(std::string& out, const char* name, const char* type, const char* help) : out_(out), name_(name) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
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
  const char* name_;
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
void perInterface(std::string& out, const Snapshots& ifaces, const char* name, const char* type, const char* help,
                  const std::function<void(Family&, const std::string& iface, const InterfaceSummary&)>& each) {
  Family f(out, name, type, help);
  for (const auto& [iface_name, snap] : ifaces)
    if (snap) each(f, label("interface", iface_name), snap->summary);
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
  return out;
}

}  // namespace netlens::web
