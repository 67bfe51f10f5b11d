#pragma once
// Command-line options of flow collection over ZeroMQ and of flow export (ZMQ JSON, NetFlow v9,
// IPFIX): registered on the command line by addFlowIoOptions, kept apart from the rest.
#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace netlens {

struct FlowIoOptions {
  std::string zmq_encryption_key;        // --zmq-encryption-key: this collector's CURVE secret key
  std::vector<std::string> zmq_export;   // --zmq-export: endpoints the flows are published on
  bool zmq_probe_mode = false;           // --zmq-probe-mode: connect to a collector instead of binding
  std::string zmq_export_key;            // --zmq-export-encryption-key: the collector's public key
  bool zmq_export_compress = true;       // zlib for messages over 1 KiB
  uint32_t zmq_export_wait_s = 0;        // --zmq-export-wait: wait for a subscriber before reading files
  std::vector<std::string> netflow_export;  // --netflow-export v9|ipfix@HOST:PORT[,HOST:PORT...]
  bool netflow_round_robin = false;      // each flow to one collector in turn instead of all
  uint32_t export_interval_s = 30;       // active flows are exported at least this often
  uint32_t export_queue = 262144;        // flows waiting for an export thread at most
  bool zmq_generate_keys = false;        // --zmq-generate-keys: print a CURVE key pair and exit

  bool exporting() const { return !zmq_export.empty() || !netflow_export.empty(); }
};

void addFlowIoOptions(CLI::App& app, FlowIoOptions& options);

}  // namespace netlens
