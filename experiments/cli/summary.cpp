#include "cli/summary.h"

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

}  // namespace lamarck::cli
