#include <gtest/gtest.h>

#include <string>

#include "web/auth/json_validate.hpp"

namespace netlens::web {
namespace {

TEST(JsonValidate, AcceptsEveryKindOfValue) {
  for (const char* text : {"0", "-1.5e+10", "3.25", "true", "false", "null", "\"\"", "\"a\\u00e9\\n\\\"\"",
                           "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", "[]", "{}", " [1, \"two\", {\"three\": [null]}] ",
                           "{\"a\":{\"b\":{\"c\":[true,false]}}}"}) {
    std::string why;
    EXPECT_TRUE(isValidJson(text, &why)) << text << ": " << why;
  }
}

TEST(JsonValidate, RefusesMalformedTextWithAReason) {
  for (const char* text : {"", " ", "01", "1.", ".5", "+1", "tru", "nul", "'x'", "\"open", "[1,]", "[1 2]",
                           "{\"a\" 1}", "{a:1}", "{\"a\":1,}", "1 2", "\"\\x\"", "\"\\u12\"", "\"\t\"",
                           "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xe2\x82\"", "NaN", "[", "}"}) {
    std::string why;
    EXPECT_FALSE(isValidJson(text, &why)) << text;
    EXPECT_FALSE(why.empty()) << text;
  }
}

TEST(JsonValidate, BoundsNesting) {
  EXPECT_TRUE(isValidJson(std::string(60, '[') + std::string(60, ']')));
  std::string why;
  EXPECT_FALSE(isValidJson(std::string(100000, '['), &why));
  EXPECT_NE(why.find("deep"), std::string::npos) << why;
}

}  // namespace
}  // namespace netlens::web
