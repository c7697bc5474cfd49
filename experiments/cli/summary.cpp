#include "cli/summary.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "lamarck/core/error.h"
#include "lamarck/core/progress.h"

namespace lamarck::cli {

Exec GlobalOptions::exec() const {
  Exec e{parse_device(device), threads};
  if (threads < 0) throw InvalidArgument("--threads must be >= 0 (0 = all cores), got " + std::to_string(threads));
  require_device(e);
  return e;
}

Summary& Summary::add(const std::string& key, const std::string& value) {
  entries_.emplace_back(key, value);
  return *this;
}
Summary& Summary::add(const std::string& key, const char* value) { return add(key, std::string(value)); }
Summary& Summary::add(const std::string& key, double value) {
  entries_.emplace_back(key, value);
  return *this;
}
Summary& Summary::add(const std::string& key, int64_t value) {
  entries_.emplace_back(key, value);
  return *this;
}
Summary& Summary::add(const std::string& key, bool value) {
  entries_.emplace_back(key, value);
  return *this;
}

std::string Summary::to_json() const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  for (const auto& [key, value] : entries_) {
    w.Key(key.c_str());
    if (auto s = std::get_if<std::string>(&value)) w.String(s->c_str());
    else if (auto d = std::get_if<double>(&value)) {
      if (std::isfinite(*d)) w.Double(*d);
      else w.Null();  // JSON has no NaN/Inf
    } else if (auto i = std::get_if<int64_t>(&value)) w.Int64(*i);
    else w.Bool(std::get<bool>(value));
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Summary::to_text() const {
  size_t width = 0;
  for (const auto& entry : entries_) width = std::max(width, entry.first.size());
  std::string out = "== " + title_ + "\n";
  for (const auto& [key, value] : entries_) {
    std::string shown;
    if (auto s = std::get_if<std::string>(&value)) shown = *s;
    else if (auto d = std::get_if<double>(&value)) {
      char text[64];
      std::snprintf(text, sizeof(text), "%.6g", *d);
      shown = text;
    } else if (auto i = std::get_if<int64_t>(&value)) shown = std::to_string(*i);
    else shown = std::get<bool>(value) ? "yes" : "no";
    out += "  " + key + std::string(width - key.size(), ' ') + "  " + shown + "\n";
  }
  return out;
}

void Summary::print(bool json) const {
  std::cout << (json ? to_json() + "\n" : to_text());
  std::cout.flush();
}

std::vector<int64_t> parse_int_list(const std::string& text, const std::string& option, int64_t min, int64_t max) {
  std::vector<int64_t> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::string where = option + ": '" + item + "'";
    char* end = nullptr;
    errno = 0;
    const double v = item.empty() ? std::nan("") : std::strtod(item.c_str(), &end);
    if (item.empty() || end != item.c_str() + item.size() || errno == ERANGE || !std::isfinite(v))
      throw InvalidArgument(where + " is not a number (give a comma-separated list of whole numbers)");
    if (v != std::floor(v)) throw InvalidArgument(where + " is not a whole number");
    if (v < double(min) || v > double(max))
      throw InvalidArgument(where + " is out of range: must be in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    out.push_back(int64_t(v));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

CLI::Validator positive_count() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const std::string message = "must be a whole number >= 1, got '" + value + "'";
        try {
          const std::vector<int64_t> v = parse_int_list(value, "value", 1, INT64_MAX / 2);
          if (v.size() != 1) return message;
          value = std::to_string(v[0]);  // 2e4 is 20000
          return std::string();
        } catch (const InvalidArgument&) {
          return message;
        }
      },
      "COUNT >= 1");
}

}  // namespace lamarck::cli
