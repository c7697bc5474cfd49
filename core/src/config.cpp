#include "lamarck/core/config.h"

#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>

namespace lamarck::config_detail {

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

void Reader::reject_unknown_keys() const {
  for (auto it = object_.MemberBegin(); it != object_.MemberEnd(); ++it) {
    const std::string key(it->name.GetString(), it->name.GetStringLength());
    bool found = false;
    for (const auto& k : known_) found = found || k == key;
    if (found) continue;
    std::string message = "config: unknown key '" + join_path(path_, key) + "'";
    const std::string nearest = closest_match(key, known_);
    if (!nearest.empty()) message += "; did you mean '" + join_path(path_, nearest) + "'?";
    message += " (valid keys" + (path_.empty() ? std::string() : " of " + path_) + ": " + join(known_) + ")";
    report(errors_, message);
  }
}

void Reader::wrong_type(const rapidjson::Value& json, const std::string& path, const char* expected,
                        ErrorList* errors) {
  const char* got = json.IsNull() ? "null"
                    : json.IsBool() ? "a boolean"
                    : json.IsString() ? "a string"
                    : json.IsArray() ? "an array"
                    : json.IsObject() ? "an object"
                    : json.IsInt64() || json.IsUint64() ? "an integer"
                                                         : "a number";
  std::string shown;
  if (json.IsString()) shown = std::string(" '") + json.GetString() + "'";
  else if (json.IsNumber()) shown = " " + to_text(json.GetDouble());
  report(errors, "config: " + (path.empty() ? std::string("(top level)") : path) + " must be " + expected +
                     ", got " + got + shown);
}

void throw_errors(const ErrorList& errors, const std::string& source) {
  if (errors.empty()) return;
  if (errors.size() == 1) throw ConfigError(source + ": " + errors[0]);
  std::string message = source + ": " + std::to_string(errors.size()) + " errors:";
  for (const std::string& e : errors) message += "\n  " + source + ": " + e;
  throw ConfigError(message);
}

void parse_document(rapidjson::Document& doc, const std::string& text, const std::string& source) {
  // full precision: every number written with 17 significant digits reads back to the same double
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(text.c_str(), text.size());
  if (doc.HasParseError())
    throw ConfigError(source + ": invalid JSON: " + rapidjson::GetParseError_En(doc.GetParseError()) +
                      " at byte " + std::to_string(doc.GetErrorOffset()));
}

std::string to_pretty_string(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::string to_compact_string(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace lamarck::config_detail

namespace lamarck {

std::string json_quote(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.c_str(), rapidjson::SizeType(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

void JsonLine::key(const std::string& k) {
  if (!body_.empty()) body_ += ",";
  body_ += json_quote(k) + ":";
}

JsonLine& JsonLine::add(const std::string& k, const std::string& value) {
  key(k);
  body_ += json_quote(value);
  return *this;
}

JsonLine& JsonLine::add(const std::string& k, double value) {
  key(k);
  if (!std::isfinite(value)) {
    body_ += "null";
  } else {
    char text[32];
    std::snprintf(text, sizeof(text), "%.9g", value);
    body_ += text;
  }
  return *this;
}

JsonLine& JsonLine::add(const std::string& k, int64_t value) {
  key(k);
  body_ += std::to_string(value);
  return *this;
}

}  // namespace lamarck
