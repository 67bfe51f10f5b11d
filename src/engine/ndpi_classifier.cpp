#include "engine/ndpi_classifier.hpp"

#include <cstring>
#include <stdexcept>

namespace netlens {

// One nDPI detection module with the custom definitions loaded.
class NdpiModule {
 public:
  explicit NdpiModule(const NdpiConfig& config) {
    mod_ = ndpi_init_detection_module(ndpi_no_prefs);
    if (mod_ == nullptr) throw std::runtime_error("nDPI: cannot initialise the detection module");
    NDPI_PROTOCOL_BITMASK all;
    NDPI_BITMASK_SET_ALL(all);
    ndpi_set_protocol_detection_bitmask2(mod_, &all);
    // Custom definitions must be loaded before the module is finalised.
    if (!config.protocols_file.empty() &&
        ndpi_load_protocols_file(mod_, config.protocols_file.c_str()) != 0) {
      ndpi_exit_detection_module(mod_);
      throw std::runtime_error("nDPI: cannot load protocols file " + config.protocols_file);
    }
    if (!config.categories_file.empty() &&
        ndpi_load_categories_file(mod_, config.categories_file.c_str()) < 0) {
      ndpi_exit_detection_module(mod_);
      throw std::runtime_error("nDPI: cannot load categories file " + config.categories_file);
    }
    ndpi_finalize_initialization(mod_);
  }
  ~NdpiModule() { ndpi_exit_detection_module(mod_); }
  NdpiModule(const NdpiModule&) = delete;
  NdpiModule& operator=(const NdpiModule&) = delete;

  ndpi_detection_module_struct* get() const { return mod_; }
  uint64_t users = 0;  // inspections still running on this module

