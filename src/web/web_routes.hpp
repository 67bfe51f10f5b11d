#pragma once
// What the route handlers of the web server share: sending an API answer, and answering on an
// interface's packet thread (between two packets, over its live tables, nothing copied).
#include <httplib.h>

#include <functional>
#include <vector>

#include "web/api_v1.hpp"
#include "web/web_server.hpp"

namespace netlens::web {

void send(httplib::Response& res, const ApiResult& r);

// The interface is the request's first match ({id} of /api/v1/interfaces/{id}/...): 404 when
// there is none or the user may not see it, 503 when its packet thread has not answered in time.
using InterfaceQuery = std::function<ApiResult(const NetworkInterface&, const Visibility&)>;
void answerOnPacketThread(const std::vector<WebInterface>& interfaces, const httplib::Request& req,
                          httplib::Response& res, InterfaceQuery api);

}  // namespace netlens::web
