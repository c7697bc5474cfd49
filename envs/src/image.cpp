// Images: pixels, drawing primitives and the PNG and animated-GIF encoders (no image library); see render.h.
#include "lamarck/envs/render.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <unordered_map>

#include "lamarck/core/error.h"
#include "lamarck/core/serialize.h"

namespace lamarck::envs {

void Image::fill(uint8_t r, uint8_t g, uint8_t b) {
  rgb.assign(size_t(width) * size_t(height) * 3, 0);
  for (size_t i = 0; i < rgb.size(); i += 3) {
    rgb[i] = r;
    rgb[i + 1] = g;
    rgb[i + 2] = b;
  }
}

void Image::set(int x, int y, uint8_t r, uint8_t g, uint8_t b) {
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  const size_t i = (size_t(y) * size_t(width) + size_t(x)) * 3;
  rgb[i] = r;
  rgb[i + 1] = g;
  rgb[i + 2] = b;
}

void line(Image& im, double x0, double y0, double x1, double y1, Rgb c, int thickness) {
  const int steps = int(std::max(std::fabs(x1 - x0), std::fabs(y1 - y0))) + 1;
  for (int s = 0; s <= steps; ++s) {
    const double t = double(s) / steps;
    const int x = int(std::lround(x0 + t * (x1 - x0))), y = int(std::lround(y0 + t * (y1 - y0)));
    for (int dy = -thickness / 2; dy <= thickness / 2; ++dy)
      for (int dx = -thickness / 2; dx <= thickness / 2; ++dx) im.set(x + dx, y + dy, c.r, c.g, c.b);
  }
}

void disc(Image& im, double cx, double cy, double radius, Rgb c) {
  for (int y = int(cy - radius); y <= int(cy + radius); ++y)
    for (int x = int(cx - radius); x <= int(cx + radius); ++x)
      if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius) im.set(x, y, c.r, c.g, c.b);
}

void box(Image& im, double x0, double y0, double x1, double y1, Rgb c) {
  for (int y = int(y0); y <= int(y1); ++y)
    for (int x = int(x0); x <= int(x1); ++x) im.set(x, y, c.r, c.g, c.b);
}

Image tile_images(const std::vector<Image>& images, int columns, int gap, Rgb background) {
  if (images.empty()) throw InvalidArgument("tile_images: no images");
  if (columns < 1) throw InvalidArgument("tile_images: columns must be at least 1");
  const int w = images[0].width, h = images[0].height, n = int(images.size());
  const int cols = std::min(columns, n), rows = (n + cols - 1) / cols;
  Image out;
  out.width = cols * w + (cols - 1) * gap;
  out.height = rows * h + (rows - 1) * gap;
  out.fill(background.r, background.g, background.b);
  for (int k = 0; k < n; ++k) {
    const Image& im = images[size_t(k)];
    if (im.width != w || im.height != h)
      throw InvalidArgument("tile_images: image " + std::to_string(k) + " is " + std::to_string(im.width) + "x" +
                            std::to_string(im.height) + ", the first is " + std::to_string(w) + "x" + std::to_string(h));
    const int ox = (k % cols) * (w + gap), oy = (k / cols) * (h + gap);
    for (int y = 0; y < h; ++y)
      std::copy_n(im.rgb.begin() + ptrdiff_t(size_t(y) * size_t(w) * 3), size_t(w) * 3,
                  out.rgb.begin() + ptrdiff_t((size_t(oy + y) * size_t(out.width) + size_t(ox)) * 3));
  }
  return out;
}

namespace {

uint32_t crc32(const uint8_t* data, size_t n, uint32_t crc = 0) {
  static uint32_t table[256];
  static bool ready = false;
  if (!ready) {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    ready = true;
  }
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
}

void chunk(std::vector<uint8_t>& out, const char* type, const std::vector<uint8_t>& data) {
  put32(out, uint32_t(data.size()));
  std::vector<uint8_t> body(type, type + 4);
  body.insert(body.end(), data.begin(), data.end());
  out.insert(out.end(), body.begin(), body.end());
  put32(out, crc32(body.data(), body.size()));
}

}  // namespace

