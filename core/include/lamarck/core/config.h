// JSON run configs validated against their struct.
//
// A config struct declares its fields once, in a `fields` visitor; the same list drives parsing,
// validation, writing the resolved config, and printing (MuJoCo's "one field list" habit):
//
//   struct EsConfig {
//     std::string strategy = "open_es";
//     double sigma = 0.1;
//     int popsize = 64;
//     template <class V> void fields(V& v) {
//       v("strategy", strategy).one_of({"open_es", "cma_es"});
//       v("sigma", sigma).positive();
//       v("popsize", popsize).at_least(2);
//     }
//   };
//   EsConfig c = load_config<EsConfig>("run.json");   // missing keys keep their defaults
//
// Errors name the path of the bad value ("es.sigma"): an unknown key (with the nearest valid key
// suggested), a wrong type, or an out-of-range value. Every error of a config is reported in one
// ConfigError (one line each), so a config with three mistakes takes one run to fix. Fields may be bool, integers, floating point,
// std::string, nested config structs, and std::vector or std::array of any of those (a std::array reads
// from a JSON array of exactly its size: the fixed-size fields of an env level, such as a maze's walls).
//
// The same field list also gives a canonical binary form (config_to_bytes / config_from_bytes: field order,
// little-endian, no padding, so equal configs have equal bytes and hashes) and a description of the
// fields (config_fields: path, type, value).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <rapidjson/document.h>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "lamarck/core/error.h"

namespace lamarck {

class ConfigError : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

namespace config_detail {

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_array : std::false_type {};
template <class T, size_t N>
struct is_array<std::array<T, N>> : std::true_type {};
// Fields read and written as JSON arrays: std::vector and std::array.
template <class T>
constexpr bool is_sequence = is_vector<T>::value || is_array<T>::value;

template <class T>
std::string to_text(const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    return "'" + value + "'";
  } else if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_arithmetic_v<T>) {
    std::ostringstream s;
    s << value;
    return s.str();
  } else {
    return "(value)";
  }
}

template <class T>
const char* type_name() {
  if constexpr (std::is_same_v<T, bool>) return "a boolean";
  else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) return "a non-negative integer";
  else if constexpr (std::is_integral_v<T>) return "an integer";
  else if constexpr (std::is_floating_point_v<T>) return "a number";
  else if constexpr (std::is_same_v<T, std::string>) return "a string";
  else if constexpr (is_vector<T>::value) return "an array";
  else if constexpr (is_array<T>::value) return "an array of fixed size";
  else return "an object";
}

// Where the errors of one parse or check go: every failed check adds a line, and the caller throws once.
using ErrorList = std::vector<std::string>;
// Records `message` in `errors`, or throws it when there is no list.
inline void report(ErrorList* errors, const std::string& message) {
  if (!errors) throw ConfigError(message);
  errors->push_back(message);
}

