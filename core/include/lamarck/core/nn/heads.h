// Policy heads over batched network outputs: categorical (logits) and diagonal Gaussian (mean plus a
// state-independent log standard deviation per member). Each gives, per row, the log-probability of an
// action and the entropy, their gradients (backward), and sampling from counter-based keys.
//
// Rows are P * B network outputs laid out member-major; `rows_per_member` = B maps a row to its member.
#pragma once

#include <cmath>
#include <cstdint>

#include "lamarck/core/backend.h"
#include "lamarck/core/nn/dense.h"
#include "lamarck/core/rng.h"

namespace lamarck::nn {

// ---- categorical ---------------------------------------------------------------------------------

namespace detail {
template <class T>
struct CategoricalForward {
  const T* logits;          // (rows, A)
  const int32_t* actions;   // (rows)
  T* logp;                  // (rows)
  T* entropy;               // (rows), may be null
  int64_t A;
  LMK_HD void operator()(int64_t r) const {
    using std::exp;
    using std::log;
    const T* z = logits + r * A;
    T mx = z[0];
    for (int64_t j = 1; j < A; ++j) mx = z[j] > mx ? z[j] : mx;
    T sum = T(0);
    for (int64_t j = 0; j < A; ++j) sum += exp(z[j] - mx);
    const T log_z = mx + log(sum);
    logp[r] = z[actions[r]] - log_z;
    if (entropy) {
      T h = T(0);
      for (int64_t j = 0; j < A; ++j) {
        const T lp = z[j] - log_z;
        h -= exp(lp) * lp;
      }
      entropy[r] = h;
    }
  }
};
template <class T>
struct CategoricalBackward {
  const T* logits;
  const int32_t* actions;
  const T* d_logp;     // (rows) dLoss/dlogp
  const T* d_entropy;  // (rows) dLoss/dH, may be null
  T* d_logits;         // (rows, A), overwritten
  int64_t A;
  LMK_HD void operator()(int64_t r) const {
    using std::exp;
    using std::log;
    const T* z = logits + r * A;
    T* dz = d_logits + r * A;
    T mx = z[0];
    for (int64_t j = 1; j < A; ++j) mx = z[j] > mx ? z[j] : mx;
    T sum = T(0);
    for (int64_t j = 0; j < A; ++j) sum += exp(z[j] - mx);
    const T log_z = mx + log(sum);
    T h = T(0);
    for (int64_t j = 0; j < A; ++j) {
      const T lp = z[j] - log_z;
      h -= exp(lp) * lp;
    }
    const T gl = d_logp[r], gh = d_entropy ? d_entropy[r] : T(0);
    // dlogp_a/dz_j = [j == a] - pi_j ;  dH/dz_j = -pi_j (log pi_j + H)
    for (int64_t j = 0; j < A; ++j) {
      const T lp = z[j] - log_z, pi = exp(lp);
      dz[j] = gl * ((j == actions[r] ? T(1) : T(0)) - pi) - gh * pi * (lp + h);
    }
  }
};
// The key of sample row r: derive_key(seed, stream, id, step), id = row_ids[r] or r when row_ids is null.
LMK_HD inline Key sample_key(uint64_t seed, uint64_t stream, uint64_t step, const uint64_t* row_ids, int64_t r) {
  return derive_key(seed, stream, row_ids ? row_ids[r] : uint64_t(r), step);
}
struct CategoricalSample {
  const float* logits;
  int32_t* actions;
  int64_t A;
  uint64_t seed, stream, step;
  const uint64_t* row_ids = nullptr;  // (rows) the key index of each row (null: r)
  LMK_HD void operator()(int64_t r) const {
    Philox rng(sample_key(seed, stream, step, row_ids, r));
    actions[r] = int32_t(rng.categorical_logits(logits + r * A, int(A)));
  }
};
}  // namespace detail

LMK_DISPATCH_BEGIN
// logp[r] = log softmax(logits[r])[actions[r]]; entropy[r] (optional) of softmax(logits[r]).
template <class T>
void categorical_log_prob(const Exec& exec, int64_t rows, int64_t A, const T* logits, const int32_t* actions, T* logp,
                          T* entropy) {
  elementwise(exec, rows, detail::CategoricalForward<T>{logits, actions, logp, entropy, A});
}
// d_logits = d_logp * dlogp/dlogits + d_entropy * dH/dlogits (d_entropy may be null).
template <class T>
void categorical_backward(const Exec& exec, int64_t rows, int64_t A, const T* logits, const int32_t* actions,
                          const T* d_logp, const T* d_entropy, T* d_logits) {
  elementwise(exec, rows, detail::CategoricalBackward<T>{logits, actions, d_logp, d_entropy, d_logits, A});
}
// actions[r] ~ softmax(logits[r]), from the key derive_key(seed, stream, id, step) with id = row_ids[r]
// (device array, (rows)) or r when row_ids is null.
inline void categorical_sample(const Exec& exec, int64_t rows, int64_t A, const float* logits, int32_t* actions,
                               uint64_t seed, uint64_t stream, uint64_t step, const uint64_t* row_ids = nullptr) {
  elementwise(exec, rows, detail::CategoricalSample{logits, actions, A, seed, stream, step, row_ids});
}
LMK_DISPATCH_END

// ---- diagonal Gaussian ---------------------------------------------------------------------------

namespace detail {
constexpr double kHalfLog2Pi = 0.91893853320467274178;  // 0.5 * log(2 pi)
template <class T>
struct GaussianForward {
  const T* mean;     // (rows, A)
  const T* log_std;  // member p's at log_std + p * log_std_stride, A values
  const T* actions;  // (rows, A)
  T* logp;
  T* entropy;  // may be null
  int64_t A, rows_per_member, log_std_stride;
  LMK_HD void operator()(int64_t r) const {
    using std::exp;
    const T* ls = log_std + (r / rows_per_member) * log_std_stride;
    T lp = T(0), h = T(0);
    for (int64_t j = 0; j < A; ++j) {
      const T zs = (actions[r * A + j] - mean[r * A + j]) * exp(-ls[j]);
      lp += T(-0.5) * zs * zs - ls[j] - T(kHalfLog2Pi);
      h += T(0.5) + T(kHalfLog2Pi) + ls[j];
    }
    logp[r] = lp;
    if (entropy) entropy[r] = h;
  }
};
template <class T>
struct GaussianMeanBackward {  // d_mean[r, j] = d_logp[r] * (a - mu) / sigma^2
  const T* mean;
  const T* log_std;
  const T* actions;
  const T* d_logp;
  T* d_mean;
  int64_t A, rows_per_member, log_std_stride;
  LMK_HD void operator()(int64_t idx) const {
    using std::exp;
    const int64_t r = idx / A, j = idx % A;
    const T ls = log_std[(r / rows_per_member) * log_std_stride + j];
    d_mean[idx] = d_logp[r] * (actions[idx] - mean[idx]) * exp(T(-2) * ls);
  }
};
template <class T>
struct GaussianLogStdBackward {  // d_log_std[p, j] (+)= sum_i d_logp (z^2 - 1) + d_entropy
  const T* mean;
  const T* log_std;
  const T* actions;
  const T* d_logp;
  const T* d_entropy;
  T* d_log_std;
  int64_t A, rows_per_member, log_std_stride;
  bool accumulate;
  LMK_HD void operator()(int64_t idx) const {
    using std::exp;
    const int64_t p = idx / A, j = idx % A;
    const T ls = log_std[p * log_std_stride + j];
    T acc = T(0);
    for (int64_t i = 0; i < rows_per_member; ++i) {
      const int64_t r = p * rows_per_member + i;
      const T zs = (actions[r * A + j] - mean[r * A + j]) * exp(-ls);
      acc += d_logp[r] * (zs * zs - T(1)) + (d_entropy ? d_entropy[r] : T(0));
    }
    T& g = d_log_std[p * log_std_stride + j];
    g = accumulate ? g + acc : acc;
  }
};
// action[j] = mean[j] + exp(log_std[j]) * N(0, 1), j < A, the normals drawn in order from rng.
LMK_HD inline void gaussian_sample_row(const float* mean, const float* log_std, int64_t A, Philox& rng, float* action) {
  using std::exp;
  for (int64_t j = 0; j < A; ++j) action[j] = mean[j] + exp(log_std[j]) * rng.normal();
}
struct GaussianSample {
  const float* mean;
  const float* log_std;
  float* actions;
  int64_t A, rows_per_member, log_std_stride;
  uint64_t seed, stream, step;
  const uint64_t* row_ids = nullptr;  // (rows) the key index of each row (null: r)
  LMK_HD void operator()(int64_t r) const {
    Philox rng(sample_key(seed, stream, step, row_ids, r));
    gaussian_sample_row(mean + r * A, log_std + (r / rows_per_member) * log_std_stride, A, rng, actions + r * A);
  }
};
}  // namespace detail

LMK_DISPATCH_BEGIN
// logp and entropy (optional) of actions under N(mean, exp(log_std)^2) per dimension.
template <class T>
void gaussian_log_prob(const Exec& exec, int64_t rows, int64_t A, int64_t rows_per_member, const T* mean,
                       const T* log_std, int64_t log_std_stride, const T* actions, T* logp, T* entropy) {
  elementwise(exec, rows,
              detail::GaussianForward<T>{mean, log_std, actions, logp, entropy, A, rows_per_member, log_std_stride});
}
// Gradients: d_mean (rows, A) overwritten; d_log_std (P rows with stride log_std_stride) written or
// accumulated. d_entropy may be null.
template <class T>
void gaussian_backward(const Exec& exec, int64_t rows, int64_t A, int64_t rows_per_member, const T* mean,
                       const T* log_std, int64_t log_std_stride, const T* actions, const T* d_logp,
                       const T* d_entropy, T* d_mean, T* d_log_std, bool accumulate) {
  elementwise(exec, rows * A,
              detail::GaussianMeanBackward<T>{mean, log_std, actions, d_logp, d_mean, A, rows_per_member,
                                              log_std_stride});
  const int64_t P = rows / rows_per_member;
  elementwise(exec, P * A,
              detail::GaussianLogStdBackward<T>{mean, log_std, actions, d_logp, d_entropy, d_log_std, A,
                                                rows_per_member, log_std_stride, accumulate});
}
// Row ids as in categorical_sample.
inline void gaussian_sample(const Exec& exec, int64_t rows, int64_t A, int64_t rows_per_member, const float* mean,
                            const float* log_std, int64_t log_std_stride, float* actions, uint64_t seed,
                            uint64_t stream, uint64_t step, const uint64_t* row_ids = nullptr) {
  elementwise(exec, rows, detail::GaussianSample{mean, log_std, actions, A, rows_per_member, log_std_stride, seed,
                                                 stream, step, row_ids});
}
LMK_DISPATCH_END

}  // namespace lamarck::nn
