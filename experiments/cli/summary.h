// The convention every `lamarck` subcommand follows: progress and logs on stderr, and at the end a
// readable summary on stdout -- or, with --json, that same summary as one JSON object.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "lamarck/core/backend.h"

namespace lamarck::cli {

// Options every subcommand accepts (before or after the subcommand's name).
struct GlobalOptions {
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  std::string device = "cpu";
  int threads = 0;  // 0 = all cores
  Exec exec() const;  // validates the device (clear error when CUDA is not there)
};

// The one parser of comma-separated numbers in options (--horizons 2e4,5e4, --actions 0,1,2): every item
// a whole number (written as an integer or as 2e4) in [min, max]; an empty text gives an empty list.
// Throws InvalidArgument naming the option and the bad item.
std::vector<int64_t> parse_int_list(const std::string& text, const std::string& option, int64_t min, int64_t max);

// An option transform for sizes and counts: a whole number >= 1, written as an integer or as 2e4 (CLI11's
// PositiveNumber reports a range up to DBL_MAX instead, and its integer options refuse 2e4).
CLI::Validator positive_count();

class Summary {
 public:
  using Value = std::variant<std::string, double, int64_t, bool>;
  explicit Summary(std::string title) : title_(std::move(title)) {}
  Summary& add(const std::string& key, const std::string& value);
  Summary& add(const std::string& key, const char* value);
  Summary& add(const std::string& key, double value);
  Summary& add(const std::string& key, int64_t value);
  Summary& add(const std::string& key, int value) { return add(key, int64_t(value)); }
  Summary& add(const std::string& key, bool value);
  // Prints to stdout: aligned "key: value" lines, or one JSON object when json is set.
  void print(bool json) const;
  std::string to_json() const;
  std::string to_text() const;

 private:
  std::string title_;
  std::vector<std::pair<std::string, Value>> entries_;
};

}  // namespace lamarck::cli
