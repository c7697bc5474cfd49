#include "lamarck/envs/render.h"

#include <gtest/gtest.h>

#include <set>

#include "lamarck/envs/registry.h"

namespace lamarck::envs {
namespace {

uint32_t be32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t(b[at]) << 24 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at + 2]) << 8 | b[at + 3];
}

TEST(Render, PngHasSignatureHeaderDataAndEnd) {
  Image im;
  im.width = 300;
  im.height = 250;  // raw size > 65535: several stored deflate blocks
  im.fill(10, 20, 30);
  const std::vector<uint8_t> png = encode_png(im);
  const std::vector<uint8_t> signature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  ASSERT_TRUE(std::equal(signature.begin(), signature.end(), png.begin()));
  EXPECT_EQ(std::string(png.begin() + 12, png.begin() + 16), "IHDR");
  EXPECT_EQ(be32(png, 16), 300u);
  EXPECT_EQ(be32(png, 20), 250u);
  EXPECT_EQ(std::string(png.end() - 8, png.end() - 4), "IEND");
  // stored blocks: the payload is the raw scanlines plus a few bytes per 64 KiB block
  const size_t raw = 250 * (300 * 3 + 1);
  EXPECT_GT(png.size(), raw);
  EXPECT_LT(png.size(), raw + 200);
}

TEST(Render, EveryEnvDrawsSomething) {
  for (const auto& name : env_names()) {
    auto env = make_env(name, 1, Exec{Device::cpu, 1});
    env->reset(3);
    const Image im = render_observation(env->spec(), env->observations());
    std::set<uint32_t> colours;
    for (size_t i = 0; i < im.rgb.size(); i += 3)
      colours.insert(uint32_t(im.rgb[i]) << 16 | uint32_t(im.rgb[i + 1]) << 8 | im.rgb[i + 2]);
    EXPECT_GE(colours.size(), 2u) << name;  // background and at least the player
  }
}

}  // namespace
}  // namespace lamarck::envs