// The result of visiting one field: range and choice checks that run only when reading.
template <class T>
class FieldCheck {
 public:
  FieldCheck(const T* value, std::string path, ErrorList* errors = nullptr)
      : value_(value), path_(std::move(path)), errors_(errors) {}
  FieldCheck& range(double lo, double hi) {
    if (value_ && !(double(*value_) >= lo && double(*value_) <= hi))
      fail("must be in [" + to_text(lo) + ", " + to_text(hi) + "]");
    return *this;
  }
  FieldCheck& at_least(double lo) {
    if (value_ && !(double(*value_) >= lo)) fail("must be >= " + to_text(lo));
    return *this;
  }
  FieldCheck& at_most(double hi) {
    if (value_ && !(double(*value_) <= hi)) fail("must be <= " + to_text(hi));
    return *this;
  }
  FieldCheck& positive() {
    if (value_ && !(double(*value_) > 0)) fail("must be > 0");
    return *this;
  }
  FieldCheck& one_of(const std::vector<std::string>& choices) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (!value_) return *this;
      for (const auto& c : choices)
        if (c == *value_) return *this;
      report(errors_, "config: " + path_ + ": " + unknown_choice_message("value", *value_, choices));
    }
    return *this;
  }
  // Every element of a vector or array field >= lo.
  FieldCheck& each_at_least(double lo) {
    if constexpr (is_sequence<T>) {
      if (!value_) return *this;
      for (size_t i = 0; i < value_->size(); ++i)
        if (!(double((*value_)[i]) >= lo)) {
          report(errors_, "config: " + path_ + "[" + std::to_string(i) + "] = " + to_text((*value_)[i]) +
                              " is out of range: must be >= " + to_text(lo));
          value_ = nullptr;
          return *this;
        }
    }
    return *this;
  }
  FieldCheck& non_empty() {
    if constexpr (std::is_same_v<T, std::string> || is_vector<T>::value) {
      if (value_ && value_->empty()) fail("must not be empty");
    }
    return *this;
  }

 private:
  void fail(const std::string& rule) {
    if constexpr (std::is_arithmetic_v<T>)
      report(errors_, "config: " + path_ + " = " + to_text(*value_) + " is out of range: " + rule);
    else
      report(errors_, "config: " + path_ + " " + rule);
    value_ = nullptr;  // one error per field: the checks after a failed one are skipped
  }
  const T* value_;  // null when not reading (writing or printing visits)
  std::string path_;
  ErrorList* errors_;
};

std::string join_path(const std::string& parent, const std::string& key);

// Reads a rapidjson value into a config struct, tracking the path and the keys seen.
class Reader {
 public:
  Reader(const rapidjson::Value& object, std::string path, ErrorList* errors)
      : object_(object), path_(std::move(path)), errors_(errors) {}

  template <class T>
  FieldCheck<T> operator()(const char* key, T& value) {
    known_.push_back(key);
    const std::string path = join_path(path_, key);
    auto it = object_.FindMember(key);
    if (it == object_.MemberEnd()) return FieldCheck<T>(&value, path, errors_);  // keep the default
    const size_t before = errors_ ? errors_->size() : 0;
    read(it->value, value, path, errors_);
    const bool read_ok = !errors_ || errors_->size() == before;
    return FieldCheck<T>(read_ok ? &value : nullptr, path, errors_);  // no range check on an unread value
  }

  // Reports every key of the object that no field claimed.
  void reject_unknown_keys() const;

  // Reads `json` into `value`; a bad value is reported (and `value` left as it was).
  template <class T>
  static void read(const rapidjson::Value& json, T& value, const std::string& path, ErrorList* errors) {
    if constexpr (std::is_same_v<T, bool>) {
      if (!json.IsBool()) return wrong_type(json, path, type_name<T>(), errors);
      value = json.GetBool();
    } else if constexpr (std::is_integral_v<T>) {
      if (json.IsInt64()) {
        const int64_t v = json.GetInt64();
        if (v < int64_t(std::numeric_limits<T>::min()) ||
            (v > 0 && uint64_t(v) > uint64_t(std::numeric_limits<T>::max())))
          return report(errors, "config: " + path + " = " + std::to_string(v) + " is out of range for " + type_name<T>());
        value = T(v);
      } else if (json.IsUint64() && std::is_unsigned_v<T> && json.GetUint64() <= uint64_t(std::numeric_limits<T>::max())) {
        value = T(json.GetUint64());
      } else if (json.IsDouble() && std::floor(json.GetDouble()) == json.GetDouble() &&
                 std::fabs(json.GetDouble()) < 9e15) {
        // 1e6 written as a float literal is a whole number: accept it
        const double v = json.GetDouble();
        if (v < double(std::numeric_limits<T>::min()) || v > double(std::numeric_limits<T>::max()))
          return report(errors, "config: " + path + " = " + to_text(v) + " is out of range for " + type_name<T>());
        value = T(v);
      } else {
        return wrong_type(json, path, type_name<T>(), errors);
      }
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!json.IsNumber()) return wrong_type(json, path, type_name<T>(), errors);
      value = T(json.GetDouble());
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!json.IsString()) return wrong_type(json, path, type_name<T>(), errors);
      value.assign(json.GetString(), json.GetStringLength());
    } else if constexpr (is_vector<T>::value) {
      if (!json.IsArray()) return wrong_type(json, path, type_name<T>(), errors);
      value.clear();
      value.resize(json.Size());
      for (rapidjson::SizeType i = 0; i < json.Size(); ++i)
        read(json[i], value[i], path + "[" + std::to_string(i) + "]", errors);
    } else if constexpr (is_array<T>::value) {
      if (!json.IsArray()) return wrong_type(json, path, type_name<T>(), errors);
      if (json.Size() != value.size())
        return report(errors, "config: " + path + " must have exactly " + std::to_string(value.size()) +
                                  " elements, got " + std::to_string(json.Size()));
      for (rapidjson::SizeType i = 0; i < json.Size(); ++i)
        read(json[i], value[i], path + "[" + std::to_string(i) + "]", errors);
    } else {
      if (!json.IsObject()) return wrong_type(json, path, type_name<T>(), errors);
      Reader nested(json, path, errors);
      value.fields(nested);
      nested.reject_unknown_keys();
    }
  }

 private:
  static void wrong_type(const rapidjson::Value& json, const std::string& path, const char* expected, ErrorList* errors);
  const rapidjson::Value& object_;
  std::string path_;
  ErrorList* errors_;
  std::vector<std::string> known_;
};

