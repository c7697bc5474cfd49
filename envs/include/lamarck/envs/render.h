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

// PNG (8-bit RGB, zlib stored blocks, no compression library needed). Throws FileError on failure.
std::vector<uint8_t> encode_png(const Image& image);
void write_png(const std::string& path, const Image& image);

}  // namespace lamarck::envs
