// Internal: packs a strategy's own state into bytes and back (cereal portable binary).
#pragma once

#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <sstream>
#include <string>

namespace lamarck::es::detail {

template <class... T>
std::string to_bytes(const T&... values) {
  std::ostringstream out;
  {
    cereal::PortableBinaryOutputArchive ar(out);
    ar(values...);
  }
  return out.str();
}

template <class... T>
void from_bytes(const std::string& bytes, T&... values) {
  std::istringstream in(bytes);
  cereal::PortableBinaryInputArchive ar(in);
  ar(values...);
}

}  // namespace lamarck::es::detail
