#include "export/export_options.hpp"

#include <CLI/CLI.hpp>

namespace netlens {

void addFlowIoOptions(CLI::App& app, FlowIoOptions& o) {
  app.add_option("--zmq-encryption-key", o.zmq_encryption_key,
                 "CURVE secret key (40 characters of Z85, or @FILE) of the ZMQ collector interfaces (-i tcp://...): "
                 "probes must encrypt to its public key, which netlens prints at start");
  app.add_flag("--zmq-generate-keys", o.zmq_generate_keys, "Print a new CURVE key pair (public, secret) and exit");
  app.add_option("--zmq-export", o.zmq_export,
                 "Publish the flows of every interface as nProbe-style JSON on this ZMQ endpoint (e.g. tcp://*:5556), "
                 "for a netlens or ntopng higher up to collect (repeatable)");
  app.add_flag("--zmq-probe-mode", o.zmq_probe_mode,
               "--zmq-export connects to a collector (one started with -i tcp://*:PORTc) instead of binding");
  app.add_option("--zmq-export-encryption-key", o.zmq_export_key,
                 "Encrypt --zmq-export with CURVE to this collector public key (40 characters of Z85, or @FILE)");
  app.add_flag("!--zmq-export-no-compress", o.zmq_export_compress, "Do not zlib-compress exported ZMQ messages");
  app.add_option("--zmq-export-wait", o.zmq_export_wait_s,
                 "Before reading capture files, wait up to this many seconds for a collector to subscribe to --zmq-export");
  app.add_option("--netflow-export", o.netflow_export,
                 "Export flows as NetFlow v9 or IPFIX over UDP: v9@HOST:PORT[,HOST:PORT...] or ipfix@...; every flow goes "
                 "to every collector listed (repeatable)");
  app.add_flag("--netflow-export-round-robin", o.netflow_round_robin,
               "--netflow-export sends each flow to one of its collectors in turn instead of to all");
  app.add_option("--export-interval", o.export_interval_s,
                 "Seconds between two exports of a flow still active (default 30; keep it below the collector's flow idle timeout); a flow is exported once more when it "
                 "ends; counters are what changed since the previous export")
      ->check(CLI::Range(1u, 86400u));
  app.add_option("--export-queue", o.export_queue, "Most flows waiting for an export thread (default 262144); more are dropped and counted")
      ->check(CLI::Range(1024u, 100'000'000u));
}

}  // namespace netlens
