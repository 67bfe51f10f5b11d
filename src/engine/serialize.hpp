#pragma once
// The one JSON form of each engine entity, shared by the dump, the API and the exporters.
#include "core/json_writer.hpp"
#include "engine/network_interface.hpp"
#include "enrich/name_aggregates.hpp"

namespace netlens {

void writeFlowJson(JsonWriter& w, const Flow& f, const NameTable& names);
// The "name", "name_source", "names" {source: name} and "os" fields of a host (nothing when none).
void writeHostNames(JsonWriter& w, const Host& h);
// One DNS query name or server name aggregate.
void writeNameAggregateJson(JsonWriter& w, const enrich::NameAggregate& a);
void writeHostJson(JsonWriter& w, const Host& h, const InterfaceSummary& iface);
void writeInterfaceJson(JsonWriter& w, const InterfaceSummary& iface);
void writeApplicationsJson(JsonWriter& w, const InterfaceSummary& iface);
void writeNetworksJson(JsonWriter& w, const InterfaceSummary& iface);

}  // namespace netlens
