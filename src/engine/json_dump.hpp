#pragma once
// JsonDump: --dump-json. Flows that end during the run are streamed to the file as they end
// (never kept in memory), those still active when netlens stops too (reason Shutdown); then
// the interface totals, applications, networks and hosts complete the document.
#include <cstdio>
#include <string>

#include "engine/flow_sink.hpp"

namespace netlens {

class JsonDump : public FlowSink {
 public:
  // Opens (creates) the file now, so that it can be written after privileges are dropped.
  explicit JsonDump(const std::string& path);
  ~JsonDump() override;
  JsonDump(const JsonDump&) = delete;
  JsonDump& operator=(const JsonDump&) = delete;

  void flowEnded(const NetworkInterface& iface, const Flow& flow, FlowEndReason why) override;
  // Completes the document with the interface's totals, applications, networks and hosts;
  // call after NetworkInterface::shutdown() has ended (and so streamed) every flow.
  void finish(const NetworkInterface& iface);
  uint64_t flowsWritten() const { return flows_written_; }

 private:
  void drain(bool force);

  std::string path_;
  FILE* file_ = nullptr;
  std::string buf_;
  uint64_t flows_written_ = 0;
};

}  // namespace netlens
