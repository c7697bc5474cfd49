#include "lamarck/envs/render.h"

#include <gtest/gtest.h>

#include <set>

#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"
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

// A plain GIF reader for the tests: the global colour table and each frame's pixels as RGB.
struct DecodedGif {
  int width = 0, height = 0;
  std::vector<std::vector<uint8_t>> frames;  // (height, width, 3)
  std::vector<int> delays;
  bool loops = false;
};

DecodedGif decode_gif(const std::vector<uint8_t>& f) {
  DecodedGif g;
  EXPECT_EQ(std::string(f.begin(), f.begin() + 6), "GIF89a");
  size_t at = 6;
  auto u16 = [&](size_t i) { return int(f[i]) | int(f[i + 1]) << 8; };
  g.width = u16(at);
  g.height = u16(at + 2);
  const uint8_t packed = f[at + 4];
  at += 7;
  std::vector<uint8_t> table;
  if (packed & 0x80) {
    const size_t n = size_t(1) << ((packed & 7) + 1);
    table.assign(f.begin() + ptrdiff_t(at), f.begin() + ptrdiff_t(at + 3 * n));
    at += 3 * n;
  }
  int delay = 0;
  while (at < f.size() && f[at] != 0x3B) {
    if (f[at] == 0x21) {  // extension
      const uint8_t label = f[at + 1];
      at += 2;
      if (label == 0xF9) delay = u16(at + 2);
      if (label == 0xFF && std::string(f.begin() + ptrdiff_t(at + 1), f.begin() + ptrdiff_t(at + 12)) == "NETSCAPE2.0")
        g.loops = true;
      while (f[at] != 0) at += f[at] + 1u;
      ++at;
      continue;
    }
    EXPECT_EQ(f[at], 0x2C) << "image descriptor expected at byte " << at;
    const int w = u16(at + 5), h = u16(at + 7);
    EXPECT_EQ(f[at + 9], 0);  // no local table, not interlaced
    at += 10;
    const int min_size = f[at++];
    std::vector<uint8_t> data;
    while (f[at] != 0) {
      data.insert(data.end(), f.begin() + ptrdiff_t(at + 1), f.begin() + ptrdiff_t(at + 1 + f[at]));
      at += f[at] + 1u;
    }
    ++at;
    // LZW decode
    const int clear = 1 << min_size, end = clear + 1;
    std::vector<std::vector<uint8_t>> dict;
    int width = min_size + 1, prev = -1;
    auto reset = [&] {
      dict.assign(size_t(end + 1), {});
      for (int i = 0; i < clear; ++i) dict[size_t(i)] = {uint8_t(i)};
      width = min_size + 1;
      prev = -1;
    };
    reset();
    std::vector<uint8_t> indices;
    size_t bit = 0;
    while (bit + size_t(width) <= data.size() * 8) {
      int code = 0;
      for (int k = 0; k < width; ++k, ++bit) code |= ((data[bit / 8] >> (bit % 8)) & 1) << k;
      if (code == clear) {
        reset();
        continue;
      }
      if (code == end) break;
      std::vector<uint8_t> entry;
      if (prev < 0) {
        entry = dict[size_t(code)];
      } else {
        if (code < int(dict.size())) {
          entry = dict[size_t(code)];
        } else {
          EXPECT_EQ(code, int(dict.size())) << "code out of range";
          entry = dict[size_t(prev)];
          entry.push_back(dict[size_t(prev)][0]);
        }
        if (dict.size() < 4096) {
          std::vector<uint8_t> added = dict[size_t(prev)];
          added.push_back(entry[0]);
          dict.push_back(added);
        }
      }
      indices.insert(indices.end(), entry.begin(), entry.end());
      prev = code;
      if (int(dict.size()) == (1 << width) && width < 12) ++width;
    }
    EXPECT_EQ(indices.size(), size_t(w) * size_t(h));
    std::vector<uint8_t> rgb;
    for (uint8_t i : indices) rgb.insert(rgb.end(), table.begin() + 3 * i, table.begin() + 3 * i + 3);
    g.frames.push_back(rgb);
    g.delays.push_back(delay);
  }
  EXPECT_LT(at, f.size());
  EXPECT_EQ(f.back(), 0x3B);
  return g;
}

TEST(Render, GifRoundTripsFramesExactly) {
  // a rendered env frame, then a noisy frame of 200 colours (long enough to fill and reset the LZW table)
  auto env = make_env("MinAtar/Breakout", 1, Exec{Device::cpu, 1});
  env->reset(5);
  const Image first = render_observation(env->spec(), env->observations());
  Image noisy = first;
  Philox rng(derive_key(7, 0, 0, 0));
  for (size_t i = 0; i < noisy.rgb.size(); i += 3) {
    const uint8_t v = uint8_t(rng.below(200));
    noisy.rgb[i] = v;
    noisy.rgb[i + 1] = uint8_t(255 - v);
    noisy.rgb[i + 2] = uint8_t(v / 2);
  }
  GifEncoder gif(7);
  gif.add_frame(first);
  gif.add_frame(noisy);
  const DecodedGif d = decode_gif(gif.finish());
  EXPECT_EQ(d.width, first.width);
  EXPECT_EQ(d.height, first.height);
  EXPECT_TRUE(d.loops);
  ASSERT_EQ(d.frames.size(), 2u);
  EXPECT_EQ(d.frames[0], first.rgb);
  EXPECT_EQ(d.frames[1], noisy.rgb);
  EXPECT_EQ(d.delays, (std::vector<int>{7, 7}));
}

TEST(Render, GifBeyond256ColoursUsesTheNearest) {
  Image im;
  im.width = 300;
  im.height = 1;
  im.rgb.resize(900);
  for (int x = 0; x < 300; ++x) {  // 300 distinct greys-ish colours
    im.rgb[size_t(3 * x)] = uint8_t(x % 256);
    im.rgb[size_t(3 * x + 1)] = uint8_t(x / 256 * 100);
    im.rgb[size_t(3 * x + 2)] = 0;
  }
  GifEncoder gif;
  gif.add_frame(im);
  const DecodedGif d = decode_gif(gif.finish());
  ASSERT_EQ(d.frames.size(), 1u);
  for (int x = 0; x < 300; ++x) {
    const uint8_t* got = d.frames[0].data() + 3 * x;
    if (x < 256) {
      EXPECT_EQ(got[0], x);  // the first 256 colours are exact
    } else {
      // (x - 256, 100, 0) is drawn as the closest table colour, (x - 256, 0, 0)... or any at the same distance
      const int dr = got[0] - (x - 256), dg = got[1] - 100, db = got[2];
      EXPECT_LE(dr * dr + dg * dg + db * db, 100 * 100) << x;
    }
  }
}

TEST(Render, GifRejectsBadFramesAndEmptyFiles) {
  GifEncoder gif;
  EXPECT_THROW(gif.finish(), InvalidArgument);
  Image a;
  EXPECT_THROW(gif.add_frame(a), InvalidArgument);
  a.width = 4;
  a.height = 3;
  a.fill(1, 2, 3);
  gif.add_frame(a);
  Image b = a;
  b.width = 3;
  b.height = 4;
  EXPECT_THROW(gif.add_frame(b), InvalidArgument);
  EXPECT_THROW(GifEncoder(-1), InvalidArgument);
  EXPECT_EQ(gif.frames(), 1);
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
