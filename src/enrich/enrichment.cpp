#include "enrich/enrichment.hpp"

#include <cstdio>
#include <filesystem>

namespace netlens {

std::shared_ptr<const Enrichment> loadEnrichment(const std::string& geoip_dir, const std::string& ieee_dir, bool quiet) {
  auto e = std::make_shared<Enrichment>();
  e->geoip_dir = geoip_dir;
  std::vector<std::string> problems;
  e->geo = GeoDatabases::openDir(geoip_dir, &problems);
  for (const std::string& p : problems) std::fprintf(stderr, "netlens: GeoIP database left out: %s\n", p.c_str());
  if (e->geo->empty()) {
    std::fprintf(stderr,
                 "netlens: no GeoIP database in %s: hosts have no country, city or AS number (scripts/install-geoip.sh "
                 "installs the default ones; --geoip-dir DIR names another directory)\n",
                 geoip_dir.c_str());
  } else if (!quiet) {
    std::string list;
    for (const std::string& d : e->geo->describe()) list += (list.empty() ? "" : ", ") + d;
    std::fprintf(stderr, "netlens: geolocation from %s: %s\n", geoip_dir.c_str(), list.c_str());
  }
  e->oui = OuiTable::loadDirLazily(ieee_dir);
  if (!std::filesystem::exists(ieee_dir + "/oui.csv"))
    std::fprintf(stderr, "netlens: no IEEE OUI listing in %s (Debian package ieee-data): no MAC vendors\n", ieee_dir.c_str());
  return e;
}

}  // namespace netlens
