#include "engine/app_names.hpp"

namespace netlens {

std::optional<AppProtocol> AppNameIndex::find(const std::shared_ptr<const NameTable>& names, std::string_view full_name) {
  if (names != names_) {
    names_ = names;
    ids_.clear();
    full_.clear();
    for (size_t id = 0; id < names_->protocols.size(); ++id) ids_.emplace(names_->protocols[id], uint16_t(id));
  }
  if (auto it = full_.find(full_name); it != full_.end()) return it->second;
  auto idOf = [&](std::string_view n) -> std::optional<uint16_t> {
    auto it = ids_.find(n);
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  };
  std::optional<AppProtocol> p;
  const size_t dot = full_name.find('.');
  if (dot == std::string_view::npos) {
    if (auto app = idOf(full_name)) p = AppProtocol{0, *app};
  } else if (auto master = idOf(full_name.substr(0, dot)), app = idOf(full_name.substr(dot + 1)); master && app) {
    p = AppProtocol{*master, *app};
  }
  if (p) p->category = names_->protocolCategory(p->accounted());
  if (full_.size() < 4096) full_.emplace(std::string(full_name), p);
  return p;
}

}  // namespace netlens
