#pragma once
// MAC address vendors from the IEEE registration authority's public listing (Debian's ieee-data:
// oui.csv for MA-L 24-bit blocks, mam.csv for MA-M 28-bit, oui36.csv and iab.csv for 36-bit
// blocks). Loaded once at start into sorted arrays and one block of names; looked up when a host
// is serialised, from any thread (immutable after loading).
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace netlens {

class OuiTable {
 public:
  // Loads every listing found in `dir` (default /usr/share/ieee-data); missing files are
  // skipped, malformed lines counted.
  static std::shared_ptr<OuiTable> loadDir(const std::string& dir);
  // The same, done by the first vendor() (or size()) call, from whichever thread makes it:
  // runs that never show a MAC vendor (a capture file analysed to a dump) do not pay for it.
  static std::shared_ptr<OuiTable> loadDirLazily(const std::string& dir);
  // One CSV file in the IEEE layout (Registry,Assignment,Organization Name,Organization Address).
  bool loadCsv(const std::string& path);

  // The vendor of a MAC address: the most specific block that holds it; empty when unknown.
  std::string_view vendor(const std::array<uint8_t, 6>& mac) const;
  size_t size() const {
    loadPending();
    return blocks_[0].size() + blocks_[1].size() + blocks_[2].size();
  }
  uint64_t malformedLines() const { return malformed_; }

 private:
  struct Block {
    uint64_t prefix;
    uint32_t name_offset;
    uint32_t name_length;
    bool operator<(const Block& o) const { return prefix < o.prefix; }
  };
  void finish();
  void loadPending() const;
  std::string lazy_dir_;
  mutable std::once_flag lazy_once_;
  // 0: 36-bit blocks, 1: 28-bit, 2: 24-bit (most specific first).
  std::array<std::vector<Block>, 3> blocks_;
  std::string names_;
  uint64_t malformed_ = 0;
};

}  // namespace netlens
