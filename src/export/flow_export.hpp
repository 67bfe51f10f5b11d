#pragma once
// Wiring of the flow exporters for the runner: opening them from the options, their counters
// on the status line, waiting for collectors before reading files.
#include <memory>
#include <string>
#include <vector>

#include "export/export_options.hpp"
#include "export/export_queue.hpp"

namespace netlens {

// Every exporter the options ask for, started (throws std::runtime_error with a clear message).
std::vector<std::unique_ptr<ExportWorker>> openExporters(const FlowIoOptions& options, bool quiet);
// One line per exporter on stderr: what became of the interface's flows there, e.g.
// "netlens: eth0: export zmq tcp://*:5556: flows=10 flows_sent=10 ...".
void printExportStatus(const std::string& iface, const std::vector<std::unique_ptr<ExportFeed>>& feeds);
// Waits up to `seconds` until every ZMQ exporter has a subscriber.
void waitForSubscribers(const std::vector<std::unique_ptr<ExportWorker>>& exporters, uint32_t seconds, bool quiet);

}  // namespace netlens
