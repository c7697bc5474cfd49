// Small math for code that must give the same bits on the CPU and the GPU and vectorise on the CPU
// (env physics, neural-network activations, the learned-objective drift nets, ES's Gaussian draws): sin/cos and exp with
// Cody-Waite range reduction and the Cephes single-precision minimax polynomials (S. L. Moshier, "Methods
// and Programs for Mathematical Functions", 1989), tanh as a rational approximation. Max error ~1e-7
// relative (sin/cos for |x| < 1e4; exp_f a few ulp; tanh_f ~5 ulp), far inside the 1e-4 tolerance of the Gymnasium conformance tests. No libm calls and no branches,
// so g++ vectorises loops that use them and nvcc (--fmad=false) computes the same results.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "lamarck/core/platform.h"

namespace lamarck {

LMK_HD LMK_INLINE float clampf(float x, float lo, float hi) { return x < lo ? lo : (x > hi ? hi : x); }

// c ? a : b by bit masks. Same result as the ternary; use it for selects on a Params flag, which
// otherwise stop g++ from vectorising the batched physics loop.
LMK_HD LMK_INLINE float select_bits(bool c, float a, float b) {
  uint32_t ua, ub;
  memcpy(&ua, &a, sizeof(ua));
  memcpy(&ub, &b, sizeof(ub));
  const uint32_t mask = 0u - uint32_t(c);
  const uint32_t r = (ua & mask) | (ub & ~mask);
  float out;
  memcpy(&out, &r, sizeof(out));
  return out;
}

struct SinCos {
  float sin, cos;
};

// sin(x) and cos(x) together.
LMK_HD LMK_INLINE SinCos sincos_f(float x) {
  // reduce: x = j * pi/2 + r, |r| <= pi/4 (three-part pi/2 so j * hi is exact)
  const float fj = float(int32_t(x * 0.63661977236758134f + (x >= 0.0f ? 0.5f : -0.5f)));
  const float r = ((x - fj * 1.5703125f) - fj * 4.837512969970703125e-4f) - fj * 7.54978995489188216e-8f;
  const float z = r * r;
  const float s = r + r * z * (-1.6666654611e-1f + z * (8.3321608736e-3f + z * -1.9515295891e-4f));
  const float c = 1.0f - 0.5f * z + z * z * (4.166664568298827e-2f + z * (-1.388731625493765e-3f + z * 2.443315711809948e-5f));
  const int32_t q = int32_t(fj) & 3;
  SinCos out;
  out.sin = q == 0 ? s : (q == 1 ? c : (q == 2 ? -s : -c));
  out.cos = q == 0 ? c : (q == 1 ? -s : (q == 2 ? -c : s));
  return out;
}

// sin(x) and cos(x) in double precision for |x| < ~1e5: reduction by pi/2 in two parts and Taylor
// polynomials to degree 15/16 on [-pi/4, pi/4] (truncation error < 1e-16). For envs that integrate
// in double (Acrobot's RK4).
struct SinCosD {
  double sin, cos;
};
LMK_HD LMK_INLINE SinCosD sincos_d(double x) {
  // the quadrant count as int32 (|x| < 3e9): double -> int32 conversions vectorise on AVX2, int64 ones do not
  const double fj = double(int32_t(x * 0.63661977236758134308 + (x >= 0.0 ? 0.5 : -0.5)));
  const double r = (x - fj * 1.5707963267948966) - fj * 6.123233995736766e-17;
  const double z = r * r;
  const double s =
      r * (1 + z * (-1.0 / 6 + z * (1.0 / 120 + z * (-1.0 / 5040 + z * (1.0 / 362880 + z * (-1.0 / 39916800 +
          z * (1.0 / 6227020800.0 + z * (-1.0 / 1307674368000.0))))))));
  const double c =
      1 + z * (-1.0 / 2 + z * (1.0 / 24 + z * (-1.0 / 720 + z * (1.0 / 40320 + z * (-1.0 / 3628800 +
          z * (1.0 / 479001600.0 + z * (-1.0 / 87178291200.0 + z * (1.0 / 20922789888000.0))))))));
  const int32_t q = int32_t(fj) & 3;
  SinCosD out;
  out.sin = q == 0 ? s : (q == 1 ? c : (q == 2 ? -s : -c));
  out.cos = q == 0 ? c : (q == 1 ? -s : (q == 2 ? -c : s));
  return out;
}

// The natural logarithm in double precision for positive normal x (error ~1 ulp): x = m 2^e with
// m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s) with s = (m - 1)/(m + 1), |s| < 0.172, as its odd series
// to s^23 (truncation < 1e-18), and e ln 2 with ln 2 in two parts. Branch-free (vectorises).
LMK_HD LMK_INLINE double log_d(double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof(bits));
  int32_t e = int32_t(bits >> 52) - 1023;
  bits = (bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull;  // m in [1, 2)
  double m;
  memcpy(&m, &bits, sizeof(m));
  const bool big = m > 1.4142135623730951;
  m = big ? 0.5 * m : m;
  e += big ? 1 : 0;
  const double s = (m - 1.0) / (m + 1.0), z = s * s;
  const double series =
      1.0 + z * (1.0 / 3 + z * (1.0 / 5 + z * (1.0 / 7 + z * (1.0 / 9 + z * (1.0 / 11 + z * (1.0 / 13 + z * (1.0 / 15 +
      z * (1.0 / 17 + z * (1.0 / 19 + z * (1.0 / 21 + z * (1.0 / 23)))))))))));
  const double de = double(e);
  return de * 6.93147180369123816490e-01 + (de * 1.90821492927058770002e-10 + 2.0 * s * series);
}

LMK_HD LMK_INLINE float sin_f(float x) { return sincos_f(x).sin; }
LMK_HD LMK_INLINE float cos_f(float x) { return sincos_f(x).cos; }

LMK_HD LMK_INLINE float abs_f(float x) {
  uint32_t u;
  memcpy(&u, &x, sizeof(u));
  u &= 0x7fffffffu;
  memcpy(&x, &u, sizeof(x));
  return x;
}

// exp(x) for x in [-87, 88] (clamped there): x = n ln2 + r, |r| <= ln2/2, Cephes expf polynomial, 2^n from
// the exponent bits.
LMK_HD LMK_INLINE float exp_f(float x) {
  x = clampf(x, -87.0f, 88.0f);
  const float fn = float(int32_t(x * 1.44269504088896341f + (x >= 0.0f ? 0.5f : -0.5f)));
  const float r = (x - fn * 0.693359375f) - fn * -2.12194440e-4f;
  const float z = r * r;
  const float p = ((((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) *
                        r + 1.6666665459e-1f) * r + 5.0000001201e-1f) * z + r) + 1.0f;
  const uint32_t bits = uint32_t(int32_t(fn) + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof(scale));
  return p * scale;
}

// tanh(x), lamarck's one float tanh (dense layers on CPU and GPU, the fused policy step, the drift nets;
// nn::any_tanh): a rational (13/6) minimax approximation on [-7.9, 7.9] (x clamped there, where it is
// within 3e-7 of ±1), at most ~5 ulp from the library tanh (3.2e-7 absolute, near |x| = 5.8); |x| < 4e-4
// returns x; a NaN stays NaN. The coefficients are those of Eigen's generic_fast_tanh_float, written with
// selects and bit operations so that loops over it vectorise. (An exp-based form, 1 - 2/(exp(2|x|) + 1),
// is a little more accurate but made CPU training 25-30% slower.)
LMK_HD LMK_INLINE float tanh_f(float x) {
  const float lim = 7.90531110763549805f;
  const float c = clampf(x, -lim, lim);
  const float x2 = c * c;
  float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
  p = x2 * p + -8.60467152213735e-11f;
  p = x2 * p + 5.12229709037114e-08f;
  p = x2 * p + 1.48572235717979e-05f;
  p = x2 * p + 6.37261928875436e-04f;
  p = x2 * p + 4.89352455891786e-03f;
  p = c * p;
  float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
  q = x2 * q + 2.26843463243900e-03f;
  q = x2 * q + 4.89352518554385e-03f;
  return select_bits(abs_f(x) < 0.0004f, x, p / q);
}


// ---- for Box-Muller on 24-bit uniforms (es' Gaussian perturbations; vector forms in es/kernels.h) ------

// ln((v + 1) / 2^24) for an integer v in [0, 2^24): w = v + 1 = 2^e m with m in [1, 2) found by a
// branch-free binary search in float (every factor a power of two, so each step is exact; w <= 2^24 is exact
// in float), no float bit-cast, so loops over it vectorise; then m > sqrt(2) is halved and
// ln m = 2 atanh((m-1)/(m+1)) by series. Max abs error ~2e-7.
LMK_HD LMK_INLINE float log_unit24(int32_t v) {
  const int32_t w = v + 1;
  float m = float(w), e = 0.0f;
  float c = float(m >= 65536.0f);
  m *= 1.0f - c * (1.0f - 1.0f / 65536.0f);
  e += 16.0f * c;
  c = float(m >= 256.0f);
  m *= 1.0f - c * (1.0f - 1.0f / 256.0f);
  e += 8.0f * c;
  c = float(m >= 16.0f);
  m *= 1.0f - c * (1.0f - 1.0f / 16.0f);
  e += 4.0f * c;
  c = float(m >= 4.0f);
  m *= 1.0f - c * 0.75f;
  e += 2.0f * c;
  c = float(m >= 2.0f);
  m *= 1.0f - c * 0.5f;
  e += c;
  const float big = float(m > 1.41421356f);
  m *= 1.0f - 0.5f * big;
  const float t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
  const float series = t * (2.0f + t2 * (0.666666667f + t2 * (0.4f + t2 * (0.285714286f + t2 * 0.222222222f))));
  return (e + big - 24.0f) * 0.693147181f + series;
}

// sin and cos of 2 pi u for u in [0, 1) (a fraction of a turn): quadrant k = round(4u), phi = 2 pi (u - k/4)
// in [-pi/4, pi/4], Taylor polynomials, then a rotation by k mod 4 quarter turns with exact 0/±1 factors (no
// integer conversions, so loops over it vectorise). Max abs error ~1e-7.
LMK_HD LMK_INLINE SinCos cos_sin_turn(float u) {
  const float k = floorf(4.0f * u + 0.5f);
  const float phi = 6.28318531f * (u - 0.25f * k), p2 = phi * phi;
  const float sp = phi * (1.0f + p2 * (-0.166666667f + p2 * (0.00833333333f + p2 * (-0.000198412698f + p2 * 2.75573192e-6f))));
  const float cp = 1.0f + p2 * (-0.5f + p2 * (0.0416666667f + p2 * (-0.00138888889f + p2 * (2.48015873e-5f - p2 * 2.75573192e-7f))));
  // (cp, sp) -> (-sp, cp) -> (-cp, -sp) -> (sp, -cp)
  const float q = k - 4.0f * floorf(0.25f * k);
  const float swap = q - 2.0f * floorf(0.5f * q);
  const float a = cp * (1.0f - swap) + sp * swap, b = sp * (1.0f - swap) + cp * swap;  // exact selects
  const float sign_c = 1.0f - 2.0f * float(q > 0.5f) * float(q < 2.5f);
  const float sign_s = 1.0f - 2.0f * float(q > 1.5f);
  return SinCos{sign_s * b, sign_c * a};
}

}  // namespace lamarck
