#pragma once
// JsonWriter: a small streaming JSON writer into a string buffer. No DOM, no allocation per
// value beyond the buffer's growth: fast enough to serialise hundreds of thousands of flows.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace netlens {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& beginObject() { return open('{'); }
  JsonWriter& endObject() { return close('}'); }
  JsonWriter& beginArray() { return open('['); }
  JsonWriter& endArray() { return close(']'); }
  JsonWriter& key(std::string_view k);

  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
  JsonWriter& value(uint64_t v);
  JsonWriter& value(int64_t v);
  JsonWriter& value(uint32_t v) { return value(uint64_t(v)); }
  JsonWriter& value(int v) { return value(int64_t(v)); }
  JsonWriter& value(uint16_t v) { return value(uint64_t(v)); }
  JsonWriter& value(uint8_t v) { return value(uint64_t(v)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool v);
  JsonWriter& null();

  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  // For writers that stream: the caller may drain the buffer between values.
  std::string& buffer() { return out_; }

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void separate();
  void writeString(std::string_view v);

  std::string& out_;
  std::vector<bool> first_{true};  // per nesting level: no value written yet
  bool after_key_ = false;
};

}  // namespace netlens
