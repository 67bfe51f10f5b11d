#pragma once
// The one JSON form of each engine entity, shared by the dump, the API and the exporters.
#include "core/json_writer.hpp"
#include "engine/network_interface.hpp"

namespace netlens {

void writeFlowJson(JsonWriter& w, const NetworkInterface& iface, const Flow& f);
void writeHostJson(JsonWriter& w, const NetworkInterface& iface, const Host& h);
void writeInterfaceJson(JsonWriter& w, const NetworkInterface& iface);
void writeApplicationsJson(JsonWriter& w, const NetworkInterface& iface);
void writeNetworksJson(JsonWriter& w, const NetworkInterface& iface);

}  // namespace netlens
