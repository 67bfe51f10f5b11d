#include "web/auth/user.hpp"

#include <algorithm>

namespace netlens::web {

std::string_view roleName(Role role) { return role == Role::Admin ? "administrator" : "viewer"; }

std::optional<Role> parseRole(std::string_view text) {
  if (text == "administrator" || text == "admin") return Role::Admin;
  if (text == "viewer") return Role::Viewer;
  return std::nullopt;
}

bool User::canSeeInterface(std::string_view interface_name) const {
  return allowed_interfaces.empty() ||
         std::find(allowed_interfaces.begin(), allowed_interfaces.end(), interface_name) !=
             allowed_interfaces.end();
}

bool User::canSeeAddress(const IpAddress& address) const {
  if (allowed_networks.empty()) return true;
  return std::any_of(allowed_networks.begin(), allowed_networks.end(),
                     [&](const Cidr& net) { return net.contains(address); });
}

}  // namespace netlens::web
