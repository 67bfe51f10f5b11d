#include "core/json_writer.hpp"

#include <charconv>
#include <cmath>

namespace netlens {

JsonWriter& JsonWriter::open(char c) {
  separate();
  out_.push_back(c);
  if (depth_ + 1 < kMaxDepth) ++depth_;
  has_value_ &= ~(uint64_t(1) << depth_);
  return *this;
}

JsonWriter& JsonWriter::close(char c) {
  has_value_ &= ~(uint64_t(1) << depth_);
  if (depth_ > 0) --depth_;
  out_.push_back(c);
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view k) {
  separate();
  writeString(k);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view v) {
  separate();
  writeString(v);
  return *this;
}

namespace {
// Length of the valid UTF-8 sequence starting at s[i], or 0 when the byte does not start one.
size_t utf8SequenceLength(std::string_view s, size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  size_t n = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}
bool plain(unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; }
}  // namespace

// Bytes from the wire are not always text: anything that is not valid UTF-8 is written as the
// code point of the same value, so the document always parses.
void JsonWriter::writeString(std::string_view v) {
  out_.push_back('"');
  size_t i = 0;
  while (i < v.size()) {
    size_t run = i;
    while (run < v.size() && plain(static_cast<unsigned char>(v[run]))) ++run;
    if (run > i) {
      out_.append(v.data() + i, run - i);
      i = run;
      if (i == v.size()) break;
    }
    const auto ch = static_cast<unsigned char>(v[i]);
    switch (ch) {
      case '"': out_ += "\\\""; ++i; continue;
      case '\\': out_ += "\\\\"; ++i; continue;
      case '\n': out_ += "\\n"; ++i; continue;
      case '\r': out_ += "\\r"; ++i; continue;
      case '\t': out_ += "\\t"; ++i; continue;
      default: break;
    }
    if (size_t n = ch >= 0x80 ? utf8SequenceLength(v, i) : 0) {
      out_.append(v.data() + i, n);
      i += n;
    } else {
      static const char hex[] = "0123456789abcdef";
      const char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 0xF]};
      out_.append(esc, 6);
      ++i;
    }
  }
  out_.push_back('"');
}

JsonWriter& JsonWriter::value(uint64_t v) {
  separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::value(int64_t v) {
  separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::fixed6(uint64_t millionths) {
  separate();
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), millionths / 1000000);
  char* p = r.ptr;
  *p++ = '.';
  uint64_t frac = millionths % 1000000;
  for (int d = 5; d >= 0; --d) {
    p[d] = char('0' + frac % 10);
    frac /= 10;
  }
  out_.append(buf, p + 6);
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  separate();
  if (!std::isfinite(v)) {
    out_ += "null";
    return *this;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  separate();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

}  // namespace netlens
