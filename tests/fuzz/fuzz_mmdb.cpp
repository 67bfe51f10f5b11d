// libFuzzer target for the MaxMind DB record reader (src/enrich/mmdb_record.cpp): arbitrary
// bytes as a data section, read from the offset in the first two bytes. The bytes are copied
// into a buffer of exactly their size so AddressSanitizer reports any read past it. Checks what
// the reader promises: every text it returns lies inside the data section.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "enrich/mmdb_record.hpp"

namespace {

void require(bool condition) {
  if (!condition) __builtin_trap();
}

void inside(const netlens::MmdbText& t, size_t size) {
  require(t.empty() || (t.offset <= size && t.length <= size - t.offset));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint32_t offset = uint32_t(data[0]) << 8 | data[1];
  std::vector<uint8_t> section(data + 2, data + size);
  const netlens::MmdbRecord r = netlens::readMmdbRecord(section.data(), section.size(), offset);
  for (const netlens::MmdbText& t : {r.country_name, r.registered_country_name, r.city, r.as_name}) inside(t, section.size());
  return 0;
}
