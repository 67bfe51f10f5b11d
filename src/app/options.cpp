#include "app/options.hpp"

#include <CLI/CLI.hpp>
#include <sstream>

#include "collect/zmq_keys.hpp"
#include "netlens_version.hpp"

namespace netlens {

namespace {

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, ',')) {
    while (!cur.empty() && cur.front() == ' ') cur.erase(cur.begin());
    while (!cur.empty() && cur.back() == ' ') cur.pop_back();
    if (!cur.empty()) out.push_back(cur);
  }
  return out;
}

}  // namespace

ParseOutcome parseOptions(int argc, const char* const* argv) {
  Options o;
  CLI::App app{"netlens: network traffic monitor (flows, hosts and applications with nDPI)", "netlens"};
  app.set_version_flag("-V,--version", kVersion);
  std::vector<std::string> local_nets;
  std::optional<uint32_t> flow_idle, tcp_closed, local_idle, remote_idle;
  std::string http_spec, https_spec;
  bool no_web = false;

  app.add_option("-i,--interface", o.interfaces,
                 "Packet source: a capture file (pcap or pcapng), '-' for a capture on stdin, or a network "
                 "device for live capture; or a flow collector: netflow://ADDR:PORT (NetFlow v5/v9, IPFIX) or "
                 "sflow://ADDR:PORT (sFlow v5) over UDP. Repeat for several independent interfaces.");
  app.add_option("-B,--bpf", o.capture.bpf_filter, "BPF filter applied to every packet source (e.g. 'tcp port 80')");
  app.add_flag("--shutdown-when-done", o.shutdown_when_done,
               "Exit after the last packet of every capture file (live sources stop then too)");
  app.add_option("-m,--local-networks", local_nets,
                 "Local networks, CIDR, comma separated (e.g. 192.168.1.0/24,fd00::/8). Hosts inside them "
                 "(or inside a capture device's own networks) are local and keep full statistics");
  app.add_option("--ndpi-protocols", o.ndpi_protocols, "nDPI custom protocols file (reloaded on SIGHUP)")->check(CLI::ExistingFile);
  app.add_option("--ndpi-categories", o.ndpi_categories, "nDPI custom categories file (reloaded on SIGHUP)")->check(CLI::ExistingFile);
  app.add_option("--max-tcp-dpi-packets", o.max_tcp_dpi_packets,
                 "Packets of a TCP flow nDPI inspects before giving up (default 80, as nDPI's reference reader)")
      ->check(CLI::Range(1u, 1000u));
  app.add_option("--max-udp-dpi-packets", o.max_udp_dpi_packets, "Same for UDP flows (default 24)")->check(CLI::Range(1u, 1000u));
  app.add_flag("!--no-tunnels", o.decode_tunnels, "Do not open GTP-U, TZSP and CAPWAP tunnels: count the outer packet");
  app.add_option("--flow-idle-timeout", flow_idle, "Seconds after which an idle flow expires (default 60)");
  app.add_option("--tcp-closed-timeout", tcp_closed, "Seconds after which a closed or reset TCP flow expires (default 10)");
  app.add_option("--local-host-idle-timeout", local_idle, "Seconds after which an idle local host expires (default 300)");
  app.add_option("--remote-host-idle-timeout", remote_idle, "Seconds after which an idle remote host expires (default 60)");
  app.add_option("--max-num-flows", o.lifecycle.max_flows, "Most flows kept per interface; the oldest is evicted when full (default 131072)")
      ->check(CLI::Range(16u, 100'000'000u));
  app.add_option("--max-num-hosts", o.lifecycle.max_hosts, "Most hosts kept per interface (default 131072)")
      ->check(CLI::Range(16u, 100'000'000u));
  app.add_option("--max-peers-per-host", o.max_peers_per_host, "Most peers remembered per local host (default 1024)");
  app.add_option("-U,--user", o.user, "Drop root privileges to this user once the captures are open");
  app.add_option("--dump-json", o.dump_json,
                 "At shutdown write interface totals, applications, networks, hosts and every flow (also those that "
                 "ended during the run) as one JSON document to this file");
  app.add_option("-w,--http-port", http_spec,
                 "Web interface and REST API over HTTP on [ADDRESS:]PORT (default 3000; 0 turns HTTP off). Runs with "
                 "--shutdown-when-done start no web server unless -w or -W is given");
  app.add_option("-W,--https-port", https_spec, "Also serve HTTPS on [ADDRESS:]PORT (needs --https-cert and --https-key)");
  app.add_option("--https-cert", o.web.options.cert_file, "PEM certificate for -W")->check(CLI::ExistingFile);
  app.add_option("--https-key", o.web.options.key_file, "PEM private key for -W")->check(CLI::ExistingFile);
  app.add_flag("--no-web", no_web, "No web server: a headless probe");
  app.add_flag("--disable-login", o.web.options.disable_login,
               "No login: every web and API caller is an administrator (a trusted lab only)");
  app.add_option("--web-root", o.web.options.web_root, "Serve the pages from this directory instead of the built-in one");
  app.add_option("-d,--data-dir", o.web.options.data_dir,
                 "Directory for netlens's own data: users, API tokens, preferences (default /var/lib/netlens for root, "
                 "else ~/.local/share/netlens)");
  bool ts_on = false, ts_off = false;
  std::string ts_tiers;
  app.add_flag("--timeseries", ts_on, "Write time series and host activity maps also with --shutdown-when-done");
  app.add_flag("--no-timeseries", ts_off, "Write no time series (RRD) and no host activity maps");
  app.add_option("--timeseries-tiers", ts_tiers,
                 "Retention tiers RESOLUTION:RETENTION,... fine to coarse (default 1:1d,60:30d,3600:100d,86400:365d; "
                 "the first is each series' own step)");
  app.add_option("--host-timeseries-step", o.timeseries.host_step, "Step of the local hosts' series in seconds: 300 (default) or 60")
      ->check(CLI::IsMember({60u, 300u}));
  app.add_option("--timeseries-queue", o.timeseries.queue_limit,
                 "Most samples waiting for the time-series writer; more are dropped and counted (default 4000000)")
      ->check(CLI::Range(size_t(1000), size_t(1'000'000'000)));
  app.add_option("--activity-retention", o.timeseries.activity_keep_hours, "Hours of host activity maps kept on disk (default 168, at least 24)")
      ->check(CLI::Range(24u, 24u * 3660));
  std::string name_mode;
  app.add_option("-n,--dns-mode", name_mode,
                 "Host names: 'decode' (default) learns them from DNS, mDNS, NetBIOS, DHCP, TLS and HTTP traffic; "
                 "'local' also asks the DNS for the names of local hosts, 'all' for every host; 'none' decodes "
                 "nothing from DNS/mDNS/NetBIOS/DHCP (ntopng's numbers 0-3 work too)");
  app.add_option("--dns-server", o.dns_server,
                 "DNS server for -n local/all: ADDRESS[:PORT] (default: the system's resolver)");
  app.add_option("-r,--redis", o.redis,
                 "Keep the name cache, preferences and purged local hosts in Redis: HOST[:PORT][@DB] or a unix "
                 "socket path (default: an embedded store under the data directory)");
  app.add_option("--geoip-dir", o.geoip_dir,
                 "Directory of MaxMind DB (.mmdb) files for the country, city, coordinates and AS of every host: "
                 "MaxMind's layout (GeoLite2-City/Country/ASN) or ip-location-db's flat one (default: the databases "
                 "installed by scripts/install-geoip.sh, " NETLENS_DEFAULT_GEOIP_DIR ")");
  app.add_flag("-q,--quiet", o.quiet, "Print only errors");
  app.add_option("--status-interval", o.status_interval_s,
                 "Seconds between the one-line status of each interface printed on stderr (0: never; default 10)");
  addFlowIoOptions(app, o.flow_io);
  app.footer(
      "Capture files use packet time as the clock; by default nothing expires on idle time while a file is read "
      "(a file is one analysis), unless a timeout option is given.\n"
      "Signals: SIGINT/SIGTERM shut down cleanly (the JSON dump is written); SIGHUP reloads the nDPI files.");

  ParseOutcome out;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::ostringstream os, es;
    // --help and --version exit 0; every usage error exits 2, like netlens's own checks.
    out.exit_code = app.exit(e, os, es) == 0 ? 0 : 2;
    out.output = os.str() + es.str();
    return out;
  }
  if (o.flow_io.zmq_generate_keys) {
    const auto [pub, sec] = generateCurveKeys();
    out.output = "public key: " + pub + "\nsecret key: " + sec + "\n";
    return out;
  }
  for (const std::string& spec : local_nets) {
    for (const std::string& item : splitList(spec)) {
      auto c = Cidr::parse(item);
      if (!c) {
        out.exit_code = 2;
        out.output = "netlens: -m: '" + item + "' is not a network in CIDR notation (e.g. 192.168.1.0/24)\n";
        return out;
      }
      o.local_networks.push_back(*c);
    }
  }
  try {
    if (!http_spec.empty()) web::parseListenSpec(http_spec, o.web.options.http_address, o.web.options.http_port);
    if (!https_spec.empty()) web::parseListenSpec(https_spec, o.web.options.https_address, o.web.options.https_port);
  } catch (const std::invalid_argument& e) {
    out.exit_code = 2;
    out.output = std::string("netlens: -w/-W: ") + e.what() + "\n";
    return out;
  }
  if (o.web.options.https_port > 0 && (o.web.options.cert_file.empty() || o.web.options.key_file.empty())) {
    out.exit_code = 2;
    out.output = "netlens: -W needs --https-cert FILE and --https-key FILE\n";
    return out;
  }
  o.web.explicitly_requested = !http_spec.empty() || !https_spec.empty();
  o.web.enabled = !no_web && (o.web.explicitly_requested || !o.shutdown_when_done) &&
                  (o.web.options.http_port > 0 || o.web.options.https_port > 0);
  if (!ts_tiers.empty()) {
    std::string error;
    auto tiers = store::parseTiers(ts_tiers, &error);
    if (!tiers) {
      out.exit_code = 2;
      out.output = "netlens: --timeseries-tiers: " + error + "\n";
      return out;
    }
    o.timeseries.tiers = *tiers;
  }
  // Like the web server: a one-shot analysis (--shutdown-when-done) writes no series unless asked.
  o.timeseries.enabled = !ts_off && (ts_on || !ts_tiers.empty() || !o.shutdown_when_done || !o.web.options.data_dir.empty());
  if (!name_mode.empty()) {
    o.name_mode = enrich::parseNameMode(name_mode);
    if (!o.name_mode) {
      out.exit_code = 2;
      out.output = "netlens: -n: '" + name_mode + "' is not a mode: decode, local, all or none (or 0-3)\n";
      return out;
    }
  }
  o.lifecycle.flow_idle_s = flow_idle;
  o.lifecycle.tcp_closed_s = tcp_closed;
  o.lifecycle.local_host_idle_s = local_idle;
  o.lifecycle.remote_host_idle_s = remote_idle;
  out.options = std::move(o);
  return out;
}

std::string WebSettings::describe() const {
  std::string d;
  if (options.http_port > 0) d = "http://" + options.http_address + ":" + std::to_string(options.http_port) + "/";
  if (options.https_port > 0)
    d += (d.empty() ? "" : " and ") + std::string("https://") + options.https_address + ":" + std::to_string(options.https_port) + "/";
  return d;
}

EngineConfig engineConfigFor(const Options& o, const std::string& iface_name, bool is_file,
                             const std::vector<Cidr>& own_networks) {
  EngineConfig c;
  c.name = iface_name;
  c.lifecycle = o.lifecycle;
  c.expire_idle = !is_file || o.lifecycle.anyTimeoutSet();
  c.local_networks = o.local_networks;
  for (const Cidr& own : own_networks) {
    bool known = false;
    for (const Cidr& n : c.local_networks) known |= n.network == own.network && n.prefix == own.prefix;
    if (!known) c.local_networks.push_back(own);
  }
  c.ndpi.protocols_file = o.ndpi_protocols;
  c.ndpi.categories_file = o.ndpi_categories;
  c.ndpi.max_tcp_packets = o.max_tcp_dpi_packets;
  c.ndpi.max_udp_packets = o.max_udp_dpi_packets;
  c.decoder.decode_tunnels = o.decode_tunnels;
  c.max_peers_per_host = o.max_peers_per_host;
  if (o.name_mode) c.name_mode = *o.name_mode;
  return c;
}

}  // namespace netlens
