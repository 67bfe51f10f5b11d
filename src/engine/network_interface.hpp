#pragma once
// NetworkInterface: the live state of one monitored interface (packets in, flows, hosts,
// networks, applications and totals out). Single writer: only the interface's packet thread
// calls the mutating methods; readers use the const accessors from the same thread or a
// published snapshot.
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/counters.hpp"
#include "core/flow_key.hpp"
#include "core/timestamp.hpp"
#include "collect/collector_stats.hpp"
#include "collect/flow_record.hpp"
#include "export/export_stats.hpp"
#include "decode/decoded_packet.hpp"
#include "engine/app_names.hpp"
#include "engine/engine_config.hpp"
#include "engine/entry_table.hpp"
#include "engine/flow.hpp"
#include "engine/flow_sink.hpp"
#include "engine/host.hpp"
#include "engine/ndpi_classifier.hpp"
#include "enrich/alias_table.hpp"
#include "engine/tick_observer.hpp"

namespace netlens::enrich {
class ReverseResolver;
class NameAggregates;
class HostKeeper;
}

namespace netlens {

// One captured frame as a source hands it over.
struct PacketRef {
  Micros ts = 0;
  const uint8_t* data = nullptr;
  uint32_t caplen = 0;
  uint32_t wire_len = 0;
  int link_type = 1;
  // 0: a captured frame, counted as itself. N > 0: a sampled frame (sFlow) standing for N
  // packets of wire_len bytes each; it may be cut short (caplen < wire_len).
  uint32_t sampling_rate = 0;
};

struct AppStats {
  TrafficCounter traffic;
  uint64_t flows = 0;
};

struct NetworkStats {
  Cidr cidr;
  TrafficCounter ingress;  // from outside this network into it
  TrafficCounter egress;   // from inside to outside
  TrafficCounter inner;    // inside to inside
  uint32_t hosts = 0;         // active hosts
  uint32_t active_flows = 0;
  uint64_t flows = 0;         // flows seen since start
};

struct TableCounters {
  uint64_t created = 0;
  uint64_t expired = 0;  // idle (or closed, for flows)
  uint64_t evicted = 0;  // removed to make room for a new one
  uint64_t dropped = 0;  // not created: table full and nothing could be evicted
};

struct InterfaceStats {
  TrafficCounter received;  // every frame the source delivered (captured length)
  TrafficCounter ipv4, ipv6;  // frames that became flow packets
  std::array<TrafficCounter, 256> l4{};  // flow packets per L4 protocol
  std::array<TrafficCounter, size_t(NonIpKind::Count)> non_ip{};
  std::array<uint64_t, size_t(DecodeError::Count)> decode_errors{};
  uint64_t decode_error_bytes = 0;
  uint64_t kernel_drops = 0;     // reported by the capture (e.g. ring full)
  uint64_t interface_drops = 0;  // reported by the capture (NIC / driver)
  uint64_t engine_drops = 0;     // packets not accounted to a flow: flow table full
  uint64_t inspected_packets = 0;  // packets handed to nDPI
  uint64_t ndpi_reload_failures = 0;
  uint64_t flow_records = 0;          // flow records received from probes/routers
  uint64_t flow_records_invalid = 0;  // without addresses: not accountable to a flow
  enrich::NameStats names;
  TableCounters flows;
  TableCounters hosts;
  Throughput throughput;
  Micros first_packet = 0;
  Micros last_packet = 0;
  // CPU time of the thread that feeds this interface (reading, decoding, flows, nDPI,
  // enrichment), as last reported by it (see setPacketThreadCpu). Not in the dumps: a dump of
  // the same capture is the same document every time.
  Micros packet_thread_cpu = 0;
};

// The interface-level part of the state, copied in one go (small: no flows, no hosts).
struct InterfaceSummary {
  std::string name;
  InterfaceStats stats;
  uint32_t active_flows = 0;
  uint32_t active_hosts = 0;
  uint64_t ndpi_reloads = 0;
  std::vector<AppStats> applications;  // by nDPI protocol id
  std::vector<NetworkStats> networks;
  std::shared_ptr<const NameTable> names;
  std::shared_ptr<const enrich::AliasMap> aliases;  // administrators' names for hosts (may be null)
  std::shared_ptr<const CollectorStats> collector;  // flow collectors only: what feeds the interface, its peers
  std::vector<ExportStats> exports;  // one per flow exporter: what became of the interface's flows
  GeoLookupStats geo_lookups;
  std::shared_ptr<const Enrichment> enrich;  // resolves hosts' geolocation texts, MAC vendors
};

class NetworkInterface {
 public:
  explicit NetworkInterface(EngineConfig config);
  ~NetworkInterface();
  NetworkInterface(const NetworkInterface&) = delete;
  NetworkInterface& operator=(const NetworkInterface&) = delete;

