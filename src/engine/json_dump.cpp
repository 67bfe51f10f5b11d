#include "engine/json_dump.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "engine/serialize.hpp"

namespace netlens {

JsonDump::JsonDump(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  buf_ = "{\"flows\":[";
}

JsonDump::~JsonDump() {
  if (file_) std::fclose(file_);
}

void JsonDump::drain(bool force) {
  if (!file_ || (!force && buf_.size() < (1u << 16))) return;
  if (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size())
    std::fprintf(stderr, "netlens: writing %s failed: %s\n", path_.c_str(), std::strerror(errno));
  buf_.clear();
}

void JsonDump::flowEnded(const NetworkInterface& iface, const Flow& flow, FlowEndReason why) {
  (void)why;
  if (flows_written_++ > 0) buf_.push_back(',');
  JsonWriter w(buf_);
  writeFlowJson(w, flow, iface.names());
  drain(false);
}

void JsonDump::finish(const NetworkInterface& iface) {
  if (!file_) return;
  const InterfaceSummary summary = iface.summary();
  buf_ += "],\"interface\":";
  {
    JsonWriter w(buf_);
    writeInterfaceJson(w, summary);
  }
  buf_ += ",\"applications\":";
  {
    JsonWriter w(buf_);
    writeApplicationsJson(w, summary);
  }
  buf_ += ",\"networks\":";
  {
    JsonWriter w(buf_);
    writeNetworksJson(w, summary);
  }
  if (iface.geo().enabled()) {
    buf_ += ',';
    JsonWriter w(buf_);
    w.key("asns").beginArray();
    for (const AsStats& a : iface.geo().asns()) writeAsJson(w, a, iface.geo(), summary);
    w.endArray().key("countries").beginArray();
    for (const CountryStats& c : iface.geo().countries()) writeCountryJson(w, c, iface.geo(), summary);
    w.endArray();
  }
  buf_ += ",\"hosts\":[";
  bool first = true;
  iface.forEachHost([&](const Host& h) {
    if (!first) buf_.push_back(',');
    first = false;
    JsonWriter w(buf_);
    writeHostJson(w, h, summary);
    drain(false);
  });
  buf_ += "]}\n";
  drain(true);
  std::fclose(file_);
  file_ = nullptr;
}

}  // namespace netlens
