// Counter-based random numbers: Philox4x32-10.
//   J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel random numbers: as easy as 1, 2, 3",
//   SC'11. Known-answer vectors: Random123 kat_vectors (tests/core/rng_test.cpp).
//
// Every random number in lamarck is a pure function of a Key and a counter, so the same key gives the
// same numbers on any thread count, on CPU and GPU, and after a resume. Keys are derived, never drawn
// from a global generator: key(seed) -> fold_in(stream) -> fold_in(index) -> fold_in(step).
#pragma once

#include <cmath>
#include <cstdint>

#include "lamarck/core/platform.h"

#if defined(__AVX2__) && !defined(__CUDACC__) && !defined(LMK_NO_AVX2_PHILOX)
#include <immintrin.h>
#endif

namespace lamarck {

struct Key {
  uint32_t w[2];  // the 64-bit Philox key
};

struct Block4 {
  uint32_t v[4];  // one Philox output block: 128 random bits
};

namespace philox_detail {
constexpr uint32_t kMul0 = 0xD2511F53u;
constexpr uint32_t kMul1 = 0xCD9E8D57u;
constexpr uint32_t kWeyl0 = 0x9E3779B9u;  // golden ratio
constexpr uint32_t kWeyl1 = 0xBB67AE85u;  // sqrt(3) - 1
}  // namespace philox_detail

// The raw bijection: 10 rounds of Philox4x32 on a 128-bit counter under a 64-bit key.
LMK_HD LMK_INLINE Block4 philox4x32_10(Block4 ctr, Key key) {
  using namespace philox_detail;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key.w[0] += kWeyl0;
      key.w[1] += kWeyl1;
    }
    const uint64_t p0 = uint64_t(kMul0) * ctr.v[0];
    const uint64_t p1 = uint64_t(kMul1) * ctr.v[2];
    const uint32_t hi0 = uint32_t(p0 >> 32), lo0 = uint32_t(p0);
    const uint32_t hi1 = uint32_t(p1 >> 32), lo1 = uint32_t(p1);
    ctr = Block4{{hi1 ^ ctr.v[1] ^ key.w[0], lo1, hi0 ^ ctr.v[3] ^ key.w[1], lo0}};
  }
  return ctr;
}

#if defined(__AVX2__) && !defined(__CUDACC__) && !defined(LMK_NO_AVX2_PHILOX)
#define LMK_PHILOX_X8 1
// Eight blocks at once (host code on AVX2 targets): the blocks of the 64-bit counters first .. first + 7 in
// words 0-1 (words 2-3 zero, as the sampling blocks of Philox), word k of block i in lane i of out[k];
// bit-identical to philox4x32_10 (tests/core/rng_test.cpp). The compiler widens the 32x32->64 products of
// the scalar rounds to four 64-bit lanes and repacks them every round; here one vpmuludq on the even lanes
// and one on the odd lanes give all eight high and low halves (two shifts and two blends).
// -DLMK_NO_AVX2_PHILOX leaves it out, to compare with the scalar loops on one machine.
LMK_INLINE void philox4x32_10_x8(Key key, uint64_t first, __m256i out[4]) {
  using namespace philox_detail;
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i base_lo = _mm256_set1_epi32(int32_t(uint32_t(first)));
  __m256i c0 = _mm256_add_epi32(base_lo, lanes);
  // the low word wrapped where c0 < base (unsigned): carry one into the high word
  const __m256i sign = _mm256_set1_epi32(int32_t(0x80000000u));
  const __m256i wrapped = _mm256_cmpgt_epi32(_mm256_xor_si256(base_lo, sign), _mm256_xor_si256(c0, sign));
  __m256i c1 = _mm256_sub_epi32(_mm256_set1_epi32(int32_t(uint32_t(first >> 32))), wrapped);
  __m256i c2 = _mm256_setzero_si256(), c3 = _mm256_setzero_si256();
  const __m256i m0 = _mm256_set1_epi32(int32_t(kMul0)), m1 = _mm256_set1_epi32(int32_t(kMul1));
  uint32_t k0 = key.w[0], k1 = key.w[1];
  for (int round = 0; round < 10; ++round) {
    const __m256i e0 = _mm256_mul_epu32(c0, m0), o0 = _mm256_mul_epu32(_mm256_srli_epi64(c0, 32), m0);
    const __m256i e1 = _mm256_mul_epu32(c2, m1), o1 = _mm256_mul_epu32(_mm256_srli_epi64(c2, 32), m1);
    const __m256i hi0 = _mm256_blend_epi32(_mm256_srli_epi64(e0, 32), o0, 0xAA);
    const __m256i lo0 = _mm256_blend_epi32(e0, _mm256_slli_epi64(o0, 32), 0xAA);
    const __m256i hi1 = _mm256_blend_epi32(_mm256_srli_epi64(e1, 32), o1, 0xAA);
    const __m256i lo1 = _mm256_blend_epi32(e1, _mm256_slli_epi64(o1, 32), 0xAA);
    const __m256i n0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32(int32_t(k0)));
    const __m256i n2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32(int32_t(k1)));
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}
#endif

// ---- key derivation -------------------------------------------------------------------------------

// The root key of a seed.
LMK_HD inline Key key_from_seed(uint64_t seed) {
  return Key{{uint32_t(seed), uint32_t(seed >> 32)}};
}

// A new key that depends on (key, data); distinct data give independent streams. The constant words of
// the counter keep fold-in blocks apart from the sampling blocks (whose counter words 2,3 are 0).
LMK_HD inline Key fold_in(Key key, uint64_t data) {
  const Block4 out = philox4x32_10(Block4{{uint32_t(data), uint32_t(data >> 32), 0x6c616d61u, 0x72636b21u}}, key);
  return Key{{out.v[0], out.v[1]}};
}

