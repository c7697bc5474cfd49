// LSTM cell: forward against a hand-written scalar cell, gradients against finite differences in double,
// for one step and through three steps (backpropagation through time via dh and dc).
#include <gtest/gtest.h>

#include <cmath>

#include "lamarck/core/nn/lstm.h"
#include "nn_test_util.h"

namespace lamarck::nn {
namespace {

double sig(double x) { return 1 / (1 + std::exp(-x)); }

TEST(Lstm, ForwardMatchesScalarCell) {
  const int64_t P = 2, B = 2, in = 3, H = 4;
  LstmLayout l{in, H, 1};
  const int64_t stride = l.num_params() + 1;
  auto params = testing::random_vector<double>(P * stride, 1, 0.5);
  auto x = testing::random_vector<double>(P * B * in, 2), h = testing::random_vector<double>(P * B * H, 3);
  auto c = testing::random_vector<double>(P * B * H, 4);
  std::vector<double> h2(size_t(P * B * H)), c2(size_t(P * B * H));
  LstmCache<double> cache;
  lstm_forward<double>(Exec{}, l, P, B, params.data(), stride, x.data(), h.data(), c.data(), h2.data(), c2.data(), cache);
  for (int64_t p = 0; p < P; ++p)
    for (int64_t b = 0; b < B; ++b)
      for (int64_t j = 0; j < H; ++j) {
        const double* w = params.data() + p * stride;
        auto pre = [&](int64_t gate) {  // gate 0 i, 1 f, 2 g, 3 o
          const int64_t col = gate * H + j;
          double a = w[l.b() + col];
          for (int64_t k = 0; k < in; ++k) a += x[size_t((p * B + b) * in + k)] * w[l.wx() + k * 4 * H + col];
          for (int64_t k = 0; k < H; ++k) a += h[size_t((p * B + b) * H + k)] * w[l.wh() + k * 4 * H + col];
          return a;
        };
        const size_t at = size_t((p * B + b) * H + j);
        const double cn = sig(pre(1)) * c[at] + sig(pre(0)) * std::tanh(pre(2));
        EXPECT_NEAR(c2[at], cn, 1e-12);
        EXPECT_NEAR(h2[at], sig(pre(3)) * std::tanh(cn), 1e-12);
      }
}

TEST(Lstm, GradientsMatchFiniteDifferences) {
  const int64_t P = 2, B = 3, in = 3, H = 4;
  LstmLayout l{in, H, 2};
  const int64_t stride = l.num_params() + 3;
  auto params = testing::random_vector<double>(P * stride, 5, 0.5);
  auto x = testing::random_vector<double>(P * B * in, 6), h = testing::random_vector<double>(P * B * H, 7);
  auto c = testing::random_vector<double>(P * B * H, 8);
  const auto wh = testing::random_vector<double>(P * B * H, 9), wc = testing::random_vector<double>(P * B * H, 10);
  auto loss = [&] {
    std::vector<double> h2(size_t(P * B * H)), c2(size_t(P * B * H));
    LstmCache<double> cache;
    lstm_forward<double>(Exec{}, l, P, B, params.data(), stride, x.data(), h.data(), c.data(), h2.data(), c2.data(), cache);
    double s = 0;
    for (size_t i = 0; i < h2.size(); ++i) s += h2[i] * wh[i] + c2[i] * wc[i];
    return s;
  };
  std::vector<double> h2(size_t(P * B * H)), c2(size_t(P * B * H)), grads(params.size(), 0.0), dh(h.size()),
      dc(c.size()), dx(x.size());
  LstmCache<double> cache;
  LstmGradWorkspace<double> ws;
  lstm_forward<double>(Exec{}, l, P, B, params.data(), stride, x.data(), h.data(), c.data(), h2.data(), c2.data(), cache);
  lstm_backward<double>(Exec{}, l, P, B, params.data(), stride, x.data(), h.data(), c.data(), cache, wh.data(), wc.data(),
                        grads.data(), false, dh.data(), dc.data(), dx.data(), ws);
  EXPECT_LT(testing::max_rel_error(grads, testing::numeric_gradient(params, loss)), 1e-7);
  EXPECT_LT(testing::max_rel_error(dh, testing::numeric_gradient(h, loss)), 1e-7);
  EXPECT_LT(testing::max_rel_error(dc, testing::numeric_gradient(c, loss)), 1e-7);
  EXPECT_LT(testing::max_rel_error(dx, testing::numeric_gradient(x, loss)), 1e-7);
  // the parameters outside the layer's range get no gradient
  for (int64_t p = 0; p < P; ++p) {
    EXPECT_EQ(grads[size_t(p * stride)], 0.0);
    EXPECT_EQ(grads[size_t(p * stride + stride - 1)], 0.0);
  }
}

// Three steps unrolled, the loss on the last h and c: backpropagation through time with accumulated
// parameter gradients equals the finite differences of the whole unroll.
TEST(Lstm, BackpropagationThroughTimeMatchesFiniteDifferences) {
  const int64_t P = 2, B = 2, in = 2, H = 3, T = 3;
  LstmLayout l{in, H, 0};
  const int64_t stride = l.num_params();
  auto params = testing::random_vector<double>(P * stride, 11, 0.6);
  auto xs = testing::random_vector<double>(T * P * B * in, 12);
  const auto wh = testing::random_vector<double>(P * B * H, 13), wc = testing::random_vector<double>(P * B * H, 14);
  const size_t n = size_t(P * B * H), xin = size_t(P * B * in);
  // states[t] = (h_t, c_t), t = 0 .. T; h_0 = c_0 = 0
  auto unroll = [&](std::vector<std::vector<double>>& hs, std::vector<std::vector<double>>& cs,
                    std::vector<LstmCache<double>>& caches) {
    hs.assign(size_t(T + 1), std::vector<double>(n, 0.0));
    cs.assign(size_t(T + 1), std::vector<double>(n, 0.0));
    caches.resize(size_t(T));
    for (int64_t t = 0; t < T; ++t)
      lstm_forward<double>(Exec{}, l, P, B, params.data(), stride, xs.data() + t * xin, hs[size_t(t)].data(),
                           cs[size_t(t)].data(), hs[size_t(t + 1)].data(), cs[size_t(t + 1)].data(), caches[size_t(t)]);
  };
  auto loss = [&] {
    std::vector<std::vector<double>> hs, cs;
    std::vector<LstmCache<double>> caches;
    unroll(hs, cs, caches);
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += hs[size_t(T)][i] * wh[i] + cs[size_t(T)][i] * wc[i];
    return s;
  };
  std::vector<std::vector<double>> hs, cs;
  std::vector<LstmCache<double>> caches;
  unroll(hs, cs, caches);
  std::vector<double> grads(params.size(), 0.0), dh = wh, dc = wc, dh_prev(n), dc_prev(n), dxs(xs.size());
  LstmGradWorkspace<double> ws;
  for (int64_t t = T - 1; t >= 0; --t) {
    lstm_backward<double>(Exec{}, l, P, B, params.data(), stride, xs.data() + t * xin, hs[size_t(t)].data(),
                          cs[size_t(t)].data(), caches[size_t(t)], dh.data(), dc.data(), grads.data(), t != T - 1,
                          dh_prev.data(), dc_prev.data(), dxs.data() + t * xin, ws);
    dh = dh_prev;
    dc = dc_prev;
  }
  EXPECT_LT(testing::max_rel_error(grads, testing::numeric_gradient(params, loss)), 1e-7);
  EXPECT_LT(testing::max_rel_error(dxs, testing::numeric_gradient(xs, loss)), 1e-7);
}

}  // namespace
}  // namespace lamarck::nn
