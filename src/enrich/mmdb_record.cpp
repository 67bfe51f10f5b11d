#include "enrich/mmdb_record.hpp"

#include <cstring>
#include <string_view>

namespace netlens {

namespace {

enum Type : uint8_t {
  kPointer = 1,
  kUtf8 = 2,
  kDouble = 3,
  kBytes = 4,
  kUint16 = 5,
  kUint32 = 6,
  kMap = 7,
  kInt32 = 8,
  kUint64 = 9,
  kUint128 = 10,
  kArray = 11,
  kContainer = 12,
  kEndMarker = 13,
  kBoolean = 14,
  kFloat = 15,
};

constexpr int kMaxDepth = 16;          // nesting of maps and arrays
constexpr uint32_t kMaxFields = 256;   // entries of one map that are looked at

struct Value {
  uint8_t type = 0;
  uint32_t size = 0;     // bytes of the payload, or entries of a map/array, or a boolean's value
  uint32_t payload = 0;  // offset of the payload (maps, arrays: of the first entry)
  uint32_t target = 0;   // pointers: where the value is
};

class Reader {
 public:
  Reader(const uint8_t* d, size_t n) : d_(d), n_(n) {}

  // The value whose control byte is at `pos`; `pos` moves past the control and size bytes (and
  // past a pointer's bytes: a pointer's value is elsewhere).
  bool header(uint32_t& pos, Value& v) const {
    if (pos >= n_) return false;
    const uint8_t ctrl = d_[pos++];
    v.type = ctrl >> 5;
    if (v.type == kPointer) {
      const unsigned ss = (ctrl >> 3) & 3;
      const uint32_t vvv = ctrl & 7;
      const unsigned len = ss + 1;
      if (!has(pos, len)) return false;
      uint32_t x = 0;
      for (unsigned i = 0; i < len; ++i) x = x << 8 | d_[pos + i];
      pos += len;
      switch (ss) {
        case 0: v.target = vvv << 8 | x; break;
        case 1: v.target = (vvv << 16 | x) + 2048; break;
        case 2: v.target = (vvv << 24 | x) + 526336; break;
        default: v.target = x; break;
      }
      return true;
    }
    if (v.type == 0) {  // extended: the next byte says which
      if (pos >= n_) return false;
      const unsigned ext = d_[pos++];
      if (ext < 1 || ext > 8) return false;
      v.type = uint8_t(7 + ext);
    }
    uint32_t size = ctrl & 0x1F;
    if (size >= 29) {
      const unsigned len = size - 28;  // 1, 2 or 3 bytes
      if (!has(pos, len)) return false;
      uint32_t x = 0;
      for (unsigned i = 0; i < len; ++i) x = x << 8 | d_[pos + i];
      pos += len;
      size = len == 1 ? 29 + x : len == 2 ? 285 + x : 65821 + x;
    }
    v.size = size;
    v.payload = pos;
    return true;
  }

  // The value at `pos`, a pointer followed (pointers to pointers are not allowed).
  bool valueAt(uint32_t pos, Value& v) const {
    if (!header(pos, v)) return false;
    if (v.type != kPointer) return true;
    uint32_t at = v.target;
    return header(at, v) && v.type != kPointer;
  }

  // Moves `pos` past the value there (not into what a pointer points to).
  bool skip(uint32_t& pos, int depth) const {
    Value v;
    if (!header(pos, v)) return false;
    switch (v.type) {
      case kPointer:
      case kBoolean:
        return true;
      case kMap:
      case kArray: {
        if (depth >= kMaxDepth) return false;
        const uint64_t items = v.type == kMap ? uint64_t(v.size) * 2 : v.size;
        for (uint64_t i = 0; i < items; ++i)
          if (!skip(pos, depth + 1)) return false;
        return true;
      }
      case kContainer:
      case kEndMarker:
        return false;  // not in a record
      default:
        if (!has(pos, v.size)) return false;
        pos += v.size;
        return true;
    }
  }

  bool text(const Value& v, MmdbText& t) const {
    if (v.type != kUtf8 || !has(v.payload, v.size)) return false;
    t.offset = v.payload;
    t.length = v.size;
    return true;
  }
  std::string_view view(const Value& v) const {
    if (v.type != kUtf8 || !has(v.payload, v.size)) return {};
    return std::string_view(reinterpret_cast<const char*>(d_ + v.payload), v.size);
  }

  bool number(const Value& v, double& out) const {
    if (!has(v.payload, v.size)) return false;
    const uint8_t* p = d_ + v.payload;
    switch (v.type) {
      case kDouble: {
        if (v.size != 8) return false;
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = bits << 8 | p[i];
        std::memcpy(&out, &bits, 8);
        return true;
      }
      case kFloat: {
        if (v.size != 4) return false;
        uint32_t bits = 0;
        for (int i = 0; i < 4; ++i) bits = bits << 8 | p[i];
        float f;
        std::memcpy(&f, &bits, 4);
        out = f;
        return true;
      }
      case kUint16:
      case kUint32:
      case kUint64:
      case kInt32: {
        const uint32_t max = v.type == kUint16 ? 2 : v.type == kUint64 ? 8 : 4;
        if (v.size > max) return false;
        uint64_t x = 0;
        for (uint32_t i = 0; i < v.size; ++i) x = x << 8 | p[i];
        if (v.type == kInt32 && v.size == 4) out = double(int32_t(uint32_t(x)));
        else out = double(x);
        return true;
      }
      default:
        return false;
    }
  }

