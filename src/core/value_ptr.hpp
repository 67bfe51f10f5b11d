#pragma once
// ValuePtr<T>: an optional, heap-allocated part of a value type that is copied with it (deep
// copy), e.g. the statistics only local hosts keep: absent ones cost one pointer.
#include <memory>

namespace netlens {

template <typename T>
class ValuePtr {
 public:
  ValuePtr() = default;
  explicit ValuePtr(std::unique_ptr<T> p) : p_(std::move(p)) {}
  ValuePtr(const ValuePtr& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  ValuePtr(ValuePtr&&) noexcept = default;
  ValuePtr& operator=(const ValuePtr& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  ValuePtr& operator=(ValuePtr&&) noexcept = default;
  ValuePtr& operator=(std::unique_ptr<T> p) {
    p_ = std::move(p);
    return *this;
  }

  T* get() const { return p_.get(); }
  T* operator->() const { return p_.get(); }
  T& operator*() const { return *p_; }
  explicit operator bool() const { return bool(p_); }
  friend bool operator==(const ValuePtr& a, std::nullptr_t) { return !a.p_; }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace netlens
