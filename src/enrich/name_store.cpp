#include "enrich/name_store.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace netlens::enrich {

namespace {
const std::string kAlias = "netlens:alias:";
const std::string kDns = "netlens:dns:";
const std::string kHost = "netlens:host:";
const std::string kPref = "netlens:pref:";

std::string hostKey(const IpAddress& ip, uint16_t vlan) { return ip.toString() + "@" + std::to_string(vlan); }

bool parseHostKey(std::string_view text, IpAddress& ip, uint16_t& vlan) {
  const auto at = text.rfind('@');
  if (at == std::string_view::npos) return false;
  const auto parsed = IpAddress::parse(text.substr(0, at));
  if (!parsed) return false;
  unsigned v = 0;
  const std::string_view vt = text.substr(at + 1);
  auto [end, ec] = std::from_chars(vt.data(), vt.data() + vt.size(), v);
  if (ec != std::errc() || end != vt.data() + vt.size() || v > 4095) return false;
  ip = *parsed;
  vlan = uint16_t(v);
  return true;
}
}  // namespace

std::string HostState::encode() const {
  char buf[200];
  std::snprintf(buf, sizeof buf, "1 %llu %llu %llu %llu %llu %llu %llu", (unsigned long long)first_seen_us,
                (unsigned long long)sent_packets, (unsigned long long)sent_bytes, (unsigned long long)received_packets,
                (unsigned long long)received_bytes, (unsigned long long)flows_as_client, (unsigned long long)flows_as_server);
  return buf;
}

std::optional<HostState> HostState::decode(const std::string& text) {
  HostState s;
  unsigned long long v[7];
  int version = 0;
  if (std::sscanf(text.c_str(), "%d %llu %llu %llu %llu %llu %llu %llu", &version, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                  &v[6]) != 8 ||
      version != 1)
    return std::nullopt;
  s.first_seen_us = v[0];
  s.sent_packets = v[1];
  s.sent_bytes = v[2];
  s.received_packets = v[3];
  s.received_bytes = v[4];
  s.flows_as_client = v[5];
  s.flows_as_server = v[6];
  return s;
}

std::vector<std::pair<std::string, std::string>> NameStore::loadPreferences() {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [key, value] : kv_->scan(kPref)) out.emplace_back(key.substr(kPref.size()), std::move(value));
  return out;
}
bool NameStore::setPreference(const std::string& key, const std::string& json) { return kv_->set(kPref + key, json); }
bool NameStore::removePreference(const std::string& key) { return kv_->remove(kPref + key); }

AliasMap NameStore::loadAliases() {
  AliasMap m;
  for (const auto& [key, value] : kv_->scan(kAlias)) {
    IpAddress ip;
    uint16_t vlan = 0;
    if (parseHostKey(std::string_view(key).substr(kAlias.size()), ip, vlan) && !value.empty()) m[AliasKey{ip, vlan}] = value;
  }
  return m;
}

bool NameStore::setAlias(const IpAddress& ip, uint16_t vlan, const std::string& alias) {
  return kv_->set(kAlias + hostKey(ip, vlan), alias);
}

bool NameStore::removeAlias(const IpAddress& ip, uint16_t vlan) { return kv_->remove(kAlias + hostKey(ip, vlan)); }

std::vector<StoredName> NameStore::loadResolved(int64_t now_unix) {
  std::vector<StoredName> out;
  for (const auto& [key, value] : kv_->scan(kDns)) {
    const auto ip = IpAddress::parse(std::string_view(key).substr(kDns.size()));
    const auto bar = value.find('|');
    if (!ip || bar == std::string::npos) continue;
    int64_t expires = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + bar, expires);
    if (ec != std::errc() || end != value.data() + bar || expires <= now_unix) continue;
    out.push_back({*ip, value.substr(bar + 1), expires});
  }
  return out;
}

void NameStore::saveResolved(const IpAddress& ip, const std::string& name, int64_t expires_unix) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (expires_unix <= now) return;
  kv_->set(kDns + ip.toString(), std::to_string(expires_unix) + "|" + name, expires_unix - now);
}

void NameStore::saveHost(const std::string& iface, const IpAddress& ip, uint16_t vlan, const HostState& s, int64_t ttl_s) {
  kv_->set(kHost + iface + ":" + hostKey(ip, vlan), s.encode(), ttl_s);
}

std::optional<HostState> NameStore::takeHost(const std::string& iface, const IpAddress& ip, uint16_t vlan) {
  const std::string key = kHost + iface + ":" + hostKey(ip, vlan);
  auto v = kv_->get(key);
  if (!v) return std::nullopt;
  kv_->remove(key);
  return HostState::decode(*v);
}

}  // namespace netlens::enrich
