#pragma once
// Result<T>: the value of an operation, or why a request was refused (bad input, unknown user,
// the last administrator...). These are expected failures the web layer turns into a 4xx answer
// with the message; storage failures (SQLite I/O, corruption) are thrown as StorageError.
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace netlens::web {

enum class AuthErrc {
  InvalidArgument,    // empty or malformed name, bad CIDR, unknown role, short password...
  NotFound,           // no such user, token or preference
  AlreadyExists,      // a user with that name exists
  LastAdministrator,  // the change would leave no administrator
  WrongPassword,      // changePassword: the current password does not match
  Conflict,           // the record changed while the request was being served: retry
};

struct AuthError {
  AuthErrc code;
  std::string message;
};

// A failure of the database itself (I/O, corruption, full disk): not a bad request.
class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(AuthError error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return checked(); }
  T& value() & { return const_cast<T&>(checked()); }
  T&& value() && { return std::move(const_cast<T&>(checked())); }
  const T* operator->() const { return &checked(); }
  const T& operator*() const& { return checked(); }

  const AuthError& error() const {
    if (ok()) throw std::logic_error("Result::error() on a successful result");
    return std::get<1>(v_);
  }

 private:
  const T& checked() const {
    if (!ok()) throw std::logic_error("Result::value() on a failure: " + std::get<1>(v_).message);
    return std::get<0>(v_);
  }
  std::variant<T, AuthError> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(AuthError error) : error_(std::move(error)) {}

  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }
  const AuthError& error() const {
    if (ok()) throw std::logic_error("Result::error() on a successful result");
    return *error_;
  }

 private:
  std::optional<AuthError> error_;
};

inline AuthError authError(AuthErrc code, std::string message) { return AuthError{code, std::move(message)}; }

}  // namespace netlens::web