// Writes a config struct as a rapidjson value.
class Writer {
 public:
  Writer(rapidjson::Value& object, rapidjson::Document::AllocatorType& alloc, std::string path)
      : object_(object), alloc_(alloc), path_(std::move(path)) {}

  template <class T>
  FieldCheck<T> operator()(const char* key, T& value) {
    rapidjson::Value json;
    write(json, value, alloc_);
    object_.AddMember(rapidjson::Value(key, alloc_), json, alloc_);
    return FieldCheck<T>(nullptr, join_path(path_, key));
  }

  template <class T>
  static void write(rapidjson::Value& json, const T& value, rapidjson::Document::AllocatorType& alloc) {
    if constexpr (std::is_same_v<T, bool>) {
      json.SetBool(value);
    } else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) {
      json.SetUint64(uint64_t(value));
    } else if constexpr (std::is_integral_v<T>) {
      json.SetInt64(int64_t(value));
    } else if constexpr (std::is_floating_point_v<T>) {
      json.SetDouble(double(value));
    } else if constexpr (std::is_same_v<T, std::string>) {
      json.SetString(value.c_str(), rapidjson::SizeType(value.size()), alloc);
    } else if constexpr (is_sequence<T>) {
      json.SetArray();
      for (const auto& item : value) {
        rapidjson::Value element;
        write(element, item, alloc);
        json.PushBack(element, alloc);
      }
    } else {
      json.SetObject();
      Writer nested(json, alloc, "");
      const_cast<T&>(value).fields(nested);  // fields() only reads through a Writer
    }
  }

 private:
  rapidjson::Value& object_;
  rapidjson::Document::AllocatorType& alloc_;
  std::string path_;
};

// Runs the field checks (ranges, choices) of a config built or changed in code, nested structs and
// vectors included: the checks parse_config runs while reading.
class Checker {
 public:
  Checker(std::string path, ErrorList* errors) : path_(std::move(path)), errors_(errors) {}

  template <class T>
  FieldCheck<T> operator()(const char* key, T& value) {
    const std::string path = join_path(path_, key);
    check(value, path, errors_);
    return FieldCheck<T>(&value, path, errors_);
  }

  template <class T>
  static void check(T& value, const std::string& path, ErrorList* errors) {
    if constexpr (is_sequence<T>) {
      for (size_t i = 0; i < value.size(); ++i) check(value[i], path + "[" + std::to_string(i) + "]", errors);
    } else if constexpr (!std::is_arithmetic_v<T> && !std::is_same_v<T, std::string>) {
      Checker nested(path, errors);
      value.fields(nested);
    }
  }

 private:
  std::string path_;
  ErrorList* errors_;
};

