// Rendering of env observations to RGB images and PNG files (for `lamarck envs render`).
// MinAtar: one cell per grid square, each channel in its own colour (the highest channel set wins,
// as in the reference's display_state). Classic control: simple line drawings from the observation.
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

// The frame of one instance, drawn from its observation row `obs` (spec.observation.size() floats).
Image render_observation(const Spec& spec, const float* obs);

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
