#pragma once
// User: who is logged in, what they may do (role) and what they may see (interfaces, networks).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cidr.hpp"
#include "core/ip_address.hpp"

namespace netlens::web {

enum class Role { Admin, Viewer };

// "administrator" / "viewer": the names used in the database and the API.
std::string_view roleName(Role role);
// Accepts the names above (and "admin"); nullopt for anything else.
std::optional<Role> parseRole(std::string_view text);

struct User {
  std::string name;
  Role role = Role::Viewer;
  bool must_change_password = false;
  // Empty: no restriction. A restriction applies whatever the role, but an administrator can
  // lift their own, so on an administrator it is a view filter rather than a security boundary.
  std::vector<std::string> allowed_interfaces;
  std::vector<Cidr> allowed_networks;
  int64_t created_unix = 0;  // seconds since the epoch
  int64_t updated_unix = 0;

  bool isAdmin() const { return role == Role::Admin; }
  bool canSeeInterface(std::string_view interface_name) const;
  bool canSeeAddress(const IpAddress& address) const;
  // A flow is visible when either endpoint is (as in ntopng's allowed networks).
  bool canSeeFlow(const IpAddress& client, const IpAddress& server) const {
    return canSeeAddress(client) || canSeeAddress(server);
  }
};

}  // namespace netlens::web
