#include "lamarck/core/serialize.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "lamarck/core/version.h"

namespace lamarck {

namespace {
constexpr char kMagic[4] = {'L', 'M', 'C', 'K'};
constexpr uint32_t kEnvelopeVersion = 1;
constexpr uint32_t kMaxKindLength = 256;

std::string errno_text() { return std::strerror(errno); }

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(char((v >> (8 * i)) & 0xff));
}

// Reads little-endian fields from a byte string, failing with a "truncated" error past its end.
struct Reader {
  const std::string& path;
  const std::string& bytes;
  size_t pos = 0;
  void need(size_t n, const char* what) const {
    if (bytes.size() - pos < n)
      throw FileError("'" + path + "' is truncated: it ends inside the " + what + " (" +
                      std::to_string(bytes.size()) + " bytes in the file)");
  }
  uint64_t get(int n, const char* what) {
    need(size_t(n), what);
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= uint64_t(uint8_t(bytes[pos + size_t(i)])) << (8 * i);
    pos += size_t(n);
    return v;
  }
};

std::string version_text(VersionRange v) {
  return v.min == v.max ? std::to_string(v.min) : std::to_string(v.min) + ".." + std::to_string(v.max);
}

void check_tag(const std::string& path, const FileTag& tag, const std::string& kind, VersionRange versions) {
  if (tag.kind != kind)
    throw FileError("'" + path + "' holds a '" + tag.kind + "', not a '" + kind + "'");
  if (tag.version < versions.min || tag.version > versions.max) {
    const char* hint = tag.version > versions.max ? " (written by a newer lamarck?)" : " (too old for this lamarck)";
    throw FileError("'" + path + "' is " + kind + " format version " + std::to_string(tag.version) +
                    ", this build reads version " + version_text(versions) + hint);
  }
}
}  // namespace

std::string writer_string() { return std::string("lamarck ") + kVersion; }

uint64_t fnv1a64(const void* data, size_t bytes, uint64_t hash) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < bytes; ++i) {
    hash ^= p[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FileError("cannot open '" + path + "' for reading: " + errno_text());
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw FileError("error while reading '" + path + "'");
  return buffer.str();
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
  static std::atomic<uint64_t> counter{0};
  const std::string temp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw FileError("cannot create '" + temp + "' (for '" + path + "'): " + errno_text());
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = errno_text();
      ::close(fd);
      ::unlink(temp.c_str());
      throw FileError("cannot write '" + temp + "': " + why);
    }
    written += size_t(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string why = errno_text();
    ::unlink(temp.c_str());
    throw FileError("cannot flush '" + temp + "': " + why);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string why = errno_text();
    ::unlink(temp.c_str());
    throw FileError("cannot move '" + temp + "' to '" + path + "': " + why);
  }
  // make the rename itself durable
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

std::string wrap_binary(const FileTag& tag, const std::string& payload) {
  LMK_ASSERT(tag.kind.size() <= kMaxKindLength, "file kind name too long");
  std::string out(kMagic, 4);
  put_u32(out, kEnvelopeVersion);
  put_u32(out, uint32_t(tag.kind.size()));
  out += tag.kind;
  put_u32(out, tag.version);
  put_u64(out, payload.size());
  const uint64_t checksum = fnv1a64(payload.data(), payload.size(), fnv1a64(out.data(), out.size()));
  put_u64(out, checksum);
  out += payload;
  return out;
}

std::string unwrap_binary(const std::string& path, const std::string& bytes, const std::string& kind,
                          VersionRange versions, FileTag* tag) {
  Reader r{path, bytes};
  r.need(4, "file signature");
  if (std::memcmp(bytes.data(), kMagic, 4) != 0)
    throw FileError("'" + path + "' is not a lamarck binary file (bad signature)");
  r.pos = 4;
  const uint32_t envelope = uint32_t(r.get(4, "header"));
  if (envelope != kEnvelopeVersion)
    throw FileError("'" + path + "' has binary envelope version " + std::to_string(envelope) + ", this build reads " +
                    std::to_string(kEnvelopeVersion));
  const uint32_t kind_length = uint32_t(r.get(4, "header"));
  if (kind_length > kMaxKindLength) throw FileError("'" + path + "' is corrupted: implausible header");
  r.need(kind_length, "header");
  FileTag file_tag;
  file_tag.kind = bytes.substr(r.pos, kind_length);
  r.pos += kind_length;
  file_tag.version = uint32_t(r.get(4, "header"));
  const uint64_t payload_size = r.get(8, "header");
  const size_t checked_prefix = r.pos;
  const uint64_t stored_checksum = r.get(8, "header");
  const size_t available = bytes.size() - r.pos;
  if (payload_size > available)
    throw FileError("'" + path + "' is truncated: " + std::to_string(available) + " of " +
                    std::to_string(payload_size) + " payload bytes present");
  if (payload_size < available)
    throw FileError("'" + path + "' is corrupted: " + std::to_string(available - payload_size) +
                    " unexpected bytes after the payload");
  const uint64_t checksum =
      fnv1a64(bytes.data() + r.pos, size_t(payload_size), fnv1a64(bytes.data(), checked_prefix));
  if (checksum != stored_checksum)
    throw FileError("'" + path + "' is corrupted: checksum mismatch");
  check_tag(path, file_tag, kind, versions);
  file_tag.writer = "";
  if (tag) *tag = file_tag;
  return bytes.substr(r.pos);
}

FileTag check_json_tag(const std::string& path, const std::string& text, const std::string& kind,
                       VersionRange versions) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError())
    throw FileError("'" + path + "' is not valid JSON (truncated or corrupted?): " +
                    rapidjson::GetParseError_En(doc.GetParseError()) + " at byte " +
                    std::to_string(doc.GetErrorOffset()));
  if (!doc.IsObject() || !doc.HasMember("lamarck") || !doc["lamarck"].IsObject())
    throw FileError("'" + path + "' is not a lamarck file: no \"lamarck\" header");
  const auto& header = doc["lamarck"];
  if (!header.HasMember("kind") || !header["kind"].IsString() || !header.HasMember("version") ||
      !header["version"].IsUint())
    throw FileError("'" + path + "' has a malformed \"lamarck\" header (needs string kind and integer version)");
  FileTag tag;
  tag.kind = header["kind"].GetString();
  tag.version = header["version"].GetUint();
  if (header.HasMember("writer") && header["writer"].IsString()) tag.writer = header["writer"].GetString();
  check_tag(path, tag, kind, versions);
  if (!doc.HasMember("data")) throw FileError("'" + path + "' has no \"data\" section");
  return tag;
}

}  // namespace lamarck