  // ---- packet thread -----------------------------------------------------------------------
  void processPacket(const PacketRef& packet);
  // A flow exported by a probe or a router (NetFlow/IPFIX, ...): it updates flows, hosts,
  // networks and applications exactly like the packets it summarises would have. Its
  // application is the probe's (L7_PROTO), by name when the probe sent one, else by number;
  // without one, nDPI's guess from ports and addresses. The clock is the caller's (a
  // collector's is wall time): the record's own times set the flow's first/last seen only when
  // they are sane against it (exporters' clocks can be wrong, replays carry old times); a record
  // always counts. Only an engine whose clock has not started takes it from the record.
  void processFlowRecord(const FlowRecord& record);
  // A batch of records (what a collector received at once): processFlowRecord on each, with the
  // flow index's memory fetched ahead.
  void processFlowRecords(std::span<const FlowRecord> records);
  // Moves the engine's clock (packet time for files, wall time for idle live sources) and runs
  // the periodic work when a second has passed.
  void advanceClock(Micros now);
  // End of input: decide every flow still being inspected and roll all totals up.
  void finish();
  // Final stop: every remaining flow ends (reason Shutdown) and reaches the flow sinks.
  void shutdown();
  void addFlowSink(FlowSink* sink) { sinks_.push_back(sink); }
  // Called at the end of every second of engine time (ticks are aligned to whole seconds).
  void addTickObserver(TickObserver* o) { tick_observers_.push_back(o); }
  // A flow collector's statistics, copied into every summary (read on the packet thread).
  void setCollector(const CollectorStatsProvider* collector) { collector_ = collector; }
  // Exporters get each flow's traffic since its previous export: at least every `interval`
  // while it is active (the tick walks the table in slices), and once more when it ends.
  void addFlowExporter(FlowExporter* exporter, Micros interval);
  // An exporter's statistics for this interface's flows, copied into every summary (read on the
  // packet thread).
  void addExportStats(const ExportStatsProvider* stats) { export_stats_.push_back(stats); }
  void setCaptureDrops(uint64_t kernel, uint64_t interface) {
    stats_.kernel_drops = kernel;
    stats_.interface_drops = interface;
  }
  void setPacketThreadCpu(Micros cpu) { stats_.packet_thread_cpu = cpu; }
  void requestNdpiReload() { classifier_.requestReload(); }
  // Active reverse resolution (-n local/all) asks this pool; answers are read on the tick.
  void setResolver(enrich::ReverseResolver* resolver);
  // Where the hosts' aliases are read from (summaries carry the current map).
  void setAliases(const enrich::AliasTable* aliases);
  // Purged local hosts are saved through the keeper and given back when they return.
  void setHostKeeper(enrich::HostKeeper* keeper);
  // Aggregations by DNS query name and server name, and operating systems seen (query side).
  const enrich::NameAggregates& nameAggregates() const;
  struct OsSeen {
    Micros first_seen = 0, last_seen = 0;
    uint64_t hits = 0;  // detections
  };
  const std::array<OsSeen, size_t(enrich::OsType::Count)>& osSeen() const;
  // Work that does not wait for packets (answers of the resolver): for when no tick comes,
  // e.g. after the end of a capture file.
  void serviceBackground() { serviceResolver(); }
  // Preferences changed at run time; a timeout given turns idle expiry on (also for files).
  void applySettings(const RuntimeSettings& s);

  // ---- query interface ----------------------------------------------------------------------
  const std::string& name() const { return config_.name; }
  const EngineConfig& config() const { return config_; }
  const InterfaceStats& stats() const { return stats_; }
  const std::vector<AppStats>& applications() const { return apps_; }
  const std::vector<NetworkStats>& networks() const { return networks_; }
  const NdpiClassifier& classifier() const { return classifier_; }
  const NameTable& names() const { return *classifier_.names(); }
  InterfaceSummary summary() const;
  Micros now() const { return now_; }
  uint32_t activeFlows() const { return flows_.size(); }
  uint32_t activeHosts() const { return hosts_.size(); }
  uint32_t activeLocalHosts() const;
  const Host* host(uint32_t idx) const { return idx == kNoHost ? nullptr : &hosts_[idx]; }
  // ASes and countries, their traffic brought up to date (a pass over the hosts when anything
  // changed since the last call).
  const GeoAggregates& geo() const;

