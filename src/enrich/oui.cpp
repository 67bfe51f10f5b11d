#include "enrich/oui.hpp"

#include <algorithm>
#include <fstream>
#include <unordered_map>

namespace netlens {

namespace {

constexpr int kBits[3] = {36, 28, 24};

// Splits one CSV line (quoted fields may hold commas; "" is a quote).
std::vector<std::string> csvFields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  return s.substr(b);
}

}  // namespace

std::shared_ptr<OuiTable> OuiTable::loadDir(const std::string& dir) {
  auto t = std::make_shared<OuiTable>();
  for (const char* f : {"oui.csv", "mam.csv", "oui36.csv", "iab.csv"}) t->loadCsv(dir + "/" + f);
  return t;
}

std::shared_ptr<OuiTable> OuiTable::loadDirLazily(const std::string& dir) {
  auto t = std::make_shared<OuiTable>();
  t->lazy_dir_ = dir;
  return t;
}

void OuiTable::loadPending() const {
  if (lazy_dir_.empty()) return;
  std::call_once(lazy_once_, [this] {
    auto* self = const_cast<OuiTable*>(this);  // loading is the one write, once, before any read
    for (const char* f : {"oui.csv", "mam.csv", "oui36.csv", "iab.csv"}) self->loadCsv(lazy_dir_ + "/" + f);
  });
}

bool OuiTable::loadCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return false;
  std::unordered_map<std::string, uint32_t> known;  // names are shared by many blocks
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {
      first = false;
      if (line.rfind("Registry,", 0) == 0) continue;
    }
    if (line.empty()) continue;
    const auto f = csvFields(line);
    if (f.size() < 3) {
      ++malformed_;
      continue;
    }
    const std::string& hex = f[1];
    int slot = hex.size() == 9 ? 0 : hex.size() == 7 ? 1 : hex.size() == 6 ? 2 : -1;
    uint64_t prefix = 0;
    for (char c : hex) {
      const int v = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (v < 0) slot = -1;
      prefix = prefix << 4 | uint64_t(v < 0 ? 0 : v);
    }
    const std::string name = trim(f[2]);
    if (slot < 0 || name.empty()) {
      ++malformed_;
      continue;
    }
    auto [it, added] = known.emplace(name, uint32_t(names_.size()));
    if (added) names_ += name;
    blocks_[size_t(slot)].push_back({prefix, it->second, uint32_t(name.size())});
  }
  finish();
  return true;
}

void OuiTable::finish() {
  for (auto& b : blocks_) {
    std::stable_sort(b.begin(), b.end());
    // A block listed twice keeps its first name.
    b.erase(std::unique(b.begin(), b.end(), [](const Block& x, const Block& y) { return x.prefix == y.prefix; }), b.end());
  }
}

std::string_view OuiTable::vendor(const std::array<uint8_t, 6>& mac) const {
  loadPending();
  uint64_t m = 0;
  for (uint8_t b : mac) m = m << 8 | b;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const uint64_t prefix = m >> (48 - kBits[i]);
    const auto& v = blocks_[i];
    auto it = std::lower_bound(v.begin(), v.end(), Block{prefix, 0, 0});
    if (it != v.end() && it->prefix == prefix) return std::string_view(names_).substr(it->name_offset, it->name_length);
  }
  return {};
}

}  // namespace netlens
