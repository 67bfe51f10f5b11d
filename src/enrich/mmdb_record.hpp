#pragma once
// One record of a MaxMind DB file's data section, read in a single pass: the fields netlens
// uses, in either layout (MaxMind's nested GeoLite2/GeoIP2 maps, or the flat maps of the
// ip-location-db packages). The format (MaxMind DB File Format 2.0): a control byte with a
// 3-bit type and a 5-bit size (extended types and longer sizes in the bytes that follow),
// pointers to shared values anywhere in the data section, maps of key/value pairs.
//
// Every access is checked against the data section's bounds, nesting is limited, and a
// malformed record reads as far as it is well formed (what was read stays, `malformed` says
// the rest was not). Texts are not copied: they are offsets into the data section.
#include <cstddef>
#include <cstdint>

namespace netlens {

struct MmdbText {
  uint32_t offset = 0;  // in the data section
  uint32_t length = 0;
  bool empty() const { return length == 0; }
};

struct MmdbRecord {
  char country[2] = {0, 0};  // as found (upper-casing and checks are the caller's)
  MmdbText country_name;     // MaxMind layout: country.names.en
  char registered_country[2] = {0, 0};
  MmdbText registered_country_name;
  MmdbText city;             // flat: city; MaxMind: city.names.en
  double latitude = 0, longitude = 0;
  bool has_latitude = false, has_longitude = false;
  uint64_t asn = 0;          // autonomous_system_number; 0: absent
  MmdbText as_name;          // autonomous_system_organization
  bool flat_fields = false;     // country_code, latitude/longitude at the top: the flat layout
  bool maxmind_fields = false;  // country, location, city or registered_country maps
  bool malformed = false;
};

// Reads the map at `offset` of the data section [data, data + size).
MmdbRecord readMmdbRecord(const uint8_t* data, size_t size, uint32_t offset);

}  // namespace netlens
