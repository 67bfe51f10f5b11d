#include "enrich/host_names.hpp"

namespace netlens::enrich {

const char* nameSourceName(NameSource s) {
  switch (s) {
    case NameSource::Dhcp: return "dhcp";
    case NameSource::Mdns: return "mdns";
    case NameSource::Netbios: return "netbios";
    case NameSource::Resolver: return "resolver";
    case NameSource::Dns: return "dns";
    case NameSource::TlsSni: return "tls_sni";
    case NameSource::HttpHost: return "http_host";
    case NameSource::Count: break;
  }
  return "unknown";
}

}  // namespace netlens::enrich

#include "enrich/name_config.hpp"

namespace netlens::enrich {

const char* nameModeName(NameMode m) {
  switch (m) {
    case NameMode::Decode: return "decode";
    case NameMode::ResolveLocal: return "local";
    case NameMode::ResolveAll: return "all";
    case NameMode::None: return "none";
  }
  return "decode";
}

std::optional<NameMode> parseNameMode(std::string_view t) {
  if (t == "decode" || t == "2") return NameMode::Decode;
  if (t == "local" || t == "0") return NameMode::ResolveLocal;
  if (t == "all" || t == "1") return NameMode::ResolveAll;
  if (t == "none" || t == "3") return NameMode::None;
  return std::nullopt;
}

}  // namespace netlens::enrich
