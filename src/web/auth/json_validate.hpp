#pragma once
// A strict syntax check of one JSON text (RFC 8259): preference values are stored as JSON and
// served as they are, so a malformed one must be refused when it is set, not when it is read.
#include <string>
#include <string_view>

namespace netlens::web {

// True when `text` is exactly one JSON value (surrounding white space allowed). On failure,
// `error` (when given) says what is wrong and where. Nesting deeper than 64 is refused.
bool isValidJson(std::string_view text, std::string* error = nullptr);

}  // namespace netlens::web
