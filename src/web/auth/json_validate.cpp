#include "web/auth/json_validate.hpp"

#include <nlohmann/json.hpp>

namespace netlens::web {

namespace {

// Counts nesting while nlohmann's SAX parser checks the syntax (and UTF-8), keeping no DOM.
class DepthCheck : public nlohmann::json_sax<nlohmann::json> {
 public:
  static constexpr int kMaxDepth = 64;
  std::string error;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return deeper(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return shallower(); }
  bool start_array(std::size_t) override { return deeper(); }
  bool end_array() override { return shallower(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error = e.what();
    return false;
  }

 private:
  bool deeper() {
    if (++depth_ <= kMaxDepth) return true;
    error = "nested deeper than " + std::to_string(kMaxDepth) + " levels";
    return false;
  }
  bool shallower() {
    --depth_;
    return true;
  }
  int depth_ = 0;
};

}  // namespace

bool isValidJson(std::string_view text, std::string* error) {
  DepthCheck check;
  const bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &check, nlohmann::json::input_format_t::json, true);
  if (!ok && error) *error = check.error.empty() ? "not JSON" : check.error;
  return ok;
}

}  // namespace netlens::web
