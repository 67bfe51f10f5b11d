#include "web/openapi.hpp"

#include "core/json_writer.hpp"
#include "netlens_version.hpp"

namespace netlens::web {

namespace {

struct Param {
  const char* name;
  const char* in;
  const char* type;
  const char* description;
};

struct Operation {
  const char* path;
  const char* summary;
  std::initializer_list<Param> params;
};

const Param kIface{"id", "path", "integer", "interface number, from /api/v1/interfaces"};
const Param kPage{"page", "query", "integer", "page number, from 1"};
const Param kPerPage{"per_page", "query", "integer", "rows per page, 1-1000 (default 50)"};
const Param kOrder{"order", "query", "string", "asc or desc (default desc)"};

std::string build() {
  const Operation ops[] = {
      {"/api/v1/status", "netlens status: version, uptime, resident memory, capture drops per interface", {}},
      {"/api/v1/interfaces", "the monitored interfaces with their headline totals", {}},
      {"/api/v1/interfaces/{id}", "one interface: totals, decode errors, drops, applications, local networks; ZMQ collector and flow export counters (zmq_collector, zmq_export, netflow_export) when there are some", {kIface}},
      {"/api/v1/interfaces/{id}/hosts",
       "hosts, paged and sorted on the server",
       {kIface, kPage, kPerPage, kOrder,
        {"sort", "query", "string", "ip, bytes (default), sent, received, packets, first_seen, last_seen, flows, name"},
        {"filter", "query", "string", "local, remote or all"},
        {"q", "query", "string", "search: part of the address or of a name the host is known by"},
        {"os", "query", "string", "only hosts of this operating system (see /os)"},
        {"asn", "query", "integer", "only hosts of this AS number (0: hosts without one); sort also by asn"},
        {"country", "query", "string", "only hosts of this country (two letters; --: without one); sort also by country"}}},
      {"/api/v1/interfaces/{id}/hosts/{ip}",
       "one host: all its statistics, applications, peers and active flows",
       {kIface, {"ip", "path", "string", "the host's address"}, {"vlan", "query", "integer", "VLAN (default 0)"},
        {"flows", "query", "integer", "at most this many of its flows (0-1000, default 1000)"}}},
      {"/api/v1/interfaces/{id}/flows",
       "active flows, paged, sorted and filtered on the server",
       {kIface, kPage, kPerPage, kOrder,
        {"sort", "query", "string",
         "bytes (default), packets, first_seen, last_seen, duration, throughput, app, client, server"},
        {"host", "query", "string", "only flows of this address"},
        {"app", "query", "string", "only flows of this application (nDPI name, e.g. TLS, Google, TLS.Google)"},
        {"l4", "query", "string", "only this L4 protocol (tcp, udp, icmp, ... or a number)"},
        {"port", "query", "integer", "only flows with this port on either side"}}},
      {"/api/v1/interfaces/{id}/flows/{flow}", "one active flow", {kIface, {"flow", "path", "integer", "flow id"}}},
      {"/api/v1/interfaces/{id}/applications", "traffic and flows per application", {kIface}},
      {"/api/v1/interfaces/{id}/l4protocols", "traffic per L4 protocol", {kIface}},
      {"/api/v1/interfaces/{id}/networks", "local networks: ingress, egress, inner traffic, hosts, flows", {kIface}},
      {"/api/v1/interfaces/{id}/dns_names",
       "DNS names queried: first/last seen, flows, traffic, clients",
       {kIface, kPage, kPerPage, kOrder,
        {"sort", "query", "string", "hits (default), bytes, name, first_seen, last_seen, flows"},
        {"q", "query", "string", "search: part of the name"}}},
      {"/api/v1/interfaces/{id}/server_names",
       "server names (TLS SNI, QUIC, HTTP Host): first/last seen, flows, traffic, clients, servers",
       {kIface, kPage, kPerPage, kOrder,
        {"sort", "query", "string", "hits (default), bytes, name, first_seen, last_seen, flows"},
        {"q", "query", "string", "search: part of the name"}}},
      {"/api/v1/interfaces/{id}/os", "operating systems guessed: hosts, traffic, first/last seen, detections", {kIface}},
      {"/api/v1/interfaces/{id}/exporters",
       "flow collectors (netflow://, sflow://): the socket's totals and drops, per exporter (sFlow: agent) "
       "datagrams, flows, packets, bytes, templates, template errors, unknown template sets, malformed "
       "datagrams, flows or datagrams lost (sequence numbers), last seen; sFlow agents' interface counters. "
       "collector is null for packet sources",
       {kIface}},
      {"/api/v1/interfaces/{id}/top_talkers",
       "the hosts and applications with the most traffic",
       {kIface, {"n", "query", "integer", "how many (1-100, default 10)"}}},
      {"/api/v1/timeseries",
       "a time series (RRD) with its summary: points [start of interval, rate per second or level] and total, "
       "average, min and max with their times, 95th percentile; without metric: the entity's series",
       {{"entity", "query", "string", "interface:ID, host:ID/IP[@VLAN], app:ID/NAME or l4:ID/NAME"},
        {"metric", "query", "string",
         "interface: bytes, packets, flows, hosts, local_hosts, drops, app:NAME, l4:NAME, app:* or l4:* (several series, "
         "for stacked charts); host: bytes, bytes_sent, bytes_rcvd, packets, flows, app:NAME, app:*"},
        {"from", "query", "integer", "seconds since the epoch (default: an hour before to)"},
        {"to", "query", "integer", "seconds since the epoch (default: the end of the newest data)"},
        {"span", "query", "integer", "without from: the range is the span seconds before to"},
        {"resolution", "query", "integer", "wanted seconds per point (default: about 1000 points; at most 20000 points)"},
        {"top", "query", "integer", "app:* and l4:*: the series with the largest totals (default 10)"}}},
      {"/api/v1/timeseries/status", "the time-series writer: queue, drops, RRD updates, errors, bytes on disk", {}},
      {"/api/v1/interfaces/{id}/activity",
       "local hosts' activity, one bit per second: runs [first second, length] per host",
       {kIface, {"hosts", "query", "string", "IP[@VLAN],... (default: the most active hosts)"},
        {"from", "query", "integer", "seconds since the epoch"}, {"to", "query", "integer", "seconds since the epoch (at most 7 days after from)"},
        {"limit", "query", "integer", "without hosts: how many (default 50)"}}},
      {"/api/v1/interfaces/{id}/asns",
       "autonomous systems of the hosts seen: hosts, flows, traffic sent and received by their hosts, applications",
       {kIface, kPage, kPerPage, kOrder,
        {"sort", "query", "string", "bytes (default), sent, received, hosts, flows, last_seen, name"},
        {"q", "query", "string", "search: part of 'AS<number> <organisation>'"}}},
      {"/api/v1/interfaces/{id}/asns/{asn}", "one autonomous system", {kIface, {"asn", "path", "string", "AS number (15169 or AS15169)"}}},
      {"/api/v1/interfaces/{id}/countries",
       "countries of the hosts seen: hosts, flows, traffic sent and received by their hosts, applications",
       {kIface, kPage, kPerPage, kOrder,
        {"sort", "query", "string", "bytes (default), sent, received, hosts, flows, last_seen, name"},
        {"q", "query", "string", "search: part of the code (or name)"}}},
      {"/api/v1/interfaces/{id}/countries/{code}", "one country", {kIface, {"code", "path", "string", "ISO 3166-1 alpha-2 code"}}},
      {"/api/v1/interfaces/{id}/geomap",
       "located hosts (most traffic first) and the flows between them, with coordinates, for a world map",
       {kIface, {"hosts", "query", "integer", "at most this many hosts (1-5000, default 500)"},
        {"flows", "query", "integer", "at most this many flows (0-5000, default 300)"},
        {"home", "query", "string", "LAT,LON: draw local hosts without a location there (with at_home: true)"}}},
  };
  std::string out;
  JsonWriter w(out);
  w.beginObject().field("openapi", "3.0.3");
  w.key("info").beginObject().field("title", "netlens REST API").field("version", kVersion).endObject();
  w.key("paths").beginObject();
  for (const Operation& op : ops) {
    w.key(op.path).beginObject().key("get").beginObject().field("summary", op.summary);
    w.key("parameters").beginArray();
    for (const Param& p : op.params) {
      w.beginObject().field("name", p.name).field("in", p.in).field("required", std::string_view(p.in) == "path");
      w.field("description", p.description);
      w.key("schema").beginObject().field("type", p.type).endObject().endObject();
    }
    w.endArray();
    w.key("responses").beginObject();
    w.key("200").beginObject().field("description", "JSON").endObject();
    w.key("400").beginObject().field("description", "bad parameter: {\"error\": \"what is wrong\"}").endObject();
    w.key("401").beginObject().field("description", "authentication required").endObject();
    w.key("404").beginObject().field("description", "no such interface, host or flow").endObject();
    w.endObject();
    w.endObject().endObject();
  }
  w.endObject().endObject();
  return out;
}

}  // namespace

const std::string& openApiDocument() {
  static const std::string doc = build();
  return doc;
}

}  // namespace netlens::web