std::vector<uint8_t> encode_png(const Image& image) {
  // raw scanlines, each with filter byte 0
  std::vector<uint8_t> raw;
  raw.reserve(size_t(image.height) * (size_t(image.width) * 3 + 1));
  for (int y = 0; y < image.height; ++y) {
    raw.push_back(0);
    raw.insert(raw.end(), image.rgb.begin() + ptrdiff_t(size_t(y) * size_t(image.width) * 3),
               image.rgb.begin() + ptrdiff_t(size_t(y + 1) * size_t(image.width) * 3));
  }
  // zlib stream of stored (uncompressed) deflate blocks, with its Adler-32
  std::vector<uint8_t> z = {0x78, 0x01};
  for (size_t at = 0; at < raw.size() || at == 0; at += 65535) {
    const size_t n = std::min<size_t>(65535, raw.size() - at);
    z.push_back(at + n >= raw.size() ? 1 : 0);
    z.push_back(uint8_t(n));
    z.push_back(uint8_t(n >> 8));
    z.push_back(uint8_t(~n));
    z.push_back(uint8_t(~n >> 8));
    z.insert(z.end(), raw.begin() + ptrdiff_t(at), raw.begin() + ptrdiff_t(at + n));
    if (raw.empty()) break;
  }
  uint32_t a = 1, b = 0;
  for (uint8_t v : raw) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  put32(z, (b << 16) | a);
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<uint8_t> header;
  put32(header, uint32_t(image.width));
  put32(header, uint32_t(image.height));
  header.insert(header.end(), {8, 2, 0, 0, 0});  // 8-bit, RGB, deflate, no filter, no interlace
  chunk(png, "IHDR", header);
  chunk(png, "IDAT", z);
  chunk(png, "IEND", {});
  return png;
}

void write_png(const std::string& path, const Image& image) {
  const std::vector<uint8_t> bytes = encode_png(image);
  write_file_atomic(path, std::string(bytes.begin(), bytes.end()));
}

// ---- GIF -----------------------------------------------------------------------------------------
// GIF89a as specified by CompuServe's "Graphics Interchange Format, Version 89a" (1990): a logical
// screen with a 256-entry global colour table, the NETSCAPE2.0 looping extension, then per frame a
// graphic control extension (delay), an image descriptor and variable-width LZW codes (8-bit roots,
// 9..12-bit codes, least significant bit first) in sub-blocks of at most 255 bytes.

namespace {

void put16le(std::vector<uint8_t>& out, int v) {
  out.push_back(uint8_t(v & 0xFF));
  out.push_back(uint8_t((v >> 8) & 0xFF));
}

// LZW codes of one frame's indices, packed into sub-blocks and appended to `out`.
void lzw_encode(const std::vector<uint8_t>& indices, std::vector<uint8_t>& out) {
  constexpr int kMinCodeSize = 8, kClear = 256, kEnd = 257, kMaxCodes = 4096;
  std::vector<uint8_t> bytes;
  uint32_t bit_buffer = 0;
  int bit_count = 0, width = kMinCodeSize + 1, next = kEnd + 1;
  auto emit = [&](int code) {
    bit_buffer |= uint32_t(code) << bit_count;
    bit_count += width;
    while (bit_count >= 8) {
      bytes.push_back(uint8_t(bit_buffer & 0xFF));
      bit_buffer >>= 8;
      bit_count -= 8;
    }
  };
  std::unordered_map<uint32_t, uint16_t> table;  // (prefix code << 8 | index) -> code
  emit(kClear);
  int prefix = indices.empty() ? -1 : indices[0];
  for (size_t i = 1; i < indices.size(); ++i) {
    const uint32_t key = uint32_t(prefix) << 8 | indices[i];
    const auto it = table.find(key);
    if (it != table.end()) {
      prefix = it->second;
      continue;
    }
    emit(prefix);
    table.emplace(key, uint16_t(next++));
    // the decoder adds each entry one code later, so widths grow once `next` passes 2^width
    if (next > (1 << width) && width < 12) ++width;
    if (next == kMaxCodes) {  // table full: start over
      emit(kClear);
      table.clear();
      width = kMinCodeSize + 1;
      next = kEnd + 1;
    }
    prefix = indices[i];
  }
  if (prefix >= 0) emit(prefix);
  emit(kEnd);
  if (bit_count > 0) bytes.push_back(uint8_t(bit_buffer & 0xFF));
  out.push_back(uint8_t(kMinCodeSize));
  for (size_t at = 0; at < bytes.size(); at += 255) {
    const size_t n = std::min<size_t>(255, bytes.size() - at);
    out.push_back(uint8_t(n));
    out.insert(out.end(), bytes.begin() + ptrdiff_t(at), bytes.begin() + ptrdiff_t(at + n));
  }
  out.push_back(0);  // block terminator
}

}  // namespace

