#pragma once
// The Prometheus text exposition (format 0.0.4) of netlens's counters: interfaces, their
// applications, L4 protocols, local networks, drops and decode errors, flow collectors and their
// peers, flow exporters, and the process itself.
// Built from interface summaries (never from the live tables), so a scrape costs what one
// GET /api/v1/interfaces costs, whatever the number of flows and hosts.
#include <string>
#include <vector>

#include "web/api_v1.hpp"

namespace netlens::web {

struct ProcessFacts {
  double uptime_seconds = 0;
  uint64_t resident_bytes = 0;
};

std::string prometheusMetrics(const std::vector<std::pair<std::string, std::shared_ptr<const InterfaceSnapshot>>>& interfaces,
                              const ProcessFacts& process);

// A label value as the exposition format wants it: backslash, double quote and newline escaped.
std::string prometheusLabel(std::string_view value);

}  // namespace netlens::web
