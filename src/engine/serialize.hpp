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
// A flow collector (NetFlow/IPFIX, sFlow, ZMQ): its totals, its peers (exporters, agents,
// probes) and the sFlow agents' interface counters.
void writeCollectorJson(JsonWriter& w, const CollectorStats& c);
// A flow exporter: what it is and what became of the interface's flows there.
void writeExportJson(JsonWriter& w, const ExportStats& e);
// Coordinates as written: five decimals.
double geoDegrees(float v);
// Geolocation fields of a host (country, city, latitude, longitude, asn, as_name), inline.
void writeHostGeoJson(JsonWriter& w, const GeoInfo& g, const InterfaceSummary& iface);
// An entity's applications come from `geo` (none when the entity is a copy: a limited view).
void writeAsJson(JsonWriter& w, const AsStats& a, const GeoAggregates& geo, const InterfaceSummary& iface);
void writeCountryJson(JsonWriter& w, const CountryStats& c, const GeoAggregates& geo, const InterfaceSummary& iface);

}  // namespace netlens
