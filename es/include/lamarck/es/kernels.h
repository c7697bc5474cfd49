// Per-element kernels shared by the CPU (OpenMP) and CUDA paths of the strategies: Gaussian perturbations
// regenerated from counter-based keys, antithetic sampling and the weighted-sum gradient estimate.
// Each is a functor with an LMK_HD call operator, launched with parallel_for; the CPU build and the CUDA
// build run the same arithmetic (fmad off on the GPU, -ffp-contract=off on the CPU).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "lamarck/core/platform.h"
#include "lamarck/core/math.h"
#include "lamarck/core/rng.h"

// AVX2 paths of the row sampler (host code only), on core's eight-block Philox (LMK_PHILOX_X8, rng.h).
// -DLMK_NO_AVX2_PHILOX builds the plain loops instead, to compare the two on one machine.
#if defined(LMK_PHILOX_X8)
#define LMK_ES_AVX2_PHILOX 1
#endif

namespace lamarck::es {


// Four standard normals from Philox block `block` of `key` (Box-Muller on the two pairs of words).
LMK_HD inline void normal4(Key key, uint64_t block, float out[4]) {
  const Block4 b = random_block(key, block);
  const float r0 = sqrtf(-2.0f * log_unit24(int32_t(b.v[0] >> 8)));
  const float r1 = sqrtf(-2.0f * log_unit24(int32_t(b.v[2] >> 8)));
  const SinCos t0 = cos_sin_turn(u32_to_unit_float(b.v[1]));
  const SinCos t1 = cos_sin_turn(u32_to_unit_float(b.v[3]));
  out[0] = r0 * t0.cos;
  out[1] = r0 * t0.sin;
  out[2] = r1 * t1.cos;
  out[3] = r1 * t1.sin;
}

// Element j of the standard-normal vector of `key` (the same value normal4 gives at lane j % 4).
LMK_HD inline float normal_at(Key key, int64_t j) {
  float four[4];
  normal4(key, uint64_t(j / 4), four);
  return four[j % 4];
}

// The Box-Muller pair of Philox block p of `key`: two 53-bit uniforms, u1 in (0, 1], u2 in [0, 1);
// log, sin and cos from core/math.h (branch-free: the row loop below vectorises).
LMK_HD LMK_INLINE SinCosD normal_double_pair(Key key, uint64_t p) {
  const Block4 b = random_block(key, p);
  const double u1 = 1.0 - u64_to_unit_double(b.v[0], b.v[1]);
  const double u2 = u64_to_unit_double(b.v[2], b.v[3]);
  const double r = sqrt(-2.0 * log_d(u1));
  const SinCosD t = sincos_d(6.283185307179586 * u2);
  return SinCosD{r * t.sin, r * t.cos};
}

// Element j of the double-precision standard-normal vector of `key`: Philox block j/2 gives one
// Box-Muller pair (cos for even j, sin for odd j).
LMK_HD inline double normal_double_at(Key key, int64_t j) {
  const SinCosD pair = normal_double_pair(key, uint64_t(j / 2));
  return (j % 2 == 0) ? pair.cos : pair.sin;
}

// Host helper: out[0..n) = normal_double_at(key, 0..n), one logarithm per pair, SIMD over pairs.
inline void normal_double_row(Key key, double* out, int64_t n) {
  const int64_t pairs = n / 2;
#pragma omp simd
  for (int64_t p = 0; p < pairs; ++p) {
    const SinCosD pair = normal_double_pair(key, uint64_t(p));
    out[2 * p] = pair.cos;
    out[2 * p + 1] = pair.sin;
  }
  if (n % 2) out[n - 1] = normal_double_pair(key, uint64_t(pairs)).cos;
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

// CPU fast path of SampleGaussian: one antithetic pair per call (launched over P/2), its row generated in
// chunks whose blocks are independent so the loop vectorises. Bitwise equal to SampleGaussian.
struct SampleGaussianRows {
  static constexpr int64_t kChunk = 64;  // blocks per chunk (256 floats)
  Key gen;
  const float* mean;
  const float* sigma;
  float sigma_scalar;
  float* out;
  int64_t dim;
  bool antithetic;
  void operator()(int64_t k) const {
    const Key key = row_key(gen, k);
    float* plus = out + (antithetic ? 2 * k : k) * dim;
    float* minus = antithetic ? plus + dim : nullptr;
    alignas(64) float eps[4 * kChunk];
    for (int64_t b0 = 0; b0 * 4 < dim; b0 += kChunk) {
      chunk(key, uint64_t(b0), eps);
      const int64_t j0 = b0 * 4, n = dim - j0 < 4 * kChunk ? dim - j0 : 4 * kChunk;
#if defined(LMK_ES_AVX2_PHILOX)
      // Whole chunks of 32-byte aligned rows go to memory with non-temporal stores: the population is far
      // larger than the caches, and ordinary stores would first read every line they write.
      const uintptr_t rows_at = reinterpret_cast<uintptr_t>(plus + j0) |
                                (antithetic ? reinterpret_cast<uintptr_t>(minus + j0) : uintptr_t(0));
      if (n == 4 * kChunk && (rows_at & 31) == 0) {
        stream_chunk(eps, j0, plus, minus);
        continue;
      }
#endif
      for (int64_t t = 0; t < n; ++t) {
        const float step = (sigma ? sigma[j0 + t] : sigma_scalar) * eps[t];
        plus[j0 + t] = mean[j0 + t] + step;
        if (antithetic) minus[j0 + t] = mean[j0 + t] - step;
      }
    }
#if defined(LMK_ES_AVX2_PHILOX)
    _mm_sfence();  // the streamed rows are visible before the caller's threads join
#endif
  }
#if defined(LMK_ES_AVX2_PHILOX)
  // The store loop above for one whole chunk, as explicit multiplies and adds (the same bits), streamed.
  LMK_INLINE void stream_chunk(const float* eps, int64_t j0, float* plus, float* minus) const {
    const __m256 scalar = _mm256_set1_ps(sigma_scalar);
    for (int64_t t = 0; t < 4 * kChunk; t += 8) {
      const __m256 e = _mm256_load_ps(eps + t), m = _mm256_loadu_ps(mean + j0 + t);
      const __m256 step = _mm256_mul_ps(sigma ? _mm256_loadu_ps(sigma + j0 + t) : scalar, e);
      _mm256_stream_ps(plus + j0 + t, _mm256_add_ps(m, step));
      if (minus) _mm256_stream_ps(minus + j0 + t, _mm256_sub_ps(m, step));
    }
  }
  // Philox4x32-10 of the counters first .. first + 7 (core's philox4x32_10_x8), words shifted right by 8,
  // stored to v0..v3[0..8). Bit-identical to the plain loop of chunk().
  static LMK_INLINE void philox8(Key key, uint64_t first, int32_t* v0, int32_t* v1, int32_t* v2, int32_t* v3) {
    __m256i c[4];
    philox4x32_10_x8(key, first, c);
    _mm256_store_si256(reinterpret_cast<__m256i*>(v0), _mm256_srli_epi32(c[0], 8));
    _mm256_store_si256(reinterpret_cast<__m256i*>(v1), _mm256_srli_epi32(c[1], 8));
    _mm256_store_si256(reinterpret_cast<__m256i*>(v2), _mm256_srli_epi32(c[2], 8));
    _mm256_store_si256(reinterpret_cast<__m256i*>(v3), _mm256_srli_epi32(c[3], 8));
  }
  // log_unit24 on eight lanes, the same bits: the exponent and mantissa of float(v + 1) come
  // from its bit pattern instead of the branch-free search (both exact), the halving of m > sqrt(2) is a
  // select between m and m * 0.5 (exact), and the series is the same sequence of multiplies and adds.
  static LMK_INLINE __m256 log_unit24_8(__m256i v) {
    const __m256 one = _mm256_set1_ps(1.0f);
    const __m256i bits = _mm256_castps_si256(_mm256_cvtepi32_ps(_mm256_add_epi32(v, _mm256_set1_epi32(1))));
    const __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
    __m256 m = _mm256_castsi256_ps(
        _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)), _mm256_set1_epi32(0x3f800000)));
    const __m256 big = _mm256_cmp_ps(m, _mm256_set1_ps(1.41421356f), _CMP_GT_OQ);
    m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
    const __m256 t = _mm256_div_ps(_mm256_sub_ps(m, one), _mm256_add_ps(m, one)), t2 = _mm256_mul_ps(t, t);
    __m256 s = _mm256_add_ps(_mm256_set1_ps(0.285714286f), _mm256_mul_ps(t2, _mm256_set1_ps(0.222222222f)));
    s = _mm256_add_ps(_mm256_set1_ps(0.4f), _mm256_mul_ps(t2, s));
    s = _mm256_add_ps(_mm256_set1_ps(0.666666667f), _mm256_mul_ps(t2, s));
    s = _mm256_mul_ps(t, _mm256_add_ps(_mm256_set1_ps(2.0f), _mm256_mul_ps(t2, s)));
    const __m256 exponent = _mm256_sub_ps(_mm256_add_ps(e, _mm256_and_ps(big, one)), _mm256_set1_ps(24.0f));
    return _mm256_add_ps(_mm256_mul_ps(exponent, _mm256_set1_ps(0.693147181f)), s);
  }
  // cos_sin_turn of v / 2^24 on eight lanes, the same bits: the quarter-turn rotation is done
  // with selects and sign flips instead of multiplies by 0 and +-1 (equal, since sp is never -0).
  static LMK_INLINE void cos_sin_turn8(__m256i v, __m256& cos_out, __m256& sin_out) {
    const __m256 u = _mm256_mul_ps(_mm256_cvtepi32_ps(v), _mm256_set1_ps(1.0f / 16777216.0f));
    const __m256 k = _mm256_floor_ps(_mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(4.0f), u), _mm256_set1_ps(0.5f)));
    const __m256 phi = _mm256_mul_ps(_mm256_set1_ps(6.28318531f), _mm256_sub_ps(u, _mm256_mul_ps(_mm256_set1_ps(0.25f), k)));
    const __m256 p2 = _mm256_mul_ps(phi, phi);
    __m256 sp = _mm256_add_ps(_mm256_set1_ps(-0.000198412698f), _mm256_mul_ps(p2, _mm256_set1_ps(2.75573192e-6f)));
    sp = _mm256_add_ps(_mm256_set1_ps(0.00833333333f), _mm256_mul_ps(p2, sp));
    sp = _mm256_add_ps(_mm256_set1_ps(-0.166666667f), _mm256_mul_ps(p2, sp));
    sp = _mm256_mul_ps(phi, _mm256_add_ps(_mm256_set1_ps(1.0f), _mm256_mul_ps(p2, sp)));
    __m256 cp = _mm256_sub_ps(_mm256_set1_ps(2.48015873e-5f), _mm256_mul_ps(p2, _mm256_set1_ps(2.75573192e-7f)));
    cp = _mm256_add_ps(_mm256_set1_ps(-0.00138888889f), _mm256_mul_ps(p2, cp));
    cp = _mm256_add_ps(_mm256_set1_ps(0.0416666667f), _mm256_mul_ps(p2, cp));
    cp = _mm256_add_ps(_mm256_set1_ps(-0.5f), _mm256_mul_ps(p2, cp));
    cp = _mm256_add_ps(_mm256_set1_ps(1.0f), _mm256_mul_ps(p2, cp));
    // q = k mod 4 quarter turns: (cp, sp) -> (-sp, cp) -> (-cp, -sp) -> (sp, -cp)
    const __m256i q = _mm256_and_si256(_mm256_cvttps_epi32(k), _mm256_set1_epi32(3));
    const __m256 swap = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(q, _mm256_set1_epi32(1)), _mm256_set1_epi32(1)));
    const __m256i neg_c = _mm256_or_si256(_mm256_cmpeq_epi32(q, _mm256_set1_epi32(1)), _mm256_cmpeq_epi32(q, _mm256_set1_epi32(2)));
    const __m256i neg_s = _mm256_cmpeq_epi32(_mm256_and_si256(q, _mm256_set1_epi32(2)), _mm256_set1_epi32(2));
    const __m256 sign = _mm256_set1_ps(-0.0f);
    cos_out = _mm256_xor_ps(_mm256_blendv_ps(cp, sp, swap), _mm256_and_ps(_mm256_castsi256_ps(neg_c), sign));
    sin_out = _mm256_xor_ps(_mm256_blendv_ps(sp, cp, swap), _mm256_and_ps(_mm256_castsi256_ps(neg_s), sign));
  }
  // The Box-Muller loop of chunk() for blocks t .. t + 7: eps[4 t' + lane] in row order (a 4 x 8 transpose
  // of the four outputs), the same bits as the plain loop.
  static LMK_INLINE void box_muller8(const int32_t* v0, const int32_t* v1, const int32_t* v2, const int32_t* v3,
                                     float* eps) {
    const __m256 minus_two = _mm256_set1_ps(-2.0f);
    const __m256 r0 = _mm256_sqrt_ps(_mm256_mul_ps(minus_two, log_unit24_8(_mm256_load_si256(reinterpret_cast<const __m256i*>(v0)))));
    const __m256 r1 = _mm256_sqrt_ps(_mm256_mul_ps(minus_two, log_unit24_8(_mm256_load_si256(reinterpret_cast<const __m256i*>(v2)))));
    __m256 c0, s0, c1, s1;
    cos_sin_turn8(_mm256_load_si256(reinterpret_cast<const __m256i*>(v1)), c0, s0);
    cos_sin_turn8(_mm256_load_si256(reinterpret_cast<const __m256i*>(v3)), c1, s1);
    const __m256 a = _mm256_mul_ps(r0, c0), b = _mm256_mul_ps(r0, s0), c = _mm256_mul_ps(r1, c1), d = _mm256_mul_ps(r1, s1);
    // (a_i, b_i, c_i, d_i) for i = 0..7 -> eps[4 i .. 4 i + 3]
    const __m256 ab_lo = _mm256_unpacklo_ps(a, b), ab_hi = _mm256_unpackhi_ps(a, b);  // a0 b0 a1 b1 | a4 b4 a5 b5
    const __m256 cd_lo = _mm256_unpacklo_ps(c, d), cd_hi = _mm256_unpackhi_ps(c, d);
    const __m256 x0 = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(ab_lo), _mm256_castps_pd(cd_lo)));  // 0 | 4
    const __m256 x1 = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(ab_lo), _mm256_castps_pd(cd_lo)));  // 1 | 5
    const __m256 x2 = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(ab_hi), _mm256_castps_pd(cd_hi)));  // 2 | 6
    const __m256 x3 = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(ab_hi), _mm256_castps_pd(cd_hi)));  // 3 | 7
    _mm256_store_ps(eps, _mm256_permute2f128_ps(x0, x1, 0x20));
    _mm256_store_ps(eps + 8, _mm256_permute2f128_ps(x2, x3, 0x20));
    _mm256_store_ps(eps + 16, _mm256_permute2f128_ps(x0, x1, 0x31));
    _mm256_store_ps(eps + 24, _mm256_permute2f128_ps(x2, x3, 0x31));
  }
