// Per-element kernels shared by the CPU (OpenMP) and CUDA paths of the strategies: Gaussian perturbations
// regenerated from counter-based keys, antithetic sampling and the weighted-sum gradient estimate.
// Each is a functor with an LMK_HD call operator, launched with parallel_for; the CPU build and the CUDA
// build run the same arithmetic (fmad off on the GPU, -ffp-contract=off on the CPU).
#pragma once

#include <cmath>
#include <cstdint>

#include "lamarck/core/platform.h"
#include "lamarck/core/rng.h"

namespace lamarck::es {

// Four standard normals from Philox block `block` of `key` (Box-Muller on the two pairs of words).
LMK_HD inline void normal4(Key key, uint64_t block, float out[4]) {
  const Block4 b = random_block(key, block);
  const float r0 = sqrtf(-2.0f * logf(u32_to_open_unit_float(b.v[0])));
  const float t0 = 6.283185307179586f * u32_to_unit_float(b.v[1]);
  const float r1 = sqrtf(-2.0f * logf(u32_to_open_unit_float(b.v[2])));
  const float t1 = 6.283185307179586f * u32_to_unit_float(b.v[3]);
  out[0] = r0 * cosf(t0);
  out[1] = r0 * sinf(t0);
  out[2] = r1 * cosf(t1);
  out[3] = r1 * sinf(t1);
}

// Element j of the standard-normal vector of `key` (the same value normal4 gives at lane j % 4).
LMK_HD inline float normal_at(Key key, int64_t j) {
  float four[4];
  normal4(key, uint64_t(j / 4), four);
  return four[j % 4];
}

// Element j of the double-precision standard-normal vector of `key`: Philox block j/2 gives two 53-bit
// uniforms and one Box-Muller pair (cos for even j, sin for odd j).
LMK_HD inline double normal_double_at(Key key, int64_t j) {
  const Block4 b = random_block(key, uint64_t(j / 2));
  const double u1 = 1.0 - u64_to_unit_double(b.v[0], b.v[1]);  // (0, 1]
  const double u2 = u64_to_unit_double(b.v[2], b.v[3]);
  const double r = sqrt(-2.0 * log(u1)), t = 6.283185307179586 * u2;
  return (j % 2 == 0) ? r * cos(t) : r * sin(t);
}

// Host helper: out[0..n) = normal_double_at(key, 0..n), one logarithm per pair.
inline void normal_double_row(Key key, double* out, int64_t n) {
  for (int64_t p = 0; 2 * p < n; ++p) {
    const Block4 b = random_block(key, uint64_t(p));
    const double u1 = 1.0 - u64_to_unit_double(b.v[0], b.v[1]);
    const double u2 = u64_to_unit_double(b.v[2], b.v[3]);
    const double r = std::sqrt(-2.0 * std::log(u1)), t = 6.283185307179586 * u2;
    out[2 * p] = r * std::cos(t);
    if (2 * p + 1 < n) out[2 * p + 1] = r * std::sin(t);
  }
}

// Candidate row keys of one generation.
LMK_HD inline Key row_key(Key generation_key, int64_t row) { return fold_in(generation_key, uint64_t(row)); }

// Antithetic sampling: for pair k and 4-column block b,
//   x[2k] = mean + sigma * eps_k,  x[2k+1] = mean - sigma * eps_k,  eps_k = normals of row_key(gen, k).
// Launched over (P/2) * ceil(D/4) indices. With `antithetic` false, row k gets mean + sigma * eps_k.
struct SampleGaussian {
  Key gen;
  const float* mean;   // (D)
  const float* sigma;  // (D) per-coordinate std, or nullptr
  float sigma_scalar;  // used when sigma is nullptr
  float* out;          // (P, D)
  int64_t dim;
  int64_t blocks;      // ceil(D / 4)
  bool antithetic;
  LMK_HD void operator()(int64_t idx) const {
    const int64_t k = idx / blocks;
    const int64_t b = idx % blocks;
    float eps[4];
    normal4(row_key(gen, k), uint64_t(b), eps);
    const int64_t j0 = b * 4;
    const int64_t n = dim - j0 < 4 ? dim - j0 : 4;
    float* plus = out + (antithetic ? 2 * k : k) * dim + j0;
    float* minus = plus + dim;
    for (int64_t t = 0; t < n; ++t) {
      const float s = sigma ? sigma[j0 + t] : sigma_scalar;
      const float step = s * eps[t];
      plus[t] = mean[j0 + t] + step;
      if (antithetic) minus[t] = mean[j0 + t] - step;
    }
  }
};

// Weighted sum over rows of the centred population: grad[j] = sum_i w[i] * (x[i, j] - mean[j]), rows in
// order (deterministic, the same order on CPU and GPU). Launched over D columns.
struct WeightedDeviation {
  const float* x;     // (P, D)
  const float* w;     // (P)
  const float* mean;  // (D)
  float* grad;        // (D)
  int64_t pop;
  int64_t dim;
  LMK_HD void operator()(int64_t j) const {
    float acc = 0.0f;
    const float m = mean[j];
    for (int64_t i = 0; i < pop; ++i) acc += w[i] * (x[i * dim + j] - m);
    grad[j] = acc;
  }
};

// The same sum for a block of columns at once (CPU fast path: rows streamed once per block, contiguous
// inner loop that vectorises). Launched over ceil(D / kCols) column blocks; the per-column order of the
// additions is the same as WeightedDeviation's, so results are bitwise equal.
struct WeightedDeviationBlocked {
  static constexpr int64_t kCols = 256;
  const float* x;
  const float* w;
  const float* mean;
  float* grad;
  int64_t pop;
  int64_t dim;
  void operator()(int64_t block) const {
    const int64_t j0 = block * kCols;
    const int64_t n = dim - j0 < kCols ? dim - j0 : kCols;
    float acc[kCols];
    for (int64_t t = 0; t < n; ++t) acc[t] = 0.0f;
    const float* m = mean + j0;
    for (int64_t i = 0; i < pop; ++i) {
      const float wi = w[i];
      const float* row = x + i * dim + j0;
      for (int64_t t = 0; t < n; ++t) acc[t] += wi * (row[t] - m[t]);
    }
    for (int64_t t = 0; t < n; ++t) grad[j0 + t] = acc[t];
  }
};

}  // namespace lamarck::es

namespace lamarck::es {

// Host helper: out[0..D) = the standard-normal vector of `key` (as normal_at gives it).
inline void normal_row(Key key, float* out, int64_t dim) {
  float four[4];
  for (int64_t b = 0; b * 4 < dim; ++b) {
    normal4(key, uint64_t(b), four);
    for (int64_t t = 0; t < 4 && b * 4 + t < dim; ++t) out[b * 4 + t] = four[t];
  }
}

#if defined(LAMARCK_WITH_CUDA)
// CUDA launches of the kernels above (es/src/es_cuda.cu); pointers are device pointers.
namespace cuda {
void sample_gaussian(const SampleGaussian& kernel, int64_t count);
void weighted_deviation(const WeightedDeviation& kernel);
}  // namespace cuda
#endif

}  // namespace lamarck::es
