#include "app/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace netlens {

void dropPrivileges(const std::string& user) {
  const passwd* pw = getpwnam(user.c_str());
  if (!pw) throw std::runtime_error("-U: no such user '" + user + "'");
  if (getuid() == pw->pw_uid && geteuid() == pw->pw_uid) return;
  if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
    throw std::runtime_error("-U: cannot switch to user '" + user + "': " + std::strerror(errno));
  if (setuid(0) == 0) throw std::runtime_error("-U: privileges could not be dropped for good");
}

}  // namespace netlens
