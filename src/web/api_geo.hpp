#pragma once
// The REST API for autonomous systems and countries (entities with their own totals, kept by
// the engine) and for the geo map: live queries, run on the interface's packet thread.
#include "web/api_v1.hpp"

namespace netlens::web {

ApiResult apiAsns(const QueryView& s, const Params& p, const Visibility& v);
ApiResult apiAsn(const QueryView& s, const std::string& asn, const Visibility& v);
ApiResult apiCountries(const QueryView& s, const Params& p, const Visibility& v);
ApiResult apiCountry(const QueryView& s, const std::string& code, const Visibility& v);
// Located hosts (top by traffic) and the flows between them, for the world map.
ApiResult apiGeoMap(const QueryView& s, const Params& p, const Visibility& v);

}  // namespace netlens::web
