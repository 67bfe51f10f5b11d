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
  const char* response = nullptr;  // the component schema of the 200 answer, when described
};

// A property of a described object. Types: "integer", "number", "string", "boolean",
// "array:T" (an array of T), "ref:Name" (a component schema), "nullable-ref:Name".
struct Property {
  const char* name;
  const char* type;
  const char* description;
};

struct Schema {
  const char* name;
  const char* description;
  std::initializer_list<Property> properties;
};

// What feeds an interface (its collector and the collector's peers) and where its flows go (its
// exporters): one shape for every protocol. The kind-specific properties are present only for
// that kind.
const Schema kSchemas[] = {
    {"Collector",
     "a flow collector, whatever the protocol: its totals and its peers",
     {{"kind", "string", "netflow (NetFlow v5, v9, IPFIX), sflow or zmq"},
      {"listen", "string", "UDP: ADDR:PORT; ZMQ: the endpoints as given to -i (a trailing c: collector mode, netlens binds)"},
      {"messages", "integer", "datagrams (NetFlow/IPFIX, sFlow) or ZMQ messages received"},
      {"bytes", "integer", "their bytes"},
      {"flows", "integer", "flow records (sFlow: flow samples) decoded"},
      {"malformed", "integer", "messages with a malformation (what could be read counts)"},
      {"peers_not_kept", "integer", "messages kept under no peer: beyond the 1024 peers kept (ZMQ: or without a peer address)"},
      {"socket_drops", "integer", "netflow, sflow: datagrams the kernel dropped (socket buffer full)"},
      {"receive_buffer_bytes", "integer", "netflow, sflow: the socket's receive buffer"},
      {"flow_messages", "integer", "zmq: messages decoded as flows"},
      {"bad_header", "integer", "zmq: messages skipped: header of an unknown size or version, no payload, extra frames"},
      {"bad_json", "integer", "zmq: messages skipped: not a JSON flow object or array of them"},
      {"bad_compression", "integer", "zmq: messages skipped: zlib streams that do not inflate"},
      {"too_large", "integer", "zmq: messages skipped: payload over 8 MiB or inflating to over 32 MiB"},
      {"unsupported", "integer", "zmq: messages skipped: nProbe's TLV encoding"},
      {"other_topics", "integer", "zmq: messages of other topics than flow (not malformed)"},
      {"lost_messages", "integer", "zmq: gaps in the probes' message ids"},
      {"peers", "array:ref:Peer", "one per peer: NetFlow/IPFIX exporter, sFlow agent, ZMQ probe"},
      {"interfaces", "array:ref:AgentInterface", "sflow: the agents' interface counters (latest values)"},
      {"interfaces_not_kept", "integer", "sflow: agent interfaces beyond the 4096 kept"}}},
    {"Peer",
     "a peer of a collector: a NetFlow/IPFIX exporter (by source address), an sFlow agent (by agent address), a ZMQ probe "
     "(by the address libzmq reports)",
     {{"address", "string", "the peer's address"},
      {"versions", "array:integer", "versions seen: 5, 9, 10 (IPFIX); sFlow 5; ZMQ header versions"},
      {"domains", "array:integer", "observation domains, v9 source ids, v5 engines, sFlow sub-agents, ZMQ source ids"},
      {"messages", "integer", "datagrams or ZMQ messages received from it"},
      {"flows", "integer", "flow records (sFlow: flow samples) decoded"},
      {"packets", "integer", "packets those records account for (scaled by sampling)"},
      {"bytes", "integer", "bytes those records account for (scaled by sampling)"},
      {"malformed", "integer", "messages with a malformation"},
      {"last_error", "string", "the last malformation's reason (absent when none)"},
      {"lost_flows", "integer", "flows lost in transit (v5 and IPFIX sequence numbers)"},
      {"lost_messages", "integer", "datagrams or messages lost in transit (v9, sFlow sequence numbers; ZMQ message ids)"},
      {"sequence_resets", "integer", "sequence jumps too large to be losses (restarts)"},
      {"first_seen", "number", "seconds since the epoch"},
      {"last_seen", "number", "seconds since the epoch"},
      {"option_records", "integer", "netflow: options data records (sampling rates)"},
      {"templates", "integer", "netflow: templates known now"},
      {"templates_learned", "integer", "netflow: templates learned"},
      {"template_errors", "integer", "netflow: templates refused (table full) or withdrawn unknown"},
      {"unknown_template_sets", "integer", "netflow: data sets skipped for want of their template"},
      {"counter_samples", "integer", "sflow: counter samples"},
      {"skipped_records", "integer", "sflow: samples and records of formats netlens does not read"},
      {"bad_header", "integer", "zmq: its messages skipped for their header"},
      {"bad_json", "integer", "zmq: its messages skipped for their JSON"},
      {"bad_compression", "integer", "zmq: its messages skipped for their zlib stream"},
      {"too_large", "integer", "zmq: its messages skipped for their size"},
      {"unsupported", "integer", "zmq: its TLV messages"},
      {"other_topics", "integer", "zmq: its messages of other topics"}}},
    {"AgentInterface",
     "an sFlow agent's interface (generic interface counters)",
     {{"agent", "string", "the agent's address"}, {"if_index", "integer", "ifIndex"}, {"if_type", "integer", "ifType"},
      {"if_speed", "integer", "bits per second"}, {"if_direction", "integer", "0 unknown, 1 full duplex, 2 half, 3 in, 4 out"},
      {"admin_up", "boolean", ""}, {"oper_up", "boolean", ""},
      {"in", "object", "octets, unicast, multicast, broadcast, discards, errors, unknown_protos"},
      {"out", "object", "octets, unicast, multicast, broadcast, discards, errors"},
      {"promiscuous", "integer", ""}, {"last_seen", "number", "seconds since the epoch"}}},
    {"Export",
     "a flow exporter (--zmq-export, --netflow-export): what it is and what became of this interface's flows there",
     {{"kind", "string", "zmq or netflow (v9, IPFIX)"},
      {"destinations", "array:string", "ZMQ: the endpoint; NetFlow/IPFIX: each collector's HOST:PORT"},
      {"connect", "boolean", "zmq: connects to the collector (--zmq-probe-mode) instead of binding"},
      {"encrypted", "boolean", "zmq: CURVE"},
      {"subscribers", "integer", "zmq: collectors subscribed now"},
      {"version", "integer", "netflow: 9, or 10 for IPFIX"},
      {"round_robin", "boolean", "netflow: each flow to one destination in turn"},
      {"flows", "integer", "flow updates handed to the exporter"},
      {"flows_sent", "integer", "of them, sent on the wire"},
      {"records_sent", "integer", "records sent: NetFlow/IPFIX one per direction with traffic, ZMQ one per flow"},
      {"messages", "integer", "ZMQ messages or datagrams sent"},
      {"dropped_queue_full", "integer", "flows lost: the export queue (or ZeroMQ's send buffer) was full"},
      {"no_subscriber", "integer", "zmq: flows published while no collector was subscribed (sent nowhere)"},
      {"send_errors", "integer", "flows in messages the network refused"},
      {"queued", "integer", "flows waiting in the exporter's queue (every interface's)"}}},
    {"InterfaceDetail",
     "one interface",
     {{"id", "integer", "interface number"},
      {"interface", "ref:Interface", "totals, decode errors, drops, tables, collector, export"},
      {"applications", "array:object", "traffic and flows per application"},
      {"networks", "array:object", "local networks"},
      {"snapshot_time", "number", "seconds since the epoch"}}},
    {"Interface",
     "an interface's totals (only what feeds and drains it is described here in full)",
     {{"name", "string", "the source, as given to -i"},
      {"packets", "integer", ""}, {"bytes", "integer", ""},
      {"collector", "ref:Collector", "flow collectors only (netflow://, sflow://, tcp:// ZMQ): what feeds the interface"},
      {"export", "array:ref:Export", "one per flow exporter (empty when not exporting)"}}},
    {"Exporters",
     "what feeds a flow collector",
     {{"id", "integer", "interface number"},
      {"name", "string", "the source, as given to -i"},
      {"collector", "nullable-ref:Collector", "null for packet sources"},
      {"snapshot_time", "number", "seconds since the epoch"}}},
};

