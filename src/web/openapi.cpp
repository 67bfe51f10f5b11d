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
        {"sort", "query", "string", "ip, bytes (default), sent, received, packets, first_seen, last_seen, flows, name"},
        {"filter", "query", "string", "local, remote or all"},
        {"q", "query", "string", "search: part of the address or of a name the host is known by"},
        {"os", "query", "string", "only hosts of this operating system (see /os)"}}},
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
      {"/api/v1/interfaces/{id}/top_talkers",
       "the hosts and applications with the most traffic",
       {kIface, {"n", "query", "integer", "how many (1-100, default 10)"}}},
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
