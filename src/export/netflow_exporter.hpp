#pragma once
// NetflowExporter: flows as NetFlow v9 (RFC 3954) or IPFIX (RFC 7011) over UDP to one or more
// collectors, on its own thread. Each flow becomes one record per direction that carried
// traffic (NetFlow flows are unidirectional), counters being what changed since the flow's
// previous export. One template for IPv4 (id 256) and one for IPv6 (id 257): source and
// destination address, ports, protocol, TCP flags, VLAN, packets and bytes (8 bytes each),
// flowStart/EndMilliseconds. Templates go out in the first datagram and again every 10 seconds
// or 64 datagrams, whichever comes first. Bytes are what netlens counts: captured frame bytes.
#include <string>
#include <vector>

#include "export/export_queue.hpp"

namespace netlens {

struct NetflowExportOptions {
  int version = 9;                     // 9 or 10 (IPFIX)
  std::vector<std::string> collectors;  // HOST:PORT ([v6]:PORT)
  bool round_robin = false;            // each flow to one collector in turn, instead of to all
  size_t max_queued_flows = 262144;
  uint32_t observation_domain = 1;
};

// Reads "v9@HOST:PORT[,HOST:PORT...]" or "ipfix@..." (throws std::invalid_argument).
NetflowExportOptions parseNetflowExportSpec(const std::string& spec);

class NetflowExporter final : public ExportWorker {
 public:
  explicit NetflowExporter(const NetflowExportOptions& options);  // resolves and opens sockets
  ~NetflowExporter() override;
  void describe(ExportStats& out) const override;

 protected:
  void send(ExportBatch& batch) override;

 private:
  struct Stream;  // one datagram under construction, and where it goes
  void addRecord(Stream& s, const FlowRecord& r, bool forward, ExportCounters& counters);
  void flushStream(Stream& s, ExportCounters* counters);
  NetflowExportOptions options_;
  std::vector<int> sockets_;
  std::vector<Stream> streams_;  // one (all collectors) or one per collector (round-robin)
  size_t next_collector_ = 0;
  uint64_t started_ms_ = 0;
};

}  // namespace netlens