void writeType(JsonWriter& w, std::string_view type, std::string_view description = {}) {
  w.beginObject();
  if (!description.empty()) w.field("description", description);
  const bool nullable = type.starts_with("nullable-");
  if (nullable) type.remove_prefix(9);
  if (type.starts_with("array:")) {
    w.field("type", "array").key("items");
    writeType(w, type.substr(6));
  } else if (type.starts_with("ref:")) {
    const std::string ref = "#/components/schemas/" + std::string(type.substr(4));
    // A $ref stands alone in OpenAPI 3.0: with a description or nullable, it goes in allOf.
    if (description.empty() && !nullable) w.field("$ref", ref);
    else w.key("allOf").beginArray().beginObject().field("$ref", ref).endObject().endArray();
  } else {
    w.field("type", type);
  }
  if (nullable) w.field("nullable", true);
  w.endObject();
}

void writeSchema(JsonWriter& w, const Schema& s) {
  w.key(s.name).beginObject().field("type", "object").field("description", s.description);
  w.key("properties").beginObject();
  for (const Property& p : s.properties) writeType(w.key(p.name), p.type, p.description);
  w.endObject().endObject();
}

const Param kIface{"id", "path", "integer", "interface number, from /api/v1/interfaces"};
const Param kPage{"page", "query", "integer", "page number, from 1"};
const Param kPerPage{"per_page", "query", "integer", "rows per page, 1-1000 (default 50)"};
const Param kOrder{"order", "query", "string", "asc or desc (default desc)"};