 private:
  ndpi_detection_module_struct* mod_ = nullptr;
};

namespace {
AppProtocol fromNdpi(const ndpi_protocol& p) {
  return AppProtocol{p.master_protocol, p.app_protocol, uint16_t(p.category), 0};
}
bool isTlsLike(const AppProtocol& p) {
  auto tls = [](uint16_t id) {
    return id == NDPI_PROTOCOL_TLS || id == NDPI_PROTOCOL_QUIC || id == NDPI_PROTOCOL_DTLS;
  };
  return tls(p.master) || tls(p.app);
}
}  // namespace

NdpiClassifier::NdpiClassifier(NdpiConfig config)
    : config_(std::move(config)), current_(std::make_shared<NdpiModule>(config_)) {
  cacheNames();
}

void NdpiClassifier::cacheNames() {
  auto t = std::make_shared<NameTable>();
  const uint16_t n = uint16_t(ndpi_get_num_supported_protocols(current_->get()));
  t->protocols.reserve(n);
  for (uint16_t id = 0; id < n; ++id) {
    const char* name = ndpi_get_proto_name(current_->get(), id);
    t->protocols.emplace_back(name ? name : "Unknown");
    ndpi_protocol p{NDPI_PROTOCOL_UNKNOWN, id, NDPI_PROTOCOL_CATEGORY_UNSPECIFIED};
    t->default_categories.push_back(uint16_t(ndpi_get_proto_category(current_->get(), p)));
  }
  for (int c = 0; c < NDPI_PROTOCOL_NUM_CATEGORIES; ++c) {
    const char* name = ndpi_category_get_name(current_->get(), ndpi_protocol_category_t(c));
    t->categories.emplace_back(name ? name : "Unspecified");
  }
  t->retired = retired_names_;
  names_ = std::move(t);
}

std::string_view NameTable::fullName(const AppProtocol& p, std::string& scratch) const {
  if (p.master != NDPI_PROTOCOL_UNKNOWN && p.master != p.app) {
    if (p.app == NDPI_PROTOCOL_UNKNOWN) return protocol(p.master);
    scratch.assign(protocol(p.master));
    scratch.push_back('.');
    scratch.append(protocol(p.app));
    return scratch;
  }
  return protocol(p.app);
}

NdpiClassifier::~NdpiClassifier() {
  for (Inspection* s : free_list_) delete s;
}

Inspection* NdpiClassifier::begin() {
  Inspection* s;
  if (!free_list_.empty()) {
    s = free_list_.back();
    free_list_.pop_back();
  } else {
    s = new Inspection;
  }
  std::memset(&s->ndpi, 0, sizeof(s->ndpi));
  s->module = current_.get();
  ++s->module->users;
  ++live_inspections_;
  return s;
}

AppProtocol NdpiClassifier::process(Inspection* s, const uint8_t* l3, uint32_t l3_len, uint64_t time_ms) {
  const uint16_t len = l3_len > 0xFFFF ? 0xFFFF : uint16_t(l3_len);
  return fromNdpi(ndpi_detection_process_packet(s->module->get(), &s->ndpi, l3, len, time_ms));
}

AppProtocol NdpiClassifier::guess(uint8_t l4_proto, const IpAddress& src, uint16_t sport, const IpAddress& dst,
                                  uint16_t dport) const {
  const uint32_t s4 = src.isV4() ? src.v4HostOrder() : 0, d4 = dst.isV4() ? dst.v4HostOrder() : 0;
  AppProtocol p = fromNdpi(ndpi_guess_undetected_protocol(current_->get(), nullptr, l4_proto, s4, sport, d4, dport));
  p.confidence = p.app || p.master ? uint8_t(NDPI_CONFIDENCE_MATCH_BY_PORT) : uint8_t(NDPI_CONFIDENCE_UNKNOWN);
  return p;
}

bool NdpiClassifier::wantsMore(Inspection* s) {
  return ndpi_extra_dissection_possible(s->module->get(), &s->ndpi) != 0;
}

AppProtocol NdpiClassifier::giveUp(Inspection* s) {
  uint8_t guessed = 0;
  return fromNdpi(ndpi_detection_giveup(s->module->get(), &s->ndpi, 1, &guessed));
}

std::shared_ptr<const FlowDetails> NdpiClassifier::details(Inspection* s, const AppProtocol& proto) {
  const ndpi_flow_struct& f = s->ndpi;
  auto d = std::make_shared<FlowDetails>();
  d->server_name.assign(f.host_server_name, strnlen(f.host_server_name, sizeof(f.host_server_name)));
  if (f.http.url) d->url = f.http.url;
  if (f.http.user_agent) d->user_agent = f.http.user_agent;
  if (f.http.content_type) d->content_type = f.http.content_type;
  d->http_status = f.http.response_status_code;
  if (isTlsLike(proto)) {
    if (f.protos.tls_quic.ssl_version) {
      char buf[32];
      uint8_t unknown = 0;
      d->tls_version = ndpi_ssl_version2str(buf, sizeof(buf), f.protos.tls_quic.ssl_version, &unknown);
    }
    d->ja3_client.assign(f.protos.tls_quic.ja3_client, strnlen(f.protos.tls_quic.ja3_client, 33));
    d->ja3_server.assign(f.protos.tls_quic.ja3_server, strnlen(f.protos.tls_quic.ja3_server, 33));
  }
  ndpi_protocol np{proto.master, proto.app, ndpi_protocol_category_t(proto.category)};
  if (const char* info = ndpi_get_flow_info(&f, &np); info && *info) d->info = info;
  d->risk = f.risk;
  if (f.risk) {
    uint16_t cli = 0, srv = 0;
    d->risk_score = ndpi_risk2score(f.risk, &cli, &srv);
  }
  const bool empty = d->server_name.empty() && d->url.empty() && d->user_agent.empty() &&
                     d->http_status == 0 && d->tls_version.empty() && d->ja3_client.empty() &&
                     d->ja3_server.empty() && d->info.empty() && d->risk == 0;
  if (empty) return nullptr;
  return d;
}

void NdpiClassifier::end(Inspection* s) {
  ndpi_free_flow_data(&s->ndpi);
  NdpiModule* m = s->module;
  s->module = nullptr;
  --live_inspections_;
  if (--m->users == 0 && m != current_.get()) {
    std::erase_if(retired_, [m](const auto& r) { return r.get() == m; });
  }
  free_list_.push_back(s);
}

std::string NdpiClassifier::fullName(const AppProtocol& p) const {
  std::string scratch;
  return std::string(names_->fullName(p, scratch));
}

uint16_t NdpiClassifier::numProtocols() const {
  return uint16_t(ndpi_get_num_supported_protocols(current_->get()));
}

void NdpiClassifier::requestReload() {
  if (pending_.valid()) return;  // one reload at a time
  NdpiConfig cfg = config_;
  pending_ = std::async(std::launch::async, [cfg] { return std::make_shared<NdpiModule>(cfg); });
}

uint16_t NdpiClassifier::idByName(NdpiModule& from, NdpiModule& to, uint16_t id) {
  if (id < NDPI_MAX_SUPPORTED_PROTOCOLS || id >= kRetiredBase) return id;
  const char* name = ndpi_get_proto_name(from.get(), id);
  if (name == nullptr) return id;
  std::string n = name;
  const int now = ndpi_get_protocol_id(to.get(), n.data());
  if (now >= 0) return uint16_t(now);
  for (size_t i = 0; i < retired_names_.size(); ++i)
    if (retired_names_[i] == n) return uint16_t(kRetiredBase + i);
  retired_names_.push_back(n);
  cacheNames();
  return uint16_t(kRetiredBase + retired_names_.size() - 1);
}

AppProtocol NdpiClassifier::toCurrentIds(const Inspection* s, const AppProtocol& p) {
  if (s->module == current_.get()) return p;
  AppProtocol q = p;
  q.master = idByName(*s->module, *current_, p.master);
  q.app = idByName(*s->module, *current_, p.app);
  return q;
}

bool NdpiClassifier::applyReload(std::string* error, std::vector<uint16_t>* remap) {
  if (!pending_.valid() || pending_.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
    return false;
  try {
    auto fresh = pending_.get();
    if (remap) {
      const uint16_t old_count = numProtocols();
      remap->resize(old_count);
      for (uint16_t id = 0; id < old_count; ++id) (*remap)[id] = idByName(*current_, *fresh, id);
    }
    if (current_->users > 0) retired_.push_back(current_);
    current_ = std::move(fresh);
    cacheNames();
    ++reloads_;
  } catch (const std::exception& e) {
    if (error) *error = e.what();
    if (remap) remap->clear();
  }
  return true;
}

}  // namespace netlens