GifEncoder::GifEncoder(int delay_centiseconds) : delay_(delay_centiseconds) {
  if (delay_centiseconds < 0 || delay_centiseconds > 65535)
    throw InvalidArgument("gif: the frame delay must be in [0, 65535] hundredths of a second, got " +
                          std::to_string(delay_centiseconds));
}

uint8_t GifEncoder::index_of(uint8_t r, uint8_t g, uint8_t b) {
  const uint32_t c = uint32_t(r) << 16 | uint32_t(g) << 8 | b;
  for (size_t i = 0; i < palette_.size(); ++i)
    if (palette_[i] == c) return uint8_t(i);
  if (palette_.size() < 256) {
    palette_.push_back(c);
    return uint8_t(palette_.size() - 1);
  }
  size_t best = 0;
  long best_d = -1;
  for (size_t i = 0; i < palette_.size(); ++i) {
    const long dr = long(palette_[i] >> 16) - r, dg = long((palette_[i] >> 8) & 0xFF) - g,
               db = long(palette_[i] & 0xFF) - b;
    const long d = dr * dr + dg * dg + db * db;
    if (best_d < 0 || d < best_d) {
      best_d = d;
      best = i;
    }
  }
  return uint8_t(best);
}

void GifEncoder::add_frame(const Image& image) {
  if (image.width <= 0 || image.height <= 0 || image.width > 65535 || image.height > 65535 ||
      image.rgb.size() != size_t(image.width) * size_t(image.height) * 3)
    throw InvalidArgument("gif: a frame must be a non-empty RGB image of at most 65535 x 65535 pixels");
  if (frames_ == 0) {
    width_ = image.width;
    height_ = image.height;
  } else if (image.width != width_ || image.height != height_) {
    throw InvalidArgument("gif: frame " + std::to_string(frames_) + " is " + std::to_string(image.width) + "x" +
                          std::to_string(image.height) + ", the first was " + std::to_string(width_) + "x" +
                          std::to_string(height_));
  }
  // indices, with a one-entry cache: frames are mostly runs of one colour
  std::vector<uint8_t> indices(size_t(width_) * size_t(height_));
  uint32_t last = 0xFFFFFFFFu;
  uint8_t last_index = 0;
  for (size_t i = 0; i < indices.size(); ++i) {
    const uint8_t* p = image.rgb.data() + 3 * i;
    const uint32_t c = uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2];
    if (c != last) {
      last = c;
      last_index = index_of(p[0], p[1], p[2]);
    }
    indices[i] = last_index;
  }
  // graphic control extension: no disposal, the delay, no transparency
  encoded_.insert(encoded_.end(), {0x21, 0xF9, 0x04, 0x04});
  put16le(encoded_, delay_);
  encoded_.insert(encoded_.end(), {0x00, 0x00});
  // image descriptor: the whole screen, no local colour table, not interlaced
  encoded_.push_back(0x2C);
  put16le(encoded_, 0);
  put16le(encoded_, 0);
  put16le(encoded_, width_);
  put16le(encoded_, height_);
  encoded_.push_back(0x00);
  lzw_encode(indices, encoded_);
  ++frames_;
}

std::vector<uint8_t> GifEncoder::finish() const {
  if (frames_ == 0) throw InvalidArgument("gif: no frames were added");
  std::vector<uint8_t> out = {'G', 'I', 'F', '8', '9', 'a'};
  put16le(out, width_);
  put16le(out, height_);
  out.insert(out.end(), {0xF7, 0x00, 0x00});  // global table of 2^(7+1) entries, 8-bit colour resolution
  for (int i = 0; i < 256; ++i) {
    const uint32_t c = i < int(palette_.size()) ? palette_[size_t(i)] : 0;
    out.insert(out.end(), {uint8_t(c >> 16), uint8_t(c >> 8), uint8_t(c)});
  }
  // NETSCAPE2.0 application extension: loop forever
  out.insert(out.end(), {0x21, 0xFF, 0x0B, 'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0', 0x03, 0x01, 0x00,
                         0x00, 0x00});
  out.insert(out.end(), encoded_.begin(), encoded_.end());
  out.push_back(0x3B);  // trailer
  return out;
}

void GifEncoder::write(const std::string& path) const {
  const std::vector<uint8_t> bytes = finish();
  write_file_atomic(path, std::string(bytes.begin(), bytes.end()));
}

}  // namespace lamarck::envs
