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
      {"/api/v1/interfaces/{id}", "one interface: totals, decode errors, drops, applications, local networks", {kIface}},
      {"/api/v1/interfaces/{id}/hosts",
       "hosts, paged and sorted on the server",
       {kIface, kPage, kPerPage, kOrder,
        {"sort", "query", "string", "ip, bytes (default), sent, received, packets, first_seen, last_seen, flows"},
        {"filter", "query", "string", "local, remote or all"},
        {"q", "query", "string", "search: part of the address"},
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
      {"/api/v1/interfaces/{id}/top_talkers",
       "the hosts and applications with the most traffic",
       {kIface, {"n", "query", "integer", "how many (1-100, default 10)"}}},
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
