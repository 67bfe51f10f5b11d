#pragma once
// PasswordHasher: libsodium's crypto_pwhash_str (Argon2id, salted, slow on purpose). The cost is
// a parameter so that tests can use the minimum; netlens uses the INTERACTIVE limits. Each hash
// takes `memlimit` bytes of memory, so at most `max_concurrent` run at once: a burst of logins
// waits instead of exhausting memory.
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace netlens::web {

struct PasswordHashParams {
  unsigned long long opslimit;
  size_t memlimit;

  static PasswordHashParams interactive();  // crypto_pwhash_OPSLIMIT/MEMLIMIT_INTERACTIVE
  static PasswordHashParams minimum();      // crypto_pwhash_OPSLIMIT/MEMLIMIT_MIN: tests only
};

class PasswordHasher {
 public:
  explicit PasswordHasher(PasswordHashParams params, unsigned max_concurrent = 4);

  // The encoded hash (algorithm, parameters, salt and digest in one ASCII string). Throws
  // std::runtime_error when the system lacks the memory.
  std::string hash(std::string_view password);
  bool verify(std::string_view encoded_hash, std::string_view password);
  // True when the hash was made with other parameters (or is not one of ours).
  bool needsRehash(std::string_view encoded_hash) const;

 private:
  class Slot;
  PasswordHashParams params_;
  unsigned max_concurrent_;
  unsigned running_ = 0;
  std::mutex mutex_;
  std::condition_variable freed_;
};

}  // namespace netlens::web
