// GRU cell: forward against a hand-written scalar cell, gradients against finite differences in double.
#include <gtest/gtest.h>

#include <cmath>

#include "lamarck/core/nn/gru.h"
#include "nn_test_util.h"

namespace lamarck::nn {
namespace {

double sig(double x) { return 1 / (1 + std::exp(-x)); }

TEST(Gru, ForwardMatchesScalarCell) {
  const int64_t P = 2, B = 2, in = 3, H = 4;
  GruLayout g{in, H, 1};
  const int64_t stride = g.num_params() + 1;
  auto params = testing::random_vector<double>(P * stride, 1, 0.5);
  auto x = testing::random_vector<double>(P * B * in, 2), h = testing::random_vector<double>(P * B * H, 3);
  std::vector<double> out(static_cast<size_t>(P * B * H));
  GruCache<double> cache;
  gru_forward<double>(Exec{}, g, P, B, params.data(), stride, x.data(), h.data(), out.data(), cache);
  for (int64_t p = 0; p < P; ++p)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t j = 0; j < H; ++j) {
        const double* w = params.data() + p * stride;
        auto lin = [&](int64_t col) {  // (x W_x + b_x)[col], (h W_h + b_h)[col]
          double ax = w[g.bx() + col], ah = w[g.bh() + col];
          for (int64_t k = 0; k < in; ++k) ax += x[size_t((p * B + b) * in + k)] * w[g.wx() + k * 3 * H + col];
          for (int64_t k = 0; k < H; ++k) ah += h[size_t((p * B + b) * H + k)] * w[g.wh() + k * 3 * H + col];
          return std::pair<double, double>{ax, ah};
        };
        auto [xr, hr] = lin(j);
        auto [xz, hz] = lin(H + j);
        auto [xn, hn] = lin(2 * H + j);
        const double r = sig(xr + hr), z = sig(xz + hz), n = std::tanh(xn + r * hn);
        const double expected = (1 - z) * n + z * h[size_t((p * B + b) * H + j)];
        EXPECT_NEAR(out[size_t((p * B + b) * H + j)], expected, 1e-12);
      }
}

TEST(Gru, GradientsMatchFiniteDifferences) {
  const int64_t P = 2, B = 3, in = 3, H = 4;
  GruLayout g{in, H, 2};
  const int64_t stride = g.num_params() + 3;
  auto params = testing::random_vector<double>(P * stride, 4, 0.5);
  auto x = testing::random_vector<double>(P * B * in, 5), h = testing::random_vector<double>(P * B * H, 6);
  const auto c = testing::random_vector<double>(P * B * H, 7);
  auto loss = [&] {
    std::vector<double> out(static_cast<size_t>(P * B * H));
    GruCache<double> cache;
    gru_forward<double>(Exec{}, g, P, B, params.data(), stride, x.data(), h.data(), out.data(), cache);
    double s = 0;
    for (size_t i = 0; i < out.size(); ++i) s += out[i] * c[i];
    return s;
  };
  std::vector<double> out(static_cast<size_t>(P * B * H)), grads(params.size(), 0.0), dh(h.size()), dx(x.size());
  GruCache<double> cache;
  GruGradWorkspace<double> ws;
  gru_forward<double>(Exec{}, g, P, B, params.data(), stride, x.data(), h.data(), out.data(), cache);
  gru_backward<double>(Exec{}, g, P, B, params.data(), stride, x.data(), h.data(), cache, c.data(), grads.data(), false,
                       dh.data(), dx.data(), ws);
  EXPECT_LT(testing::max_rel_error(grads, testing::numeric_gradient(params, loss)), 1e-7);
  EXPECT_LT(testing::max_rel_error(dh, testing::numeric_gradient(h, loss)), 1e-7);
  EXPECT_LT(testing::max_rel_error(dx, testing::numeric_gradient(x, loss)), 1e-7);
}

}  // namespace
}  // namespace lamarck::nn
