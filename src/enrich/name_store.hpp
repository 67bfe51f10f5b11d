#pragma once
// NameStore: what netlens keeps about hosts across restarts, over a KvStore (embedded SQLite
// under the data directory, or Redis with -r): the aliases administrators set, the reverse
// resolver's answers with their expiry, and the state of purged local hosts. Keys:
//   netlens:alias:<ip>@<vlan>            -> alias
//   netlens:dns:<ip>                     -> "<expires_unix>|<name>" (expires with the answer)
//   netlens:host:<interface>:<ip>@<vlan> -> saved host state (see HostState)
//   netlens:pref:<key>                   -> a preference's JSON value (Redis only: see WebAuth)
// Thread-safe; may block briefly (never used on a packet thread).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "enrich/alias_table.hpp"
#include "store/kv_store.hpp"

namespace netlens::enrich {

struct StoredName {
  IpAddress ip;
  std::string name;  // empty: the DNS has none
  int64_t expires_unix = 0;
};

// What a local host had when it was purged; given back when it comes back.
struct HostState {
  uint64_t first_seen_us = 0;
  uint64_t sent_packets = 0, sent_bytes = 0, received_packets = 0, received_bytes = 0;
  uint64_t flows_as_client = 0, flows_as_server = 0;
  std::string encode() const;
  static std::optional<HostState> decode(const std::string& text);
};

class NameStore {
 public:
  explicit NameStore(std::unique_ptr<store::KvStore> kv) : kv_(std::move(kv)) {}

  AliasMap loadAliases();
  bool setAlias(const IpAddress& ip, uint16_t vlan, const std::string& alias);
  bool removeAlias(const IpAddress& ip, uint16_t vlan);

  std::vector<StoredName> loadResolved(int64_t now_unix);  // unexpired answers only
  void saveResolved(const IpAddress& ip, const std::string& name, int64_t expires_unix);

  void saveHost(const std::string& iface, const IpAddress& ip, uint16_t vlan, const HostState& s, int64_t ttl_s);
  // Takes the saved state (it is removed: a host comes back once).
  std::optional<HostState> takeHost(const std::string& iface, const IpAddress& ip, uint16_t vlan);

  // Preferences (key -> JSON text), mirrored here when the store is shared (Redis).
  std::vector<std::pair<std::string, std::string>> loadPreferences();
  bool setPreference(const std::string& key, const std::string& json);
  bool removePreference(const std::string& key);

  store::KvStatus status() { return kv_->status(); }

 private:
  std::unique_ptr<store::KvStore> kv_;
};

}  // namespace netlens::enrich