#endif
  // eps[4 t + lane] = normal4(key, first + t)[lane] for t < kChunk, lane < 4 (the order of the row):
  // structure-of-arrays Philox rounds and Box-Muller so the compiler vectorises across t (same arithmetic
  // as normal4, hence the same bits), interleaved on the store.
  static void chunk(Key key, uint64_t first, float* eps) {
    using namespace philox_detail;
    // the top 24 bits of each Philox word, as int32 (exactly the values u32_to_unit_float scales)
    alignas(64) int32_t v0[kChunk], v1[kChunk], v2[kChunk], v3[kChunk];
#if defined(LMK_ES_AVX2_PHILOX)
    // eight blocks per 256-bit register (core's philox4x32_10_x8), the same bits as the loop below
    for (int64_t t = 0; t < kChunk; t += 8) philox8(key, first + uint64_t(t), v0 + t, v1 + t, v2 + t, v3 + t);
#else
#pragma omp simd
    for (int64_t t = 0; t < kChunk; ++t) {
      const uint64_t ctr = first + uint64_t(t);
      uint32_t c0 = uint32_t(ctr), c1 = uint32_t(ctr >> 32), c2 = 0, c3 = 0;
      uint32_t k0 = key.w[0], k1 = key.w[1];
      for (int round = 0; round < 10; ++round) {
        const uint64_t p0 = uint64_t(kMul0) * c0;
        const uint64_t p1 = uint64_t(kMul1) * c2;
        const uint32_t n0 = uint32_t(p1 >> 32) ^ c1 ^ k0, n1 = uint32_t(p1);
        const uint32_t n2 = uint32_t(p0 >> 32) ^ c3 ^ k1, n3 = uint32_t(p0);
        c0 = n0;
        c1 = n1;
        c2 = n2;
        c3 = n3;
        k0 += kWeyl0;
        k1 += kWeyl1;
      }
      v0[t] = int32_t(c0 >> 8);
      v1[t] = int32_t(c1 >> 8);
      v2[t] = int32_t(c2 >> 8);
      v3[t] = int32_t(c3 >> 8);
    }
#endif
#if defined(LMK_ES_AVX2_PHILOX)
    for (int64_t t = 0; t < kChunk; t += 8) box_muller8(v0 + t, v1 + t, v2 + t, v3 + t, eps + 4 * t);
#else
    for (int64_t t = 0; t < kChunk; ++t) {
      // float(v) / 2^24 = u32_to_unit_float (exact)
      const float r0 = sqrtf(-2.0f * log_unit24(v0[t]));
      const float r1 = sqrtf(-2.0f * log_unit24(v2[t]));
      const SinCos t0 = cos_sin_turn(float(v1[t]) * (1.0f / 16777216.0f));
      const SinCos t1 = cos_sin_turn(float(v3[t]) * (1.0f / 16777216.0f));
      eps[4 * t] = r0 * t0.cos;
      eps[4 * t + 1] = r0 * t0.sin;
      eps[4 * t + 2] = r1 * t1.cos;
      eps[4 * t + 3] = r1 * t1.sin;
    }
#endif
  }
};

