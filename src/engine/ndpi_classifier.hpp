#pragma once
// NdpiClassifier: netlens's one door to nDPI. It owns the detection module of one engine (nDPI
// is not thread-safe: one module per packet thread), hands out the per-flow inspection state
// only while a flow is being inspected, and turns what nDPI learned into FlowDetails.
//
// Custom protocol and category files can be reloaded at run time: the new module is built off
// the packet thread, new flows use it, and the old one lives until its last flow is decided.
#include <cstdint>
#include <deque>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.hpp"

extern "C" {
#include <ndpi_api.h>
}

namespace netlens {

struct NdpiConfig {
  std::string protocols_file;   // --ndpi-protocols
  std::string categories_file;  // --ndpi-categories
  uint32_t max_tcp_packets = 80;  // packets of a TCP flow nDPI may see before giving up
  uint32_t max_udp_packets = 24;  // same for UDP (nDPI's reference reader uses 80 / 24)
  // Other L4 protocols (ICMP, GRE, ESP, ...): nDPI decides them on their first packets or
  // not at all; the reference reader never gives up on them, which would keep nDPI's state
  // for the whole life of such flows.
  uint32_t max_other_packets = 24;
};

// The application of a flow, as nDPI names it.
struct AppProtocol {
  uint16_t master = 0;  // e.g. TLS
  uint16_t app = 0;     // e.g. Facebook
  uint16_t category = 0;
  uint8_t confidence = 0;  // nDPI's ndpi_confidence_t, set when the decision is final
  // The protocol statistics are accounted to: the application when known, else the master.
  uint16_t accounted() const { return app ? app : master; }
};

// A process at one end of a flow, as a host agent reports it (nProbe's SRC_PROC_* / DST_PROC_*).
struct FlowProcess {
  uint32_t pid = 0;
  uint32_t uid = 0;
  std::string name;
  std::string user;
  bool known() const { return pid != 0 || !name.empty(); }
};

// What nDPI extracted from a flow (or a probe sent with it); allocated only for flows where
// there is something.
struct FlowDetails {
  std::string server_name;  // HTTP Host, TLS/QUIC SNI, DNS query name, ...
  std::string url;
  std::string user_agent;
  std::string content_type;
  uint16_t http_status = 0;
  std::string tls_version;
  std::string ja3_client;
  std::string ja3_server;
  std::string info;  // nDPI's summarised flow information
  uint64_t risk = 0;
  uint16_t risk_score = 0;
  FlowProcess client_process, server_process;  // from probes only
};

class NdpiModule;

// The names of nDPI's protocols and categories for one generation of definitions. Immutable
// once built: readers (snapshots, the API) share it while the engine moves on.
struct NameTable {
  static constexpr uint16_t kRetiredBase = 0xF000;  // ids of protocols a reload removed
  std::vector<std::string> protocols;
  std::vector<std::string> categories;
  std::vector<std::string> retired;
  std::vector<uint16_t> default_categories;  // by protocol id

  uint16_t protocolCategory(uint16_t id) const { return id < default_categories.size() ? default_categories[id] : 0; }

  std::string_view protocol(uint16_t id) const {
    if (id >= kRetiredBase && size_t(id - kRetiredBase) < retired.size()) return retired[id - kRetiredBase];
    return id < protocols.size() ? std::string_view(protocols[id]) : std::string_view("Unknown");
  }
  std::string_view category(uint16_t id) const {
    return id < categories.size() ? std::string_view(categories[id]) : std::string_view("Unspecified");
  }
  // "master.app" as nDPI prints it (e.g. "TLS.Facebook", "DNS", "Unknown").
  std::string_view fullName(const AppProtocol& p, std::string& scratch) const;
};

// Per-flow inspection state: nDPI's flow struct plus the module it belongs to.
struct Inspection {
  ndpi_flow_struct ndpi{};
  NdpiModule* module = nullptr;
};

class NdpiClassifier {
 public:
  explicit NdpiClassifier(NdpiConfig config);
  ~NdpiClassifier();
  NdpiClassifier(const NdpiClassifier&) = delete;
  NdpiClassifier& operator=(const NdpiClassifier&) = delete;

  // Starts inspecting a flow with the current module.
  Inspection* begin();
  // Feeds one packet (from its IP header) and returns nDPI's current answer.
  AppProtocol process(Inspection* s, const uint8_t* l3, uint32_t l3_len, uint64_t time_ms);
  // True when nDPI wants more packets although it already named the application
  // (e.g. to read a TLS certificate).
  bool wantsMore(Inspection* s);
  // Ends inspection without a decision: nDPI's best guess (ports, addresses).
  AppProtocol giveUp(Inspection* s);
  // For flows nDPI never sees (received from a probe or a router): its guess from the L4
  // protocol, ports and (IPv4) addresses.
  AppProtocol guess(uint8_t l4_proto, const IpAddress& src, uint16_t sport, const IpAddress& dst, uint16_t dport) const;
  // How nDPI reached its answer (DPI, by port, by IP, ...).
  uint8_t confidence(const Inspection* s) const { return uint8_t(s->ndpi.confidence); }
  // What nDPI learned; nullptr when nothing worth keeping.
  std::shared_ptr<const FlowDetails> details(Inspection* s, const AppProtocol& proto);
  // Releases the inspection state (nDPI's own allocations too).
  void end(Inspection* s);

  uint32_t maxPackets(uint8_t l4_proto) const {
    return l4_proto == 6 ? config_.max_tcp_packets
           : l4_proto == 17 ? config_.max_udp_packets
                            : config_.max_other_packets;
  }

  // Names are cached per module: these cost no allocation.
  std::string_view protocolName(uint16_t id) const { return names_->protocol(id); }
  std::string_view categoryName(uint16_t id) const { return names_->category(id); }
  std::shared_ptr<const NameTable> names() const { return names_; }
  // "master.app" as nDPI prints it (e.g. "TLS.Facebook", "DNS", "Unknown").
  std::string fullName(const AppProtocol& p) const;
  uint16_t numProtocols() const;

  // Re-reads the custom protocol/category files in the background; applyReload() switches
  // to the new module once it is ready. Returns false when no reload is pending or done.
  //
  // nDPI numbers custom protocols in the order of the file, so a reload may give a name a new
  // id. `remap` receives, for every id of the old module, the id that names the same protocol
  // now (built-in ids never change; a protocol no longer defined keeps a retired id whose name
  // is remembered), so that the caller can move its statistics along.
  void requestReload();
  bool applyReload(std::string* error, std::vector<uint16_t>* remap = nullptr);
  // The same protocol, in the ids of the current module (for flows decided by an older one).
  AppProtocol toCurrentIds(const Inspection* s, const AppProtocol& p);
  uint64_t reloads() const { return reloads_; }
  uint64_t liveInspections() const { return live_inspections_; }

 private:
  NdpiConfig config_;
  std::shared_ptr<NdpiModule> current_;
  std::vector<std::shared_ptr<NdpiModule>> retired_;  // still referenced by undecided flows
  std::future<std::shared_ptr<NdpiModule>> pending_;
  std::vector<Inspection*> free_list_;
  static constexpr uint16_t kRetiredBase = NameTable::kRetiredBase;
  std::vector<std::string> retired_names_;  // protocols that a reload removed
  std::shared_ptr<const NameTable> names_;  // of the current module
  void cacheNames();
  uint16_t idByName(NdpiModule& from, NdpiModule& to, uint16_t id);
  uint64_t reloads_ = 0;
  uint64_t live_inspections_ = 0;
};

}  // namespace netlens
