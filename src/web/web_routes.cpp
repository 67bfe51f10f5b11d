#include "web/web_routes.hpp"

#include <charconv>
#include <memory>

#include "web/web_auth.hpp"

namespace netlens::web {

void send(httplib::Response& res, const ApiResult& r) {
  res.status = r.status;
  res.set_content(r.body, "application/json");
}

void answerOnPacketThread(const std::vector<WebInterface>& interfaces, const httplib::Request& req,
                          httplib::Response& res, InterfaceQuery api) {
  const std::string& text = req.matches[1];
  int id = -1;
  std::from_chars(text.data(), text.data() + text.size(), id);
  if (id < 0 || size_t(id) >= interfaces.size() || !WebAuth::current().user.canSeeInterface(interfaces[size_t(id)].name))
    return send(res, apiError(404, "no interface " + text + " (see /api/v1/interfaces)"));
  auto result = std::make_shared<ApiResult>();
  auto job = [result, api = std::move(api), vis = WebAuth::visibility()](const NetworkInterface& iface) {
    *result = api(iface, vis);
  };
  if (!interfaces[size_t(id)].snapshots->run(std::move(job)))
    return send(res, apiError(503, "interface " + text + " has not answered yet; try again"));
  send(res, *result);
}

}  // namespace netlens::web
