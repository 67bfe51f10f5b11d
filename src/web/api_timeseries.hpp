#pragma once
// REST routes of the time series and host activity maps (read from the files on the web
// threads; the packet threads are not involved).
#include <vector>

#include "web/web_server.hpp"

namespace httplib {
class Server;
}

namespace netlens::web {

void registerTimeseriesRoutes(httplib::Server& s, const std::vector<WebInterface>& interfaces,
                              const store::TimeseriesStore* store);

}  // namespace netlens::web
