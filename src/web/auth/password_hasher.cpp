#include "web/auth/password_hasher.hpp"

#include <sodium.h>

#include <stdexcept>

#include "web/auth/crypto.hpp"

namespace netlens::web {

PasswordHashParams PasswordHashParams::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordHashParams PasswordHashParams::minimum() {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

// One of the `max_concurrent` places to run a hash, held for the scope.
class PasswordHasher::Slot {
 public:
  explicit Slot(PasswordHasher& owner) : owner_(owner) {
    std::unique_lock lock(owner_.mutex_);
    owner_.freed_.wait(lock, [&] { return owner_.running_ < owner_.max_concurrent_; });
    ++owner_.running_;
  }
  ~Slot() {
    {
      std::lock_guard lock(owner_.mutex_);
      --owner_.running_;
    }
    owner_.freed_.notify_one();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  PasswordHasher& owner_;
};

PasswordHasher::PasswordHasher(PasswordHashParams params, unsigned max_concurrent)
    : params_(params), max_concurrent_(max_concurrent == 0 ? 1 : max_concurrent) {
  ensureSodium();
  if (params_.opslimit < crypto_pwhash_OPSLIMIT_MIN || params_.memlimit < crypto_pwhash_MEMLIMIT_MIN)
    throw std::invalid_argument("password hash parameters below libsodium's minimum");
}

std::string PasswordHasher::hash(std::string_view password) {
  Slot slot(*this);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), params_.opslimit, params_.memlimit) != 0)
    throw std::runtime_error("password hashing failed (out of memory)");
  return std::string(out);
}

bool PasswordHasher::verify(std::string_view encoded_hash, std::string_view password) {
  // crypto_pwhash_str_verify wants a NUL-terminated string: copy into a bounded buffer.
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES) return false;
  char stored[crypto_pwhash_STRBYTES] = {};
  encoded_hash.copy(stored, encoded_hash.size());
  Slot slot(*this);
  return crypto_pwhash_str_verify(stored, password.data(), password.size()) == 0;
}

bool PasswordHasher::needsRehash(std::string_view encoded_hash) const {
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES) return true;
  char stored[crypto_pwhash_STRBYTES] = {};
  encoded_hash.copy(stored, encoded_hash.size());
  return crypto_pwhash_str_needs_rehash(stored, params_.opslimit, params_.memlimit) != 0;
}

}  // namespace netlens::web