// Throws one ConfigError with every error of `errors` (nothing when it is empty), each line prefixed by
// `source`.
void throw_errors(const ErrorList& errors, const std::string& source);

// The canonical binary form: every field in declaration order, arithmetic values little-endian at their
// own size (bool as one byte), strings and vectors as a u64 count then their elements, std::arrays as
// their elements, nested structs inline.
class BytesWriter {
 public:
  explicit BytesWriter(std::string& out) : out_(out) {}
  template <class T>
  FieldCheck<T> operator()(const char* key, T& value) {
    write(out_, value);
    return FieldCheck<T>(nullptr, key);
  }
  template <class T>
  static void write(std::string& out, const T& value) {
    if constexpr (std::is_arithmetic_v<T>) {
      // little-endian hosts only (x86-64, aarch64): the bytes as they are in memory
      static_assert(sizeof(T) <= 8, "arithmetic field wider than 8 bytes");
      if constexpr (std::is_same_v<T, bool>) out.push_back(value ? 1 : 0);
      else out.append(reinterpret_cast<const char*>(&value), sizeof(T));
    } else if constexpr (std::is_same_v<T, std::string> || is_vector<T>::value) {
      const uint64_t n = value.size();
      out.append(reinterpret_cast<const char*>(&n), sizeof n);
      if constexpr (std::is_same_v<T, std::string>) out.append(value);
      else for (const auto& item : value) write(out, item);
    } else if constexpr (is_array<T>::value) {
      for (const auto& item : value) write(out, item);
    } else {
      BytesWriter nested(out);
      const_cast<T&>(value).fields(nested);  // fields() only reads through a BytesWriter
    }
  }

 private:
  std::string& out_;
};

class BytesReader {
 public:
  BytesReader(const std::string& in, size_t& at, std::string source) : in_(in), at_(at), source_(std::move(source)) {}
  template <class T>
  FieldCheck<T> operator()(const char* key, T& value) {
    read(value);
    return FieldCheck<T>(nullptr, key);
  }
  template <class T>
  void read(T& value) {
    if constexpr (std::is_arithmetic_v<T>) {
      if constexpr (std::is_same_v<T, bool>) {
        value = take(1)[0] != 0;
      } else {
        std::memcpy(&value, take(sizeof(T)), sizeof(T));
      }
    } else if constexpr (std::is_same_v<T, std::string> || is_vector<T>::value) {
      uint64_t n = 0;
      std::memcpy(&n, take(sizeof n), sizeof n);
      if (n > in_.size() - at_) fail();
      if constexpr (std::is_same_v<T, std::string>) {
        value.assign(take(size_t(n)), size_t(n));
      } else {
        value.resize(size_t(n));
        for (auto& item : value) read(item);
      }
    } else if constexpr (is_array<T>::value) {
      for (auto& item : value) read(item);
    } else {
      value.fields(*this);
    }
  }

 private:
  const char* take(size_t bytes) {
    if (bytes > in_.size() - at_) fail();
    const char* p = in_.data() + at_;
    at_ += bytes;
    return p;
  }
  [[noreturn]] void fail() const { throw ConfigError(source_ + ": binary form is too short or corrupt"); }
  const std::string& in_;
  size_t& at_;
  std::string source_;
};

void parse_document(rapidjson::Document& doc, const std::string& text, const std::string& source);
std::string to_pretty_string(const rapidjson::Value& value);
std::string to_compact_string(const rapidjson::Value& value);

}  // namespace config_detail

// Parses JSON text into a config; `source` names it in error messages (a file path, "--config").
template <class T>
T parse_config(const std::string& text, const std::string& source, T config = T()) {
  rapidjson::Document doc;
  config_detail::parse_document(doc, text, source);
  config_detail::ErrorList errors;
  config_detail::Reader::read(doc, config, "", &errors);
  config_detail::throw_errors(errors, source);
  return config;
}

