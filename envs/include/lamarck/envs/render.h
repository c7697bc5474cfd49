// Rendering of env observations to RGB images, PNG files and animated GIFs (for `lamarck envs render`).
// Each env family draws its own frames (a draw function registered with the env: src/classic.cpp,
// src/minatar.cpp, src/box2d.cpp) with the primitives below; the image code (src/image.cpp) knows no env.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lamarck/envs/batch_env.h"

namespace lamarck::envs {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // (height, width, 3), row-major, top row first
  void fill(uint8_t r, uint8_t g, uint8_t b);
  void set(int x, int y, uint8_t r, uint8_t g, uint8_t b);  // ignores pixels outside the image
};

struct Rgb {
  uint8_t r, g, b;
};

// Drawing primitives in pixel coordinates (pixels outside the image are skipped).
void line(Image& im, double x0, double y0, double x1, double y1, Rgb c, int thickness = 3);
void disc(Image& im, double cx, double cy, double radius, Rgb c);
void box(Image& im, double x0, double y0, double x1, double y1, Rgb c);  // filled, corners inclusive

// The frame of one instance, drawn by the env's registered draw function from its observation row `obs`
// (spec.observation.size() floats); InvalidArgument for an env that has none.
Image render_observation(const Spec& spec, const float* obs);
// A whole level (JSON of its fields, as BatchEnv::get_level gives it) drawn by the env (the maze's full
// grid with the agent and the goal); InvalidArgument for an env that has none.
Image render_level(const std::string& env_name, const std::string& level_json);
// Images side by side in rows of `columns` (a grid of levels), separated by `gap` pixels of `background`;
// every image the size of the first (InvalidArgument otherwise).
Image tile_images(const std::vector<Image>& images, int columns, int gap = 4, Rgb background = Rgb{255, 255, 255});

// PNG (8-bit RGB, zlib stored blocks, no compression library needed). write_png replaces `path`
// atomically; throws FileError on failure.
std::vector<uint8_t> encode_png(const Image& image);
void write_png(const std::string& path, const Image& image);

// Animated GIF (GIF89a, LZW, loops forever), built a frame at a time. Frames share the first frame's size
// and one global colour table of at most 256 colours, filled in order of first appearance; a colour
// seen once the table is full is drawn as its nearest table colour (squared RGB distance).
class GifEncoder {
 public:
  explicit GifEncoder(int delay_centiseconds = 10);
  void add_frame(const Image& image);  // InvalidArgument on an empty image or a size unlike the first
  int frames() const { return frames_; }
  std::vector<uint8_t> finish() const;  // the whole file
  void write(const std::string& path) const;  // atomically; FileError on failure

 private:
  uint8_t index_of(uint8_t r, uint8_t g, uint8_t b);
  int delay_, width_ = 0, height_ = 0, frames_ = 0;
  std::vector<uint32_t> palette_;   // 0xRRGGBB, at most 256
  std::vector<uint8_t> encoded_;    // the frames' blocks (control extension, descriptor, LZW data)
};

}  // namespace lamarck::envs