  // f(key, position of the value) for each entry of the map at `pos` (the first kMaxFields);
  // false when the map is malformed.
  template <typename F>
  bool forEachField(uint32_t pos, int depth, F&& f) const {
    Value m;
    if (depth >= kMaxDepth || !valueAt(pos, m) || m.type != kMap) return false;
    uint32_t at = m.payload;
    const uint32_t n = m.size < kMaxFields ? m.size : kMaxFields;
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t key_pos = at;
      Value k;
      if (!header(key_pos, k)) return false;
      if (k.type == kPointer) {
        uint32_t t = k.target;
        if (!header(t, k) || k.type == kPointer) return false;
      }
      if (k.type != kUtf8 || !has(k.payload, k.size)) return false;
      if (!skip(at, depth + 1)) return false;  // past the key
      const std::string_view key(reinterpret_cast<const char*>(d_ + k.payload), k.size);
      if (!f(key, at)) return false;
      if (!skip(at, depth + 1)) return false;  // past the value
    }
    return true;
  }

 private:
  bool has(uint64_t pos, uint64_t len) const { return pos <= n_ && len <= n_ - pos; }
  const uint8_t* d_;
  size_t n_;
};

// The top-level keys read, told apart by length first (records have a dozen keys; most are
// not among these and cost one length comparison).
enum class Field : uint8_t {
  Other,
  CountryCode,
  Latitude,
  Longitude,
  City,
  Country,
  RegisteredCountry,
  Location,
  AsNumber,
  AsOrganization,
};
Field fieldOf(std::string_view key) {
  switch (key.size()) {
    case 4: return key == "city" ? Field::City : Field::Other;
    case 7: return key == "country" ? Field::Country : Field::Other;
    case 8: return key == "latitude" ? Field::Latitude : key == "location" ? Field::Location : Field::Other;
    case 9: return key == "longitude" ? Field::Longitude : Field::Other;
    case 12: return key == "country_code" ? Field::CountryCode : Field::Other;
    case 18: return key == "registered_country" ? Field::RegisteredCountry : Field::Other;
    case 24: return key == "autonomous_system_number" ? Field::AsNumber : Field::Other;
    case 30: return key == "autonomous_system_organization" ? Field::AsOrganization : Field::Other;
    default: return Field::Other;
  }
}

void twoLetters(std::string_view s, char out[2]) {
  if (s.size() != 2) return;
  out[0] = s[0];
  out[1] = s[1];
}

}  // namespace

MmdbRecord readMmdbRecord(const uint8_t* data, size_t size, uint32_t offset) {
  MmdbRecord r;
  const Reader rd(data, size);
  // names.en of a map at `pos` (city, country).
  auto englishName = [&](uint32_t pos, MmdbText& out) {
    return rd.forEachField(pos, 1, [&](std::string_view key, uint32_t at) {
      if (key != "names") return true;
      return rd.forEachField(at, 2, [&](std::string_view lang, uint32_t name_at) {
        Value v;
        if (lang == "en" && rd.valueAt(name_at, v)) rd.text(v, out);
        return true;
      });
    });
  };
  auto country = [&](uint32_t pos, char code[2], MmdbText& name) {
    return rd.forEachField(pos, 1, [&](std::string_view key, uint32_t at) {
      Value v;
      if (key == "iso_code") {
        if (rd.valueAt(at, v)) twoLetters(rd.view(v), code);
        return true;
      }
      if (key != "names") return true;
      return rd.forEachField(at, 2, [&](std::string_view lang, uint32_t name_at) {
        Value n;
        if (lang == "en" && rd.valueAt(name_at, n)) rd.text(n, name);
        return true;
      });
    });
  };
  const bool ok = rd.forEachField(offset, 0, [&](std::string_view key, uint32_t at) {
    const Field field = fieldOf(key);
    if (field == Field::Other) return true;  // what the value is does not matter (it is skipped whole)
    Value v;
    if (!rd.valueAt(at, v)) return false;
    switch (field) {
      case Field::CountryCode:
        r.flat_fields = true;
        twoLetters(rd.view(v), r.country);
        break;
      case Field::Latitude:
        r.flat_fields = true;
        r.has_latitude = rd.number(v, r.latitude);
        break;
      case Field::Longitude:
        r.flat_fields = true;
        r.has_longitude = rd.number(v, r.longitude);
        break;
      case Field::City:
        if (v.type == kUtf8) {
          r.flat_fields = true;
          rd.text(v, r.city);
        } else if (v.type == kMap) {
          r.maxmind_fields = true;
          return englishName(at, r.city);
        }
        break;
      case Field::Country:
        r.maxmind_fields = true;
        return country(at, r.country, r.country_name);
      case Field::RegisteredCountry:
        r.maxmind_fields = true;
        return country(at, r.registered_country, r.registered_country_name);
      case Field::Location:
        r.maxmind_fields = true;
        return rd.forEachField(at, 1, [&](std::string_view k, uint32_t p) {
          Value n;
          if (k == "latitude" && rd.valueAt(p, n)) r.has_latitude = rd.number(n, r.latitude);
          if (k == "longitude" && rd.valueAt(p, n)) r.has_longitude = rd.number(n, r.longitude);
          return true;
        });
      case Field::AsNumber: {
        double asn = 0;
        if (rd.number(v, asn) && asn > 0 && asn <= 4294967295.0) r.asn = uint64_t(asn);
        break;
      }
      case Field::AsOrganization:
        rd.text(v, r.as_name);
        break;
      case Field::Other:
        break;
    }
    return true;
  });
  r.malformed = !ok;
  return r;
}

}  // namespace netlens
