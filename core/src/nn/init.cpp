#include "lamarck/core/nn/init.h"

#include "lamarck/core/eigen.h"
#include <cmath>

namespace lamarck::nn {

namespace {
template <class T>
void orthogonal_impl(Key key, int64_t rows, int64_t cols, double gain, T* out) {
  const bool flip = rows < cols;
  const int64_t r = flip ? cols : rows, c = flip ? rows : cols;  // r >= c
  Eigen::MatrixXd a(r, c);
  Philox rng(key);
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) a(i, j) = rng.normal_double();
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(r, c);
  const Eigen::MatrixXd R = qr.matrixQR();
  for (int64_t j = 0; j < c; ++j)
    if (R(j, j) < 0) q.col(j) *= -1.0;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) out[i * cols + j] = T(gain * (flip ? q(j, i) : q(i, j)));
}
}  // namespace

void orthogonal(Key key, int64_t rows, int64_t cols, double gain, float* out) {
  orthogonal_impl(key, rows, cols, gain, out);
}
void orthogonal(Key key, int64_t rows, int64_t cols, double gain, double* out) {
  orthogonal_impl(key, rows, cols, gain, out);
}

void init_mlp(const MlpLayout& layout, Key key, double hidden_gain, double output_gain, float* member_row) {
  for (int64_t l = 0; l < layout.num_layers(); ++l) {
    const int64_t in = layout.sizes[size_t(l)], out = layout.sizes[size_t(l) + 1];
    const double gain = l + 1 < layout.num_layers() ? hidden_gain : output_gain;
    orthogonal(fold_in(key, uint64_t(l)), in, out, gain, member_row + layout.weight_offset(l));
    float* b = member_row + layout.bias_offset(l);
    for (int64_t j = 0; j < out; ++j) b[j] = 0.0f;
  }
}

}  // namespace lamarck::nn
