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
