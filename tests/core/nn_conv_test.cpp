// 2-D convolution (stride 1, VALID): forward against direct loops over the kernel, gradients of the kernel,
// the bias and the input against finite differences in double, with ReLU and without.
#include <gtest/gtest.h>

#include <cmath>

#include "lamarck/core/nn/conv.h"
#include "nn_test_util.h"

namespace lamarck::nn {
namespace {

TEST(Conv, ForwardMatchesDirectLoops) {
  const int64_t P = 2, B = 3;
  // the maze student's encoder: 5 x 5 x 3 -> 3 x 3 x 16
  ConvLayout l{5, 5, 3, 3, 16, Activation::relu, 2};
  EXPECT_EQ(l.out_size(), 144);
  EXPECT_EQ(l.num_params(), 3 * 3 * 3 * 16 + 16);
  const int64_t stride = l.num_params() + 5;
  auto params = testing::random_vector<double>(P * stride, 1, 0.3);
  auto x = testing::random_vector<double>(P * B * l.in_size(), 2);
  std::vector<double> y(size_t(P * B * l.out_size()));
  ConvCache<double> cache;
  conv_forward<double>(Exec{}, l, P, B, params.data(), stride, x.data(), y.data(), cache);
  int positive = 0;
  for (int64_t p = 0; p < P; ++p)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t oy = 0; oy < 3; ++oy)
        for (int64_t ox = 0; ox < 3; ++ox)
          for (int64_t f = 0; f < 16; ++f) {
            const double* w = params.data() + p * stride;
            double s = w[l.b() + f];
            for (int64_t ky = 0; ky < 3; ++ky)
              for (int64_t kx = 0; kx < 3; ++kx)
                for (int64_t c = 0; c < 3; ++c)
                  s += x[size_t((p * B + b) * 75 + ((oy + ky) * 5 + ox + kx) * 3 + c)] *
                       w[l.w() + ((ky * 3 + kx) * 3 + c) * 16 + f];  // HWIO
            const double expected = s > 0 ? s : 0;
            positive += s > 0;
            EXPECT_NEAR(y[size_t((p * B + b) * 144 + (oy * 3 + ox) * 16 + f)], expected, 1e-12);
          }
  EXPECT_GT(positive, 50);  // ReLU both ways
}

void check_gradients(Activation act, int64_t H, int64_t W, int64_t C, int64_t K, int64_t F) {
  const int64_t P = 2, B = 2;
  ConvLayout l{H, W, C, K, F, act, 1};
  const int64_t stride = l.num_params() + 2;
  auto params = testing::random_vector<double>(P * stride, 3, 0.5);
  auto x = testing::random_vector<double>(P * B * l.in_size(), 4);
  const auto wy = testing::random_vector<double>(P * B * l.out_size(), 5);
  auto loss = [&] {
    std::vector<double> y(size_t(P * B * l.out_size()));
    ConvCache<double> cache;
    conv_forward<double>(Exec{}, l, P, B, params.data(), stride, x.data(), y.data(), cache);
    double s = 0;
    for (size_t i = 0; i < y.size(); ++i) s += y[i] * wy[i];
    return s;
  };
  std::vector<double> y(size_t(P * B * l.out_size())), grads(params.size(), 0.0), dx(x.size());
  ConvCache<double> cache;
  ConvGradWorkspace<double> ws;
  conv_forward<double>(Exec{}, l, P, B, params.data(), stride, x.data(), y.data(), cache);
  conv_backward<double>(Exec{}, l, P, B, params.data(), stride, y.data(), cache, wy.data(), grads.data(), false,
                        dx.data(), ws);
  EXPECT_LT(testing::max_rel_error(grads, testing::numeric_gradient(params, loss)), 1e-7);
  EXPECT_LT(testing::max_rel_error(dx, testing::numeric_gradient(x, loss)), 1e-7);
  // accumulate adds to what is there
  std::vector<double> twice = grads;
  conv_backward<double>(Exec{}, l, P, B, params.data(), stride, y.data(), cache, wy.data(), twice.data(), true, nullptr,
                        ws);
  for (size_t i = 0; i < grads.size(); ++i) EXPECT_NEAR(twice[i], 2 * grads[i], 1e-12);
}

TEST(Conv, GradientsMatchFiniteDifferences) {
  check_gradients(Activation::identity, 5, 5, 3, 3, 4);
  check_gradients(Activation::relu, 5, 4, 2, 3, 3);  // not square
  check_gradients(Activation::tanh, 4, 4, 1, 2, 2);
}

}  // namespace
}  // namespace lamarck::nn
