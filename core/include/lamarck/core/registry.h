// A thread-safe table of factories by name: what lamarck's pluggable pieces register into (update rules,
// trajectory rules) so that adding one is one class and one `add` line. A lookup of an unknown name
// throws InvalidArgument with the nearest registered name and the choices.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lamarck/core/error.h"

namespace lamarck {

template <class Factory>
class NamedRegistry {
 public:
  // `what` names the kind in error messages ("update rule").
  NamedRegistry(std::string what, std::map<std::string, Factory> builtins)
      : what_(std::move(what)), table_(std::move(builtins)) {}

  // Registers `factory` under `name`; a later registration of the same name replaces it.
  void add(const std::string& name, Factory factory) {
    std::lock_guard<std::mutex> lock(mutex_);
    table_[name] = std::move(factory);
  }
  // The factory of `name` (a copy, so it can run outside the lock).
  Factory find(const std::string& name) const {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = table_.find(name);
      if (it != table_.end()) return it->second;
    }
    throw_unknown_choice(what_, name, names());
  }
  // Every registered name, sorted.
  std::vector<std::string> names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto& kv : table_) out.push_back(kv.first);
    return out;
  }

 private:
  std::string what_;
  mutable std::mutex mutex_;
  std::map<std::string, Factory> table_;
};

}  // namespace lamarck
