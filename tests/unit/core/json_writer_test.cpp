#include <gtest/gtest.h>

#include "core/json_writer.hpp"

namespace netlens {
namespace {

TEST(JsonWriter, NestsAndSeparates) {
  std::string out;
  JsonWriter w(out);
  w.beginObject().field("a", 1).key("b").beginArray().value("x").value(true).null().endArray();
  w.key("c").beginObject().endObject().field("d", -5).endObject();
  EXPECT_EQ(out, R"({"a":1,"b":["x",true,null],"c":{},"d":-5})");
}

TEST(JsonWriter, EscapesControlAndInvalidUtf8) {
  std::string out;
  JsonWriter w(out);
  w.value(std::string_view("q\"\\\n\x01 \xC3\xA9 \xFF", 10));
  EXPECT_EQ(out, "\"q\\\"\\\\\\n\\u0001 \xC3\xA9 \\u00ff\"");
}

}  // namespace
}  // namespace netlens

namespace netlens {
namespace {

TEST(JsonWriter, FixedSixDecimals) {
  std::string out;
  JsonWriter w(out);
  w.beginArray().fixed6(1764000000123456ull).fixed6(5).fixed6(0).endArray();
  EXPECT_EQ(out, "[1764000000.123456,0.000005,0.000000]");
}

TEST(JsonWriter, DeepNestingKeepsSeparatorsRight) {
  std::string out;
  JsonWriter w(out);
  for (int i = 0; i < 10; ++i) w.beginArray().value(i);
  for (int i = 0; i < 10; ++i) w.endArray();
  w.value(1);
  EXPECT_EQ(out, "[0,[1,[2,[3,[4,[5,[6,[7,[8,[9]]]]]]]]]],1");
}

}  // namespace
}  // namespace netlens
