#pragma once
// What every REST API route shares: parameters, paging and sorting on the server, errors.
#include <algorithm>
#include <charconv>
#include <string>
#include <strings.h>
#include <vector>

#include "core/json_writer.hpp"
#include "web/api_v1.hpp"

namespace netlens::web::api_params {

struct BadRequest {
  std::string message;
};

inline const std::string* param(const Params& p, const std::string& name) {
  auto it = p.find(name);
  return it == p.end() ? nullptr : &it->second;
}

inline uint64_t numberParam(const Params& p, const std::string& name, uint64_t def, uint64_t min, uint64_t max) {
  const std::string* v = param(p, name);
  if (!v) return def;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || end != v->data() + v->size() || v->empty() || n < min || n > max)
    throw BadRequest{"parameter '" + name + "' must be a number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", not '" + *v + "'"};
  return n;
}

struct Paging {
  uint64_t page = 1, per_page = 50;
  bool descending = true;
  std::string sort;
};

inline Paging paging(const Params& p, const std::vector<std::string>& sort_keys, const std::string& default_sort) {
  Paging g;
  g.page = numberParam(p, "page", 1, 1, 1'000'000'000);
  g.per_page = numberParam(p, "per_page", 50, 1, 1000);
  g.sort = default_sort;
  if (const std::string* s = param(p, "sort")) {
    if (std::find(sort_keys.begin(), sort_keys.end(), *s) == sort_keys.end()) {
      std::string keys;
      for (const auto& k : sort_keys) keys += (keys.empty() ? "" : ", ") + k;
      throw BadRequest{"cannot sort by '" + *s + "'; sort by one of: " + keys};
    }
    g.sort = *s;
  }
  if (const std::string* o = param(p, "order")) {
    if (*o != "asc" && *o != "desc") throw BadRequest{"parameter 'order' must be 'asc' or 'desc'"};
    g.descending = *o == "desc";
  }
  return g;
}

// Sorts the rows by the key and keeps the page. Equal keys are ordered by the row's identity,
// so that consecutive pages neither repeat nor skip rows.
template <typename Row, typename Less, typename Identity>
inline std::vector<const Row*> page(std::vector<const Row*> rows, const Paging& g, Less less, Identity identity) {
  auto cmp = [&](const Row* a, const Row* b) {
    if (g.descending ? less(*b, *a) : less(*a, *b)) return true;
    if (g.descending ? less(*a, *b) : less(*b, *a)) return false;
    return identity(*a) < identity(*b);
  };
  const uint64_t first = (g.page - 1) * g.per_page;
  if (first >= rows.size()) return {};
  const uint64_t last = std::min<uint64_t>(rows.size(), first + g.per_page);
  std::partial_sort(rows.begin(), rows.begin() + long(last), rows.end(), cmp);
  return std::vector<const Row*>(rows.begin() + long(first), rows.begin() + long(last));
}

inline bool containsNoCase(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (strncasecmp(hay.data() + i, needle.data(), needle.size()) == 0) return true;
  return false;
}

inline std::string ipText(const IpAddress& ip) {
  char buf[48];
  return std::string(buf, ip.format(buf));
}

template <typename F>
inline ApiResult guarded(F&& f) {
  try {
    return f();
  } catch (const BadRequest& e) {
    return apiError(400, e.message);
  }
}

inline void pagingFields(JsonWriter& w, uint64_t total, const Paging& g) {
  w.field("total", total).field("page", g.page).field("per_page", g.per_page).field("sort", g.sort);
  w.field("order", g.descending ? "desc" : "asc");
}

}  // namespace netlens::web::api_params