// The conventional derivation used throughout lamarck: (seed, stream, index, step) -> key.
LMK_HD inline Key derive_key(uint64_t seed, uint64_t stream, uint64_t index, uint64_t step) {
  return fold_in(fold_in(fold_in(key_from_seed(seed), stream), index), step);
}

// Stateless access: block number `counter` of the stream of `key`.
LMK_HD LMK_INLINE Block4 random_block(Key key, uint64_t counter) {
  return philox4x32_10(Block4{{uint32_t(counter), uint32_t(counter >> 32), 0u, 0u}}, key);
}

// [0, 1) with 24 random bits; exactly representable in float.
LMK_HD inline float u32_to_unit_float(uint32_t x) { return float(x >> 8) * (1.0f / 16777216.0f); }
// (0, 1]: safe for log().
LMK_HD inline float u32_to_open_unit_float(uint32_t x) { return (float(x >> 8) + 1.0f) * (1.0f / 16777216.0f); }
// [0, 1) with 53 random bits.
LMK_HD LMK_INLINE double u64_to_unit_double(uint32_t hi, uint32_t lo) {
  // ((hi:lo) >> 11) / 2^53, computed exactly from two int32 -> double conversions (bits 31..52 and
  // 0..30 of the 53-bit value), which vectorise without AVX-512 (uint64 -> double does not)
  const int32_t upper = int32_t(hi >> 10);
  const int32_t lower = int32_t(((hi & 0x3FFu) << 21) | (lo >> 11));
  return (double(upper) * 2147483648.0 + double(lower)) * (1.0 / 9007199254740992.0);
}

// A sequential generator over one key's stream. Cheap to construct (no state beyond the counter), so
// each thread or element makes its own from a derived key. The position is (counter, lane): resuming at
// the same position gives the same numbers.
struct Philox {
  Key key;
  uint64_t counter = 0;  // next block to generate
  Block4 block{};
  int lane = 4;          // next unused word of `block`; 4 = empty
  bool has_spare_normal = false;
  float spare_normal = 0.0f;

  LMK_HD explicit Philox(Key k, uint64_t first_block = 0) : key(k), counter(first_block) {}

  LMK_HD LMK_INLINE uint32_t next_u32() {
    if (lane == 4) {
      block = random_block(key, counter++);
      lane = 0;
    }
    return block.v[lane++];
  }
  LMK_HD uint64_t next_u64() {
    const uint32_t hi = next_u32();
    return (uint64_t(hi) << 32) | next_u32();
  }
  // Uniform float in [0, 1).
  LMK_HD LMK_INLINE float uniform() { return u32_to_unit_float(next_u32()); }
  // Uniform float in [lo, hi).
  LMK_HD LMK_INLINE float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  // Uniform double in [0, 1).
  LMK_HD double uniform_double() {
    const uint32_t hi = next_u32();
    return u64_to_unit_double(hi, next_u32());
  }
  // Uniform integer in [0, n), unbiased (Lemire's multiply-shift with rejection). n > 0.
  LMK_HD uint32_t below(uint32_t n) {
    uint64_t m = uint64_t(next_u32()) * n;
    uint32_t low = uint32_t(m);
    if (low < n) {
      const uint32_t threshold = (0u - n) % n;
      while (low < threshold) {
        m = uint64_t(next_u32()) * n;
        low = uint32_t(m);
      }
    }
    return uint32_t(m >> 32);
  }
  // Standard normal (Box-Muller; the second value of each pair is kept for the next call).
  LMK_HD float normal() {
    if (has_spare_normal) {
      has_spare_normal = false;
      return spare_normal;
    }
    const float u1 = u32_to_open_unit_float(next_u32());
    const float u2 = u32_to_unit_float(next_u32());
    const float r = sqrtf(-2.0f * logf(u1));
    const float theta = 6.283185307179586f * u2;
    spare_normal = r * sinf(theta);
    has_spare_normal = true;
    return r * cosf(theta);
  }
  LMK_HD float normal(float mean, float stddev) { return mean + stddev * normal(); }
  // Standard normal in double precision.
  LMK_HD double normal_double() {
    const double u1 = 1.0 - uniform_double();  // (0, 1]
    const double u2 = uniform_double();
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
  }
  // Bernoulli(p).
  LMK_HD bool bernoulli(float p) { return uniform() < p; }
  // An index drawn with probability proportional to weights[0..n) (weights >= 0, not all zero).
  LMK_HD int categorical(const float* weights, int n) {
    float total = 0.0f;
    for (int i = 0; i < n; ++i) total += weights[i];
    const float target = uniform() * total;
    float acc = 0.0f;
    for (int i = 0; i < n; ++i) {
      acc += weights[i];
      if (target < acc) return i;
    }
    for (int i = n - 1; i >= 0; --i)  // target == total through rounding: the last positive weight
      if (weights[i] > 0.0f) return i;
    return n - 1;
  }
  // An index drawn from softmax(logits[0..n)), by inverse CDF on one uniform.
  LMK_HD int categorical_logits(const float* logits, int n) {
    float max_logit = logits[0];
    for (int i = 1; i < n; ++i) max_logit = logits[i] > max_logit ? logits[i] : max_logit;
    float total = 0.0f;
    for (int i = 0; i < n; ++i) total += expf(logits[i] - max_logit);
    const float target = uniform() * total;
    float acc = 0.0f;
    for (int i = 0; i < n; ++i) {
      acc += expf(logits[i] - max_logit);
      if (target < acc) return i;
    }
    return n - 1;
  }
};

}  // namespace lamarck
