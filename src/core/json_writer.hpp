#pragma once
// JsonWriter: a small streaming JSON writer into a string buffer. No DOM, no allocation per
// value beyond the buffer's growth: fast enough to serialise hundreds of thousands of flows.
#include <cstdint>
#include <string>
#include <string_view>

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
  // A number with six decimals from an integer count of millionths (e.g. microseconds as
  // seconds): exact, and much cheaper than formatting a double.
  JsonWriter& fixed6(uint64_t millionths);

  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  std::string& buffer() { return out_; }

 private:
  static constexpr int kMaxDepth = 64;
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (has_value_ & (uint64_t(1) << depth_)) out_.push_back(',');
    has_value_ |= uint64_t(1) << depth_;
  }
  void writeString(std::string_view v);

  std::string& out_;
  uint64_t has_value_ = 0;  // bit d: something was written at nesting depth d
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace netlens
