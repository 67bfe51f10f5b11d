#pragma once
#include <string>

namespace netlens {

// Switches to an unprivileged user (like ntopng's -U). Throws std::runtime_error on failure.
void dropPrivileges(const std::string& user);

}  // namespace netlens