// Weighted sum over rows of the centred population: grad[j] = sum_i w[i] * (x[i * row_stride, j] - mean[j])
// for i < rows, in order (deterministic, the same order on CPU and GPU). row_stride 2 reads only the even
// rows: the "plus" members of antithetic pairs, whose partners are the same deviation negated, so the
// caller folds each pair into one weight w[k] = u[2k] - u[2k+1] and the sum reads half the population.
// Launched over D columns.
struct WeightedDeviation {
  const float* x;      // (rows * row_stride, D)
  const float* w;      // (rows)
  const float* mean;   // (D)
  float* grad;         // (D)
  int64_t rows;
  int64_t dim;
  int64_t row_stride = 1;
  LMK_HD void operator()(int64_t j) const {
    float acc = 0.0f;
    const float m = mean[j];
    for (int64_t i = 0; i < rows; ++i) acc += w[i] * (x[i * row_stride * dim + j] - m);
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
  int64_t rows;
  int64_t dim;
  int64_t row_stride = 1;
  void operator()(int64_t block) const {
    const int64_t j0 = block * kCols;
    const int64_t n = dim - j0 < kCols ? dim - j0 : kCols;
    float acc[kCols];
    for (int64_t t = 0; t < n; ++t) acc[t] = 0.0f;
    const float* m = mean + j0;
    for (int64_t i = 0; i < rows; ++i) {
      const float wi = w[i];
      const float* row = x + i * row_stride * dim + j0;
      for (int64_t t = 0; t < n; ++t) acc[t] += wi * (row[t] - m[t]);
    }
    for (int64_t t = 0; t < n; ++t) grad[j0 + t] = acc[t];
  }
};

// Weighted moments of regenerated noise rows, the O(P D) part of the PGPE, SNES and ARS updates:
//   m1[j] = sum_k w1[k] eps_k[j],   m2[j] = sum_k w2[k] (eps_k[j]^2 - 1)   (m2 only where w2 is not null)
// eps_k is the standard-normal vector of keys[k] (normal_at), accumulated in double in the order of k, the
// same order on CPU and GPU. Launched over ceil(D / 4) column blocks; each regenerates one Philox block
// per row, so nothing of size P x D is read.
struct NoiseMoments {
  const Key* keys;   // (count) row keys
  const double* w1;  // (count)
  const double* w2;  // (count) or nullptr
  int64_t count;
  int64_t dim;
  double* m1;  // (D)
  double* m2;  // (D), written where w2 is not null
  LMK_HD void operator()(int64_t b) const {
    double a1[4] = {0.0, 0.0, 0.0, 0.0}, a2[4] = {0.0, 0.0, 0.0, 0.0};
    float eps[4];
    for (int64_t k = 0; k < count; ++k) {
      normal4(keys[k], uint64_t(b), eps);
      for (int t = 0; t < 4; ++t) {
        const double e = double(eps[t]);
        a1[t] += w1[k] * e;
        if (w2) a2[t] += w2[k] * (e * e - 1.0);
      }
    }
    const int64_t j0 = 4 * b, n = dim - j0 < 4 ? dim - j0 : 4;
    for (int64_t t = 0; t < n; ++t) {
      m1[j0 + t] = a1[t];
      if (w2) m2[j0 + t] = a2[t];
    }
  }
};

// Diagonal-Gaussian candidates in double precision (Sep-CMA-ES): out[k, j] = float(mean[j] + scale[j] *
// z_k[j]), z_k the double normals of keys[k] (normal_double_at). Launched over P * ceil(D / 2) (row,
// Box-Muller pair) indices.
struct SampleDiagonalDouble {
  const Key* keys;      // (P)
  const double* mean;   // (D)
  const double* scale;  // (D) sigma * sqrt(c_j)
  float* out;           // (P, D)
  int64_t dim;
  int64_t pairs;        // ceil(D / 2)
  LMK_HD void operator()(int64_t idx) const {
    const int64_t k = idx / pairs, p = idx % pairs, j = 2 * p;
    const SinCosD z = normal_double_pair(keys[k], uint64_t(p));
    out[k * dim + j] = float(mean[j] + scale[j] * z.cos);
    if (j + 1 < dim) out[k * dim + j + 1] = float(mean[j + 1] + scale[j + 1] * z.sin);
  }
};

// Scaled double normals, one candidate per row (CMA-ES on CUDA): out[k, j] = scale[j] z_k[j], z_k the
// double normals of keys[k]. Launched over P * ceil(D / 2) (row, pair) indices.
struct DiagonalNormalsDouble {
  const Key* keys;      // (P)
  const double* scale;  // (D)
  double* out;          // (P, D)
  int64_t dim;
  int64_t pairs;
  LMK_HD void operator()(int64_t idx) const {
    const int64_t k = idx / pairs, p = idx % pairs, j = 2 * p;
    const SinCosD z = normal_double_pair(keys[k], uint64_t(p));
    out[k * dim + j] = scale[j] * z.cos;
    if (j + 1 < dim) out[k * dim + j + 1] = scale[j + 1] * z.sin;
  }
};

// Candidates from double-precision steps: out[i] = float(mean[i % dim] + sigma * y[i]) over P * D.
struct AffineRows {
  const double* y;     // (P, D)
  const double* mean;  // (D)
  double sigma;
  float* out;          // (P, D)
  int64_t dim;
  LMK_HD void operator()(int64_t i) const { out[i] = float(mean[i % dim] + sigma * y[i]); }
};

// Weighted moments of double-precision noise rows (Sep-CMA-ES's update), per column j, rows in order:
//   m1[j] = sum_{k < count1} w1[k] z_k[j],   m2[j] = sum_{k < count2} ((w2[k] c[j]) z_k[j]) z_k[j]
// z_k the double normals of keys[k]. Launched over ceil(D / 2) column pairs.
struct DiagonalMoments {
  const Key* keys;    // (count2), the first count1 also feed m1
  const double* w1;   // (count1)
  const double* w2;   // (count2)
  const double* c;    // (D) per-column factor of m2
  int64_t count1, count2, dim;
  double* m1;         // (D)
  double* m2;         // (D)
  LMK_HD void operator()(int64_t p) const {
    const int64_t j = 2 * p;
    const bool two = j + 1 < dim;
    double a1[2] = {0.0, 0.0}, a2[2] = {0.0, 0.0};
    const double c0 = c[j], c1 = two ? c[j + 1] : 0.0;
    for (int64_t k = 0; k < count2; ++k) {
      const SinCosD z = normal_double_pair(keys[k], uint64_t(p));
      if (k < count1) {
        a1[0] += w1[k] * z.cos;
        a1[1] += w1[k] * z.sin;
      }
      a2[0] += w2[k] * c0 * z.cos * z.cos;
      a2[1] += w2[k] * c1 * z.sin * z.sin;
    }
    m1[j] = a1[0];
    m2[j] = a2[0];
    if (two) {
      m1[j + 1] = a1[1];
      m2[j + 1] = a2[1];
    }
  }
};

// Sum of squares of each double-precision noise row, columns in order (Sep-CMA-ES's active update scales
// negative weights by D / |z|^2). Launched over rows.
struct NormalDoubleSquares {
  const Key* keys;  // (rows)
  int64_t dim;
  double* out;      // (rows)
  LMK_HD void operator()(int64_t k) const {
    double sq = 0.0;
    for (int64_t j = 0; j < dim; ++j) {
      const double z = normal_double_at(keys[k], j);
      sq += z * z;
    }
    out[k] = sq;
  }
};

// Offspring of the GAs: row k = a parent row (with crossover: per element one of two parent rows) plus
// scale[k] * eps_k, eps_k the standard normals of keys[k] (normal_at); scale 0 copies the parent exactly.
// The crossover draw of element j is word mask_word[k] + j of mask_keys[k]'s Philox stream, the word a
// sequential Philox::uniform would draw for it. Launched over P * ceil(D / 4) (row, 4-column block) pairs.
struct OffspringRows {
  const float* parents;        // (R, D)
  const int32_t* first;        // (P) parent row of each offspring
  const int32_t* second;       // (P) the other parent (crossover), or nullptr
  const Key* keys;             // (P) mutation keys
  const Key* mask_keys;        // (P) crossover stream keys (with second)
  const uint64_t* mask_word;   // (P) index of the first crossover word (with second)
  const float* scale;          // (P) mutation scale
  float crossover;             // probability of the second parent's gene
  float* out;                  // (P, D)
  int64_t dim;
  int64_t blocks;              // ceil(D / 4)
  LMK_HD void operator()(int64_t idx) const {
    const int64_t k = idx / blocks, b = idx % blocks, j0 = 4 * b;
    const int64_t n = dim - j0 < 4 ? dim - j0 : 4;
    float eps[4];
    normal4(keys[k], uint64_t(b), eps);
    const float* a = parents + int64_t(first[k]) * dim;
    const float s = scale[k];
    for (int64_t t = 0; t < n; ++t) {
      const int64_t j = j0 + t;
      float gene = a[j];
      if (second) {
        const uint64_t w = mask_word[k] + uint64_t(j);
        if (u32_to_unit_float(random_block(mask_keys[k], w / 4).v[w % 4]) < crossover)
          gene = parents[int64_t(second[k]) * dim + j];
      }
      out[k * dim + j] = s == 0.0f ? gene : gene + s * eps[t];
    }
  }
};

// Squared Euclidean norm of each row of a (P, D) population, in double, columns in order. Launched over P.
struct RowSquaredNorms {
  const float* x;  // (P, D)
  int64_t dim;
  double* out;     // (P)
  LMK_HD void operator()(int64_t i) const {
    double sq = 0.0;
    const float* row = x + i * dim;
    for (int64_t j = 0; j < dim; ++j) sq += double(row[j]) * row[j];
    out[i] = sq;
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

// CUDA launches of the kernels above, pointers to device memory: es/src/es_cuda.cu in a CUDA build,
// es/src/no_cuda.cpp (each throws a clear error) in a CPU-only one, so strategies call them without #if.
namespace cuda {
void sample_gaussian(const SampleGaussian& kernel, int64_t count);
void weighted_deviation(const WeightedDeviation& kernel);
void noise_moments(const NoiseMoments& kernel);
void offspring_rows(const OffspringRows& kernel, int64_t count);
void sample_diagonal_double(const SampleDiagonalDouble& kernel, int64_t count);
void diagonal_normals_double(const DiagonalNormalsDouble& kernel, int64_t count);
void affine_rows(const AffineRows& kernel, int64_t count);
void diagonal_moments(const DiagonalMoments& kernel);
void normal_double_squares(const NormalDoubleSquares& kernel, int64_t rows);
void row_squared_norms(const RowSquaredNorms& kernel, int64_t rows);
}  // namespace cuda

}  // namespace lamarck::es
