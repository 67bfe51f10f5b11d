#include "app/runner.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "app/privileges.hpp"
#include "app/sources.hpp"
#include "engine/json_dump.hpp"
#include "engine/snapshot.hpp"
#include "web/web_server.hpp"
#include "engine/network_interface.hpp"
#include "enrich/host_keeper.hpp"
#include "enrich/name_store.hpp"
#include "store/kv_store.hpp"
#include "store/series_sampler.hpp"
#include "store/timeseries_store.hpp"
#include "export/flow_export.hpp"
#include "enrich/resolver.hpp"
#include "enrich/enrichment.hpp"

namespace netlens {

namespace {

struct InterfaceRun {
  SnapshotChannel snapshots;  // what the web layer reads
  std::unique_ptr<PacketSource> source;
  std::unique_ptr<NetworkInterface> engine;
  std::unique_ptr<JsonDump> dump;
  std::unique_ptr<store::SeriesSampler> series;  // feeds the time-series writer on each tick
  std::string dump_path;
  std::ifstream dump_part;  // several interfaces: this interface's document, read back to merge
  std::vector<std::unique_ptr<ExportFeed>> export_feeds;  // one per exporter
  std::thread thread;
  std::atomic<bool> input_done{false};
  bool failed = false;
};

struct Shared {
  std::atomic<bool> stop{false};
  SettingsChannel settings;  // preferences changed at run time
  std::atomic<uint64_t> reload_generation{0};
  std::unique_ptr<enrich::NameStore> name_store;  // aliases and resolved names across restarts
  enrich::AliasTable aliases;
  std::unique_ptr<enrich::ReverseResolver> resolver;  // -n local/all (or the preference)
  std::unique_ptr<enrich::HostKeeper> keeper;  // purged local hosts, given back when they return
};

std::string formatBits(double bps) {
  const char* units[] = {"bps", "Kbps", "Mbps", "Gbps", "Tbps"};
  int u = 0;
  while (bps >= 1000 && u < 4) {
    bps /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %s", bps, units[u]);
  return buf;
}

// The interface's status line, and one per exporter (what became of its flows there).
void printStatus(const InterfaceRun& run, const char* when) {
  const NetworkInterface& iface = *run.engine;
  const InterfaceStats& s = iface.stats();
  uint64_t errors = 0;
  for (uint64_t e : s.decode_errors) errors += e;
  std::fprintf(stderr,
               "netlens: %s%s: %lu packets, %lu bytes, %s, %u active flows (%lu seen), %u hosts, %lu decode errors, "
               "%lu drops, packet thread %.3f s CPU\n",
               iface.name().c_str(), when, (unsigned long)s.received.packets, (unsigned long)s.received.bytes,
               formatBits(s.throughput.bps).c_str(), iface.activeFlows(), (unsigned long)s.flows.created,
               iface.activeHosts(), (unsigned long)errors,
               (unsigned long)(s.kernel_drops + s.interface_drops + s.engine_drops), double(s.packet_thread_cpu) * 1e-6);
  printExportStatus(iface.name() + when, run.export_feeds);
}

void packetLoop(InterfaceRun& run, Shared& shared, const Options& opt) {
  NetworkInterface& iface = *run.engine;
  PacketSource& src = *run.source;
  uint64_t seen_reload = 0;
  uint64_t since_check = 0;
  uint64_t seen_settings = shared.settings.generation();
  if (seen_settings > 0) iface.applySettings(shared.settings.current());  // stored preferences
  Micros next_status = wallClockMicros() + Micros(opt.status_interval_s) * kMicrosPerSecond;
  PacketRef pkt;
  while (!shared.stop.load(std::memory_order_relaxed)) {
    const ReadResult r = src.next(pkt);
    if (r == ReadResult::Packet) {
      iface.processPacket(pkt);
      // Between checks of drops, reloads and settings: 4096 packets, unless a reader waits.
      if (++since_check < 4096 && !run.snapshots.wanted()) continue;
    } else if (r == ReadResult::Records) {
      if (!src.isFile()) iface.advanceClock(wallClockMicros());  // a collector's clock: wall time
      iface.processFlowRecords(src.records());
      if (++since_check < 64 && !run.snapshots.wanted()) continue;
    } else if (r == ReadResult::Timeout) {
      if (!src.isFile()) iface.advanceClock(wallClockMicros());
      else iface.serviceBackground();
    } else {
      if (r == ReadResult::Error) {
        std::fprintf(stderr, "netlens: %s: capture error: %s\n", src.name().c_str(), src.lastError().c_str());
        run.failed = true;
      } else if (!src.lastError().empty()) {
        // A file cut short: what was read counts, but say why it ended early.
        std::fprintf(stderr, "netlens: %s: capture ends early: %s\n", src.name().c_str(), src.lastError().c_str());
      }
      break;
    }
    since_check = 0;
    run.snapshots.serve(iface);
    if (const uint64_t g = shared.settings.generation(); g != seen_settings) {
      seen_settings = g;
      iface.applySettings(shared.settings.current());
    }
    const CaptureDrops d = src.drops();
    iface.setCaptureDrops(d.kernel, d.interface);
    iface.setPacketThreadCpu(threadCpuMicros());
    if (const uint64_t g = shared.reload_generation.load(); g != seen_reload) {
      seen_reload = g;
      iface.requestNdpiReload();
    }
    if (opt.status_interval_s && !opt.quiet && wallClockMicros() >= next_status) {
      printStatus(run, "");
      next_status = wallClockMicros() + Micros(opt.status_interval_s) * kMicrosPerSecond;
    }
  }
  const CaptureDrops d = src.drops();
  iface.setCaptureDrops(d.kernel, d.interface);
  iface.finish();
  iface.setPacketThreadCpu(threadCpuMicros());  // what the whole input cost
  run.input_done = true;
  kill(getpid(), SIGUSR1);  // wake the main thread: it may be time to stop
  if (!opt.quiet && src.isFile() && !opt.shutdown_when_done)
    std::fprintf(stderr, "netlens: %s: end of capture; results stay on view until SIGINT/SIGTERM\n", src.name().c_str());
  // A finished file stays on view until netlens is asked to stop (at once with
  // --shutdown-when-done).
  const bool stay = !(opt.shutdown_when_done && src.isFile());
  while (stay && !shared.stop.load()) {
    run.snapshots.serve(iface);
    iface.serviceBackground();  // answers of the reverse resolver still arrive
    if (const uint64_t g = shared.settings.generation(); g != seen_settings) {
      seen_settings = g;  // preferences still apply (e.g. the DNS resolution mode)
      iface.applySettings(shared.settings.current());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  iface.shutdown();  // the last status line and the dump follow once the exporters are done
}

// Several interfaces: one document holding each interface's own document.
// The files are all opened before privileges are dropped (the parts are already unlinked).
bool mergeDumps(std::ofstream& out, const std::vector<std::unique_ptr<InterfaceRun>>& runs) {
  out << "{\"interfaces\":[";
  for (size_t i = 0; i < runs.size(); ++i) {
    if (i) out << ',';
    out << runs[i]->dump_part.rdbuf();
  }
  out << "]}\n";
  out.flush();
  return bool(out);
}

}  // namespace

int runNetlens(const Options& opt) {
  if (opt.interfaces.empty()) {
    std::fprintf(stderr, "netlens: no packet source: give -i FILE|DEVICE|- (see --help)\n");
    return 2;
  }
  // Signals are taken by the main thread only, synchronously.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGUSR1);  // a packet thread finished its input
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Shared shared;
  std::vector<std::unique_ptr<ExportWorker>> exporters;  // outlive the runs that feed them
  std::vector<std::unique_ptr<InterfaceRun>> runs;
  std::unique_ptr<web::WebServer> web_server;
  std::unique_ptr<store::TimeseriesStore> timeseries;
  std::ofstream merged;  // several interfaces: the document, opened now as the single one is
  std::shared_ptr<const Enrichment> enrichment;  // loaded once, shared by every interface
  try {
    if (opt.interfaces.size() > 1 && !opt.dump_json.empty()) {
      merged.open(opt.dump_json, std::ios::binary | std::ios::trunc);
      if (!merged) throw std::runtime_error("cannot create " + opt.dump_json + ": " + std::strerror(errno));
    }
    // What is kept across restarts: Redis with -r (retried while absent), else the embedded
    // store under the data directory; netlens works without either (nothing is kept then).
    std::unique_ptr<store::KvStore> kv;
    if (!opt.redis.empty()) {
      kv = store::openRedisKv(opt.redis);
      if (!kv->status().available && !opt.quiet)
        std::fprintf(stderr, "netlens: Redis %s unavailable (%s): going on without it, retrying\n", kv->status().where.c_str(),
                     kv->status().last_error.c_str());
    } else if ((opt.web.enabled && !opt.web.options.disable_login) || !opt.web.options.data_dir.empty()) {
      // (Without login and without -d, like the users database: nothing is written to disk.)
      const std::string dir = web::effectiveDataDir(opt.web.options.data_dir);
      try {
        kv = store::openSqliteKv(dir);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "netlens: names store in %s unavailable, aliases and names are not kept: %s\n", dir.c_str(),
                     e.what());
      }
    }
    if (kv) {
      shared.name_store = std::make_unique<enrich::NameStore>(std::move(kv));
      shared.aliases.replaceAll(shared.name_store->loadAliases());
      shared.keeper = std::make_unique<enrich::HostKeeper>(shared.name_store.get(), 7 * 86400);
    }
    exporters = openExporters(opt.flow_io, opt.quiet);
    if (!opt.name_mode || *opt.name_mode != enrich::NameMode::None) {
      enrich::ResolverOptions ro;
      ro.server = opt.dns_server;
      shared.resolver = std::make_unique<enrich::ReverseResolver>(ro);
      if (enrich::NameStore* store = shared.name_store.get()) {
        const int64_t now = wallClockMicros() / kMicrosPerSecond;
        try {
          for (const enrich::StoredName& n : store->loadResolved(now)) shared.resolver->preload(n.ip, n.name, n.expires_unix);
        } catch (const std::exception& e) {
          std::fprintf(stderr, "netlens: cannot read the stored names: %s\n", e.what());
        }
        shared.resolver->on_answer = [store](const IpAddress& ip, const std::string& name, int64_t expires) {
          try {
            store->saveResolved(ip, name, expires);
          } catch (const std::exception&) {
            // Only a shortcut for the next start: the answer is used anyway.
          }
        };
      }
    }
    for (size_t i = 0; i < opt.interfaces.size(); ++i) {
      auto run = std::make_unique<InterfaceRun>();
      run->source = openSource(opt.interfaces[i], opt);
      const bool is_file = run->source->isFile();
      EngineConfig config = engineConfigFor(opt, run->source->name(), is_file, run->source->ownNetworks());
      if (!enrichment) enrichment = loadEnrichment(opt.geoip_dir, NETLENS_DEFAULT_IEEE_DATA_DIR, opt.quiet);
      config.enrich = enrichment;
      run->engine = std::make_unique<NetworkInterface>(std::move(config));
      if (auto* c = dynamic_cast<const CollectorStatsProvider*>(run->source.get())) run->engine->setCollector(c);
      run->engine->setResolver(shared.resolver.get());
      run->engine->setAliases(&shared.aliases);
      run->engine->setHostKeeper(shared.keeper.get());
      if (!opt.dump_json.empty()) {
        run->dump_path = opt.interfaces.size() == 1 ? opt.dump_json : opt.dump_json + ".part" + std::to_string(i);
        run->dump = std::make_unique<JsonDump>(run->dump_path);
        run->engine->addFlowSink(run->dump.get());
        if (opt.interfaces.size() > 1) {
          // Kept open for reading and unlinked at once: readable after -U, never left behind.
          run->dump_part.open(run->dump_path, std::ios::binary);
          std::remove(run->dump_path.c_str());
          if (!run->dump_part) throw std::runtime_error("cannot read back " + run->dump_path);
        }
      }
      for (auto& e : exporters) {
        run->export_feeds.push_back(std::make_unique<ExportFeed>(*e));
        run->engine->addFlowExporter(run->export_feeds.back().get(), Micros(opt.flow_io.export_interval_s) * kMicrosPerSecond);
        run->engine->addExportStats(run->export_feeds.back().get());
      }
      runs.push_back(std::move(run));
    }
    if (opt.timeseries.enabled) {
      store::TimeseriesConfig tc = opt.timeseries;
      tc.dir = (opt.web.options.data_dir.empty() ? store::defaultDataDir() : opt.web.options.data_dir) + "/timeseries";
      std::vector<std::string> names;
      for (auto& r : runs) names.push_back(r->engine->name());
      timeseries = std::make_unique<store::TimeseriesStore>(tc, names);
      timeseries->prepare();
      for (size_t i = 0; i < runs.size(); ++i) {
        runs[i]->series = std::make_unique<store::SeriesSampler>(uint32_t(i), *timeseries, tc.host_step,
                                                                runs[i]->source->isFile());
        runs[i]->engine->addTickObserver(runs[i]->series.get());
      }
    }
    if (opt.web.enabled) {
      std::vector<web::WebInterface> ifaces;
      for (auto& r : runs) ifaces.push_back({r->engine->name(), &r->snapshots});
      web::WebOptions wo = opt.web.options;
      wo.settings = &shared.settings;
      wo.aliases = &shared.aliases;
      wo.name_store = shared.name_store.get();
      wo.timeseries = timeseries.get();
      web_server = std::make_unique<web::WebServer>(wo, std::move(ifaces));
      try {
        web_server->start();  // before -U: the ports may be privileged
        // Stored preferences apply from the start, except where the command line says otherwise.
        if (shared.settings.generation() > 0) {
          RuntimeSettings s = shared.settings.current();
          if (opt.lifecycle.flow_idle_s) s.flow_idle_s.reset();
          if (opt.lifecycle.tcp_closed_s) s.tcp_closed_s.reset();
          if (opt.lifecycle.local_host_idle_s) s.local_host_idle_s.reset();
          if (opt.lifecycle.remote_host_idle_s) s.remote_host_idle_s.reset();
          if (opt.name_mode) s.name_mode.reset();
          shared.settings.publish(s);
        }
        if (!opt.quiet) std::fprintf(stderr, "netlens: web interface on %s\n", opt.web.describe().c_str());
      } catch (const std::exception& e) {
        if (opt.web.explicitly_requested) throw;
        // Only the default port was wanted: carry on without the web interface.
        std::fprintf(stderr, "netlens: web interface disabled: %s\n", e.what());
        web_server.reset();
      }
    }
    if (!opt.user.empty() && timeseries) timeseries->giveTo(opt.user);  // it writes after -U
    if (!opt.user.empty()) dropPrivileges(opt.user);
    if (timeseries) timeseries->start();  // the writer thread runs without privileges
  } catch (const std::exception& e) {
    std::fprintf(stderr, "netlens: %s\n", e.what());
    // No dump is written: remove the files created for it.
    if (!opt.dump_json.empty() && (merged.is_open() || runs.size() == 1)) std::remove(opt.dump_json.c_str());
    return 1;
  }

  bool any_file = false;
  for (auto& r : runs) any_file |= r->source->isFile();
  if (any_file) waitForSubscribers(exporters, opt.flow_io.zmq_export_wait_s, opt.quiet);
  for (auto& r : runs) r->thread = std::thread(packetLoop, std::ref(*r), std::ref(shared), std::cref(opt));

  bool has_files = false;
  for (auto& r : runs) has_files |= r->source->isFile();
  timespec wait{0, 100'000'000};
  for (;;) {
    const int sig = sigtimedwait(&signals, nullptr, &wait);
    if (sig == SIGHUP) {
      shared.reload_generation.fetch_add(1);
      if (!opt.quiet) std::fprintf(stderr, "netlens: SIGHUP: reloading nDPI definitions\n");
      continue;
    }
    if (sig == SIGINT || sig == SIGTERM) break;
    bool files_done = true, every_source_failed = true;
    for (auto& r : runs) {
      if (r->source->isFile()) files_done &= r->input_done.load();
      every_source_failed &= r->input_done.load() && r->failed;
    }
    if (opt.shutdown_when_done && has_files && files_done) break;
    if (every_source_failed) break;  // nothing left to show
  }
  if (web_server) web_server->stop();
  shared.stop = true;
  for (auto& r : runs) r->thread.join();
  if (timeseries) timeseries->stop();  // writes what is still queued

  // The exporters send what is still queued (and wait for it to leave); then the last status
  // lines and the dumps tell what was sent. (The packet threads are over: the engines are read
  // here alone.)
  for (auto& e : exporters) e->stop();
  for (auto& r : runs) {
    if (!opt.quiet) printStatus(*r, " (end)");
    if (r->dump) r->dump->finish(*r->engine);
  }
  int rc = 0;
  for (auto& r : runs) rc |= r->failed ? 1 : 0;
  if (runs.size() > 1 && !opt.dump_json.empty() && !mergeDumps(merged, runs)) {
    std::fprintf(stderr, "netlens: cannot write %s\n", opt.dump_json.c_str());
    rc = 1;
  }
  return rc;
}

}  // namespace netlens
