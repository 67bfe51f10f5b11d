#pragma once
// What netlens adds to the addresses it sees, loaded once at start and shared read-only by
// every interface and reader: geolocation and AS numbers (GeoDatabases), MAC vendors (OuiTable).
#include <memory>
#include <string>

#include "enrich/geoip.hpp"
#include "enrich/oui.hpp"

namespace netlens {

struct Enrichment {
  std::shared_ptr<const GeoDatabases> geo;  // never null (possibly empty)
  std::shared_ptr<const OuiTable> oui;      // never null (possibly empty)
  std::string geoip_dir;
};

// Opens the databases of `geoip_dir` and the IEEE listings of `ieee_dir`, and says once on
// stderr what was found (or that netlens runs without), unless quiet (then only problems).
std::shared_ptr<const Enrichment> loadEnrichment(const std::string& geoip_dir, const std::string& ieee_dir, bool quiet);

}  // namespace netlens
