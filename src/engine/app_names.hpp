#pragma once
// AppNameIndex: nDPI protocols by name, for applications that probes name ("TLS.Google",
// "DNS"): names are what two nDPI builds (or two sets of custom protocols) agree on, numbers
// are not. Built from the engine's current NameTable and rebuilt when it changes (SIGHUP).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/ndpi_classifier.hpp"

namespace netlens {

class AppNameIndex {
 public:
  // "master.app" or "app" in the ids of `names`; nullopt when a part names no protocol.
  std::optional<AppProtocol> find(const std::shared_ptr<const NameTable>& names, std::string_view full_name);

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::shared_ptr<const NameTable> names_;
  std::unordered_map<std::string_view, uint16_t, Hash, std::equal_to<>> ids_;        // views into names_
  std::unordered_map<std::string, std::optional<AppProtocol>, Hash, std::equal_to<>> full_;  // bounded cache
};

}  // namespace netlens
