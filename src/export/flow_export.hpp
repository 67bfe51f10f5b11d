#pragma once
// Wiring of the flow exporters for the runner: opening them from the options, their counters
// for the API and the status line, waiting for collectors before reading files.
#include <memory>
#include <string>
#include <vector>

#include "export/export_options.hpp"
#include "export/export_queue.hpp"

namespace netlens {

// Every exporter the options ask for, started (throws std::runtime_error with a clear message).
std::vector<std::unique_ptr<ExportWorker>> openExporters(const FlowIoOptions& options, bool quiet);
// One interface's export counters, summed per kind ("zmq_export", "netflow_export"); the queue
// lengths only while the exporters still run.
void exportCounters(const std::vector<std::unique_ptr<ExportFeed>>& feeds, std::vector<IoCounter>& out,
                    bool exporters_running = true);
// One line per export kind on stderr, when there are export counters.
void printExportStatus(const std::string& iface, const std::vector<IoCounter>& io);
// Waits up to `seconds` until every ZMQ exporter has a subscriber.
void waitForSubscribers(const std::vector<std::unique_ptr<ExportWorker>>& exporters, uint32_t seconds, bool quiet);

}  // namespace netlens
