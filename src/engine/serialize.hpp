#pragma once
// The one JSON form of each engine entity, shared by the dump, the API and the exporters.
#include "core/json_writer.hpp"
#include "engine/network_interface.hpp"

namespace netlens {

void writeFlowJson(JsonWriter& w, const Flow& f, const NameTable& names);
void writeHostJson(JsonWriter& w, const Host& h, const InterfaceSummary& iface);
void writeInterfaceJson(JsonWriter& w, const InterfaceSummary& iface);
void writeApplicationsJson(JsonWriter& w, const InterfaceSummary& iface);
void writeNetworksJson(JsonWriter& w, const InterfaceSummary& iface);
// A flow collector: its socket, its exporters (sFlow: agents) and the agents' interface counters.
void writeCollectorJson(JsonWriter& w, const CollectorStats& c);

}  // namespace netlens