  template <typename F>
  void forEachFlow(F&& f) const {
    const_cast<FlowTable&>(flows_).forEach([&](uint32_t, const Flow& fl) { f(fl); });
  }
  template <typename F>
  void forEachHost(F&& f) const {
    const_cast<HostTable&>(hosts_).forEach([&](uint32_t, const Host& h) { f(h); });
  }

 private:
  using FlowTable = EntryTable<Flow, FlowKey, kFlowLists>;
  using HostTable = EntryTable<Host, HostKey, kHostLists>;

  uint32_t createFlow(const FlowKey& key, uint64_t hash, bool src_is_a, const DecodedPacket& d);
  uint32_t findOrCreateHost(const IpAddress& ip, uint16_t vlan);
  template <bool kSampled>
  void processFrame(const PacketRef& packet);
  void processFlowRecord(const FlowRecord& record, const FlowKey& key, uint64_t hash, bool src_is_a);
  template <bool kSampled>
  void inspect(Flow& f, const DecodedPacket& d);
  void noteActivity(uint32_t idx, Flow& f);
  void finishInspection(Flow& f);
  const uint8_t* completeSampledHeader(const DecodedPacket& d);
  template <bool kSampled>
  void updateTcp(Flow& f, FlowDirectionStats& dir, bool from_client, const DecodedPacket& d, uint32_t idx);
  void rollUp(Flow& f);
  void rollUpDirty();
  void resolveGeo();
  void endFlow(uint32_t idx, FlowEndReason why);
  bool evictOneFlow();
  bool evictOneHost();
  void releaseHost(uint32_t idx);
  void tick();
  void notifyTick(uint32_t second, uint32_t now_second, bool final);
  void expireFlows();
  void expireHosts();
  int16_t networkOf(const IpAddress& ip) const;
  AppStats& app(uint16_t id);
  std::optional<AppProtocol> probeApplication(const FlowRecord& r);
  void exportFlow(uint32_t idx, const Flow& f, bool ended);
  void exportSlice();
  void moveToNewProtocolIds(const std::vector<uint16_t>& remap);
  // Names and OS from traffic (network_interface_names.cpp).
  struct Naming;
  void learnFromUdp(const DecodedPacket& d);
  void learnFromDetails(Flow& f);
  void addNameTraffic(const Flow& f, const TrafficCounter& c2s, const TrafficCounter& s2c);
  void releaseNameAgg(Flow& f);
  void noteOs(enrich::OsType os);
  void learnName(const IpAddress& ip, uint16_t vlan, enrich::NameSource source, std::string_view name);
  void learnOs(const IpAddress& ip, uint16_t vlan, enrich::OsType os, enrich::OsSource source);
  void nameNewHost(Host& h);
  void wantName(const Host& h);
  void hostPurged(const Host& h);
  void serviceResolver();
  static bool isNamePort(uint16_t p) { return p == 53 || p == 5353 || p == 137 || p == 67 || p == 68; }

  EngineConfig config_;
  NdpiClassifier classifier_;
  FlowTable flows_;
  HostTable hosts_;
  std::vector<FlowSink*> sinks_;
  AppNameIndex app_names_;
  // Export: what each flow table slot's flow had when it was last exported (only when exporting).
  struct ExportMark {
    TrafficCounter c2s, s2c;
  };
  std::vector<FlowExporter*> exporters_;
  std::vector<ExportMark> export_marks_;
  Micros export_interval_ = 0;
  uint32_t export_cursor_ = 0;
  uint64_t export_carry_ = 0;
  std::vector<uint32_t> dirty_;
  std::vector<AppStats> apps_;
  std::vector<NetworkStats> networks_;
  InterfaceStats stats_;
  Micros now_ = 0;
  Micros next_tick_ = 0;
  Micros last_tick_ = 0;
  TrafficCounter traffic_at_last_tick_;
  std::vector<TickObserver*> tick_observers_;
  std::vector<uint32_t> active_local_hosts_;  // local hosts with traffic since the last tick
  uint32_t tick_seq_ = 1;
  const CollectorStatsProvider* collector_ = nullptr;
  std::vector<const ExportStatsProvider*> export_stats_;
  DecoderOptions sampled_decoder_;      // sampled frames: truncated IP packets are decoded
  std::vector<uint8_t> sampled_l3_;     // a truncated sampled packet, lengths fixed for nDPI
  Micros flow_idle_ = 0, tcp_closed_ = 0, local_host_idle_ = 0, remote_host_idle_ = 0;
  std::unique_ptr<Naming> naming_;
  GeoAggregates geo_;
  uint64_t geo_generation_ = 0;  // changes that may move the AS and country traffic
};

}  // namespace netlens
