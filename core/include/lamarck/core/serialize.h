// Files: cereal glue with a format version in every file, atomic writes and checksummed binaries.
//
// JSON files:   { "lamarck": {"kind": K, "version": V, "writer": "lamarck 0.1.0"}, "data": {...} }
// Binary files: "LMCK" | u32 envelope version | u32 kind length | kind | u32 format version
//               | u64 payload bytes | u64 FNV-1a checksum of all that precedes it and the payload
//               | payload (cereal portable binary, little-endian)
// Every write goes to a temporary file in the same directory, is flushed and fsync'ed, then renamed
// over the target, so a crash never leaves a half-written file under the real name. A truncated,
// corrupted, wrong-kind or wrong-version file is refused with a FileError that says which and why.
#pragma once

#include <cereal/archives/json.hpp>
#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <sstream>
#include <string>

#include "lamarck/core/error.h"

namespace lamarck {

// The identity written at the top of every lamarck file.
struct FileTag {
  std::string kind;      // what the file holds, e.g. "lpo_objective", "open_es_state"
  uint32_t version = 0;  // the format version of that kind
  std::string writer;    // "lamarck <version>"
  template <class Archive>
  void serialize(Archive& ar) {
    ar(cereal::make_nvp("kind", kind), cereal::make_nvp("version", version), cereal::make_nvp("writer", writer));
  }
};

// Which versions of a kind a reader accepts.
struct VersionRange {
  uint32_t min = 0;
  uint32_t max = 0;
  VersionRange(uint32_t exact) : min(exact), max(exact) {}  // NOLINT: a single version converts implicitly
  VersionRange(uint32_t lo, uint32_t hi) : min(lo), max(hi) {}
};

// ---- raw files ----------------------------------------------------------------------------------------
std::string read_file(const std::string& path);
// temp file + flush + fsync + rename (+ fsync of the directory)
void write_file_atomic(const std::string& path, const std::string& bytes);
uint64_t fnv1a64(const void* data, size_t bytes, uint64_t hash = 0xcbf29ce484222325ull);

// ---- envelopes (non-template parts) -------------------------------------------------------------------
std::string wrap_binary(const FileTag& tag, const std::string& payload);
// Checks magic, kind, version, length and checksum; returns the payload and fills `tag`.
std::string unwrap_binary(const std::string& path, const std::string& bytes, const std::string& kind,
                          VersionRange versions, FileTag* tag);
// Checks that `text` is JSON with a lamarck tag of this kind and an accepted version.
FileTag check_json_tag(const std::string& path, const std::string& text, const std::string& kind,
                       VersionRange versions);
std::string writer_string();

// ---- typed save/load ----------------------------------------------------------------------------------
template <class T>
std::string to_json_string(const std::string& kind, uint32_t version, const T& value) {
  std::ostringstream out;
  {
    cereal::JSONOutputArchive archive(out);
    FileTag tag{kind, version, writer_string()};
    archive(cereal::make_nvp("lamarck", tag), cereal::make_nvp("data", value));
  }
  out << '\n';
  return out.str();
}

template <class T>
void save_json(const std::string& path, const std::string& kind, uint32_t version, const T& value) {
  write_file_atomic(path, to_json_string(kind, version, value));
}

// Reads a JSON document with read(archive, version), which reads its "data" (whose layout may depend on the
// format version).
template <class F>
FileTag load_json_with(const std::string& path, const std::string& kind, VersionRange versions, F&& read) {
  const std::string text = read_file(path);
  const FileTag tag = check_json_tag(path, text, kind, versions);
  try {
    std::istringstream in(text);
    cereal::JSONInputArchive archive(in);
    read(archive, tag.version);
  } catch (const cereal::Exception& e) {
    throw FileError("cannot read '" + path + "' as " + kind + ": " + e.what());
  }
  return tag;
}

// Returns the file's tag (its version tells the caller which format it read).
template <class T>
FileTag load_json(const std::string& path, const std::string& kind, VersionRange versions, T& value) {
  return load_json_with(path, kind, versions,
                        [&](auto& archive, uint32_t) { archive(cereal::make_nvp("data", value)); });
}

template <class T>
void save_binary(const std::string& path, const std::string& kind, uint32_t version, const T& value) {
  std::ostringstream payload;
  {
    cereal::PortableBinaryOutputArchive archive(payload);
    archive(value);
  }
  write_file_atomic(path, wrap_binary(FileTag{kind, version, writer_string()}, payload.str()));
}

// Reads a binary payload with read(archive, version): its layout may depend on the format version.
template <class F>
FileTag load_binary_with(const std::string& path, const std::string& kind, VersionRange versions, F&& read) {
  FileTag tag;
  const std::string payload = unwrap_binary(path, read_file(path), kind, versions, &tag);
  try {
    std::istringstream in(payload);
    cereal::PortableBinaryInputArchive archive(in);
    read(archive, tag.version);
  } catch (const cereal::Exception& e) {
    throw FileError("cannot read '" + path + "' as " + kind + ": " + e.what());
  }
  return tag;
}

template <class T>
FileTag load_binary(const std::string& path, const std::string& kind, VersionRange versions, T& value) {
  return load_binary_with(path, kind, versions, [&](auto& archive, uint32_t) { archive(value); });
}

}  // namespace lamarck