// Throws ConfigError for a field of `config` outside its declared range or choices (a config built in code,
// or a parsed one changed afterwards, e.g. by command-line options); `source` names it in the message.
template <class T>
void check_config(const T& config, const std::string& source) {
  config_detail::ErrorList errors;
  config_detail::Checker::check(const_cast<T&>(config), "", &errors);  // fields() only reads through a Checker
  config_detail::throw_errors(errors, source);
}

// Reads and validates a JSON config file.
template <class T>
T load_config(const std::string& path, T defaults = T());

// The resolved config as pretty JSON (every field, defaults included).
template <class T>
std::string config_to_json(const T& config) {
  rapidjson::Document doc;
  config_detail::Writer::write(doc, config, doc.GetAllocator());
  return config_detail::to_pretty_string(doc);
}
// The same on one line.
template <class T>
std::string config_to_compact_json(const T& config) {
  rapidjson::Document doc;
  config_detail::Writer::write(doc, config, doc.GetAllocator());
  return config_detail::to_compact_string(doc);
}

// One JSON object on one line, built field by field (the log lines of metrics.jsonl and eval.jsonl):
// strings escaped by rapidjson, floating point with 9 significant digits, non-finite numbers as null (JSON
// has no NaN), integers exactly.
class JsonLine {
 public:
  JsonLine& add(const std::string& key, const std::string& value);
  JsonLine& add(const std::string& key, const char* value) { return add(key, std::string(value)); }
  JsonLine& add(const std::string& key, double value);
  JsonLine& add(const std::string& key, int64_t value);
  JsonLine& add(const std::string& key, int value) { return add(key, int64_t(value)); }
  std::string str() const { return "{" + body_ + "}"; }

 private:
  void key(const std::string& k);
  std::string body_;
};
// A string as a JSON string literal, quotes included.
std::string json_quote(const std::string& text);

// The canonical binary form (see BytesWriter): equal configs give equal bytes.
template <class T>
std::string config_to_bytes(const T& config) {
  std::string out;
  config_detail::BytesWriter::write(out, config);
  return out;
}
// Reads the canonical binary form and runs the field checks; throws ConfigError (naming `source`) for bytes
// of the wrong length or values out of range.
template <class T>
T config_from_bytes(const std::string& bytes, const std::string& source, T config = T()) {
  size_t at = 0;
  config_detail::BytesReader reader(bytes, at, source);
  reader.read(config);
  if (at != bytes.size()) throw ConfigError(source + ": binary form has " + std::to_string(bytes.size() - at) + " bytes too many");
  check_config(config, source);
  return config;
}

// One field of a config, for descriptions (lamarck envs params, level descriptions in Python).
struct ConfigField {
  std::string path;   // "gravity", "inner.lr" (a vector or array is one field)
  std::string type;   // "a number", "an integer", "a boolean", "an array of fixed size", ...
  std::string value;  // the field's current value as compact JSON
};

namespace config_detail {
class Lister {
 public:
  Lister(std::vector<ConfigField>& out, std::string path) : out_(out), path_(std::move(path)) {}
  template <class T>
  FieldCheck<T> operator()(const char* key, T& value) {
    const std::string path = join_path(path_, key);
    if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string> || is_sequence<T>) {
      rapidjson::Document doc;
      Writer::write(doc, value, doc.GetAllocator());
      out_.push_back(ConfigField{path, type_name<T>(), to_compact_string(doc)});
    } else {
      Lister nested(out_, path);
      value.fields(nested);
    }
    return FieldCheck<T>(nullptr, path);
  }

 private:
  std::vector<ConfigField>& out_;
  std::string path_;
};
}  // namespace config_detail

// Every field of `config` (nested structs flattened to dotted paths), in declaration order.
template <class T>
std::vector<ConfigField> config_fields(const T& config) {
  std::vector<ConfigField> out;
  config_detail::Lister lister(out, "");
  const_cast<T&>(config).fields(lister);  // fields() only reads through a Lister
  return out;
}

}  // namespace lamarck

#include "lamarck/core/serialize.h"

namespace lamarck {
template <class T>
T load_config(const std::string& path, T defaults) {
  return parse_config<T>(read_file(path), path, std::move(defaults));
}
}  // namespace lamarck
