#pragma once
// The few libsodium primitives the authentication layer uses, behind small C++ functions.
#include <cstddef>
#include <string>
#include <string_view>

namespace netlens::web {

// Initialises libsodium once (thread-safe); throws std::runtime_error when it cannot.
void ensureSodium();

// `bytes` random bytes from the system's CSPRNG, as lowercase hex (2 * bytes characters).
std::string randomHex(size_t bytes);

// Equality in time that depends only on the lengths, not on where the texts differ.
bool constantTimeEquals(std::string_view a, std::string_view b);

// BLAKE2b-256 of the text (32 raw bytes): a fast hash, for high-entropy secrets only.
std::string fastHash(std::string_view text);

}  // namespace netlens::web
