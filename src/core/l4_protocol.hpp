#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netlens {

// "TCP", "UDP", ... for the protocols people name; the number otherwise.
std::string l4ProtocolName(uint8_t proto);
// Accepts a name (any case) or a number 0-255.
std::optional<uint8_t> parseL4Protocol(std::string_view text);

}  // namespace netlens