std::string build() {
  const Operation ops[] = {
      {"/api/v1/status", "netlens status: version, uptime, resident memory, capture drops per interface", {}},
      {"/api/v1/interfaces", "the monitored interfaces with their headline totals", {}},
      {"/api/v1/interfaces/{id}",
       "one interface: totals, decode errors, drops, applications, local networks; what feeds a flow collector "
       "(interface.collector, every protocol in one shape) and where the flows are exported (interface.export, one "
       "entry per exporter)",
       {kIface},
       "InterfaceDetail"},
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
       "what feeds a flow collector (netflow://, sflow://, tcp:// ZMQ), the same collector object as the interface's: "
       "its totals (messages, bytes, flows, malformed; UDP: socket drops; ZMQ: messages skipped by reason), and per "
       "peer (NetFlow/IPFIX exporter, sFlow agent, ZMQ probe) messages, flows, packets, bytes, malformed messages and "
       "the last error, losses from sequence numbers, first and last seen, and the kind's own counters (templates; "
       "samples; ZMQ skip reasons); sFlow agents' interface counters. collector is null for packet sources",
       {kIface},
       "Exporters"},
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
    w.key("200").beginObject().field("description", "JSON");
    if (op.response) {
      w.key("content").beginObject().key("application/json").beginObject().key("schema");
      writeType(w, std::string("ref:") + op.response);
      w.endObject().endObject();
    }
    w.endObject();
    w.key("400").beginObject().field("description", "bad parameter: {\"error\": \"what is wrong\"}").endObject();
    w.key("401").beginObject().field("description", "authentication required").endObject();
    w.key("404").beginObject().field("description", "no such interface, host or flow").endObject();
    w.endObject();
    w.endObject().endObject();
  }
  w.endObject();
  w.key("components").beginObject().key("schemas").beginObject();
  for (const Schema& s : kSchemas) writeSchema(w, s);
  w.endObject().endObject();
  w.endObject();
  return out;
}

}  // namespace

const std::string& openApiDocument() {
  static const std::string doc = build();
  return doc;
}

}  // namespace netlens::web
