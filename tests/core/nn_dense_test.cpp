// Batched MLP: forward against the plain reference, gradients against finite differences in double,
// orthogonal initialisation.
#include <gtest/gtest.h>

#include "lamarck/core/nn/dense.h"
#include "lamarck/core/nn/init.h"
#include "nn_test_util.h"

namespace lamarck::nn {
namespace {

TEST(Mlp, LayoutCountsParameters) {
  MlpLayout l({4, 64, 64, 2}, Activation::tanh, 10);
  EXPECT_EQ(l.num_params(), 4 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2);
  EXPECT_EQ(l.weight_offset(0), 10);
  EXPECT_EQ(l.bias_offset(0), 10 + 256);
  EXPECT_EQ(l.weight_offset(1), 10 + 256 + 64);
}

TEST(Mlp, ForwardMatchesReference) {
  for (Activation act : {Activation::tanh, Activation::relu}) {
    const int64_t P = 3, B = 70;
    MlpLayout l({5, 16, 8, 3}, act, 2);
    const int64_t stride = l.num_params() + 4;
    auto params = testing::random_vector<float>(P * stride, 7, 0.5);
    auto x = testing::random_vector<float>(P * B * 5, 8);
    MlpCache<float> cache;
    mlp_forward<float>(Exec{}, l, P, B, params.data(), stride, x.data(), cache);
    auto ref = mlp_forward_reference<float>(l, P, B, params.data(), stride, x.data());
    auto out = cache.out.back().to_host();
    ASSERT_EQ(out.size(), ref.size());
    for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(out[i], ref[i], 1e-5);
  }
}

// The per-row forward pass of fused kernels: the same function as the batched one, to float rounding in
// float and to double rounding in double, at the widest layers it accepts.
template <class T>
void check_row_forward(Activation act, const std::vector<int64_t>& sizes, double tol) {
  const int64_t P = 3, B = 5;
  MlpLayout l(sizes, act, 7);
  ASSERT_TRUE(MlpRowLayout::fits(l));
  const MlpRowLayout row = MlpRowLayout::of(l);
  const int64_t stride = l.num_params() + 9;
  auto params = testing::random_vector<T>(P * stride, 11, 0.3);
  auto x = testing::random_vector<T>(P * B * l.in(), 12);
  auto ref = mlp_forward_reference<T>(l, P, B, params.data(), stride, x.data());
  std::vector<T> out(static_cast<size_t>(l.out()));
  for (int64_t r = 0; r < P * B; ++r) {
    mlp_row_forward<T>(row, params.data() + (r / B) * stride, x.data() + r * l.in(), out.data());
    for (int64_t j = 0; j < l.out(); ++j)
      EXPECT_NEAR(out[size_t(j)], ref[size_t(r * l.out() + j)], tol * std::max(1.0, std::fabs(double(ref[size_t(r * l.out() + j)]))))
          << "row " << r << " output " << j;
  }
}

TEST(Mlp, RowForwardMatchesReference) {
  for (Activation act : {Activation::tanh, Activation::relu}) {
    check_row_forward<float>(act, {5, 16, 8, 3}, 1e-5);
    check_row_forward<float>(act, {6, 12, 20, 11}, 1e-5);  // groups of 8 then a tail of single outputs
    // a MinAtar-sized input: 400-term float sums, so rounding grows to ~1e-5 (the reference is double)
    check_row_forward<float>(act, {400, 64, 64, 6}, 1e-4);
    check_row_forward<double>(act, {4, kMaxRowWidth, kMaxRowWidth, kMaxRowWidth}, 1e-12);
    check_row_forward<double>(act, {3, 2, 2, 2, 2, 2, 2, 2, 1}, 1e-12);  // kMaxRowLayers layers
  }
}

TEST(Mlp, RowLayoutRefusesWhatItCannotHold) {
  EXPECT_TRUE(MlpRowLayout::fits(MlpLayout({1000, 64, 64, 18}, Activation::tanh, 0)));  // inputs are not limited
  EXPECT_FALSE(MlpRowLayout::fits(MlpLayout({4, kMaxRowWidth + 1, 2}, Activation::tanh, 0)));
  EXPECT_FALSE(MlpRowLayout::fits(MlpLayout({4, 8, kMaxRowWidth + 1}, Activation::tanh, 0)));
  EXPECT_FALSE(MlpRowLayout::fits(MlpLayout({3, 2, 2, 2, 2, 2, 2, 2, 2, 1}, Activation::tanh, 0)));
}

// loss = sum(out * c) for fixed random c; check dloss/dparams and dloss/dx.
void check_gradients(Activation act) {
  const int64_t P = 2, B = 3;
  MlpLayout l({3, 5, 4, 2}, act, 1);
  const int64_t stride = l.num_params() + 2;
  auto params = testing::random_vector<double>(P * stride, 11, 0.7);
  auto x = testing::random_vector<double>(P * B * 3, 12);
  if (act == Activation::relu)  // keep pre-activations away from the kink
    for (auto& v : params) v += (v > 0 ? 0.05 : -0.05);
  const auto c = testing::random_vector<double>(P * B * 2, 13);
  auto loss = [&] {
    MlpCache<double> cache;
    mlp_forward<double>(Exec{}, l, P, B, params.data(), stride, x.data(), cache);
    auto out = cache.out.back().to_host();
    double s = 0;
    for (size_t i = 0; i < out.size(); ++i) s += out[i] * c[i];
    return s;
  };
  MlpCache<double> cache;
  mlp_forward<double>(Exec{}, l, P, B, params.data(), stride, x.data(), cache);
  std::vector<double> grads(params.size(), 0.0), dx(x.size());
  MlpGradWorkspace<double> ws;
  mlp_backward<double>(Exec{}, l, P, B, params.data(), stride, x.data(), cache, c.data(), grads.data(), false,
                       dx.data(), ws);
  auto num_p = testing::numeric_gradient(params, loss);
  auto num_x = testing::numeric_gradient(x, loss);
  EXPECT_LT(testing::max_rel_error(grads, num_p), 1e-7);
  EXPECT_LT(testing::max_rel_error(dx, num_x), 1e-7);
  // parameters outside the MLP's range have zero gradient
  EXPECT_EQ(grads[0], 0.0);
  // accumulate adds
  std::vector<double> twice = grads;
  mlp_backward<double>(Exec{}, l, P, B, params.data(), stride, x.data(), cache, c.data(), twice.data(), true,
                       nullptr, ws);
  for (size_t i = 0; i < grads.size(); ++i) EXPECT_NEAR(twice[i], 2 * grads[i], 1e-12);
}

TEST(Mlp, GradientsTanh) { check_gradients(Activation::tanh); }
TEST(Mlp, GradientsRelu) { check_gradients(Activation::relu); }

TEST(Mlp, SameResultOnOneAndTwoThreads) {
  const int64_t P = 8, B = 128;
  MlpLayout l({4, 64, 64, 2}, Activation::tanh, 0);
  auto params = testing::random_vector<float>(P * l.num_params(), 21, 0.2);
  auto x = testing::random_vector<float>(P * B * 4, 22);
  auto d = testing::random_vector<float>(P * B * 2, 23);
  std::vector<float> g1(params.size()), g2(params.size());
  for (int threads : {1, 2}) {
    MlpCache<float> cache;
    MlpGradWorkspace<float> ws;
    mlp_forward<float>(Exec{Device::cpu, threads}, l, P, B, params.data(), l.num_params(), x.data(), cache);
    mlp_backward<float>(Exec{Device::cpu, threads}, l, P, B, params.data(), l.num_params(), x.data(), cache, d.data(),
                        threads == 1 ? g1.data() : g2.data(), false, nullptr, ws);
  }
  EXPECT_EQ(g1, g2);
}

TEST(Orthogonal, ColumnsOrRowsAreOrthonormalTimesGain) {
  for (auto [rows, cols] : {std::pair<int64_t, int64_t>{64, 4}, {4, 64}, {64, 64}}) {
    std::vector<double> w(static_cast<size_t>(rows * cols));
    orthogonal(key_from_seed(5), rows, cols, 1.5, w.data());
    const bool by_cols = rows >= cols;
    const int64_t n = by_cols ? cols : rows, len = by_cols ? rows : cols;
    for (int64_t a = 0; a < n; ++a)
      for (int64_t b = 0; b < n; ++b) {
        double dot = 0;
        for (int64_t i = 0; i < len; ++i)
          dot += by_cols ? w[size_t(i * cols + a)] * w[size_t(i * cols + b)] : w[size_t(a * cols + i)] * w[size_t(b * cols + i)];
        EXPECT_NEAR(dot, a == b ? 2.25 : 0.0, 1e-9);
      }
  }
  std::vector<float> a(12), b(12), c(12);
  orthogonal(key_from_seed(5), 3, 4, 1.0, a.data());
  orthogonal(key_from_seed(5), 3, 4, 1.0, b.data());
  orthogonal(key_from_seed(6), 3, 4, 1.0, c.data());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(Orthogonal, InitMlpZeroBiasesAndGains) {
  MlpLayout l({4, 8, 2}, Activation::tanh, 3);
  std::vector<float> row(static_cast<size_t>(3 + l.num_params()), 9.0f);
  init_mlp(l, key_from_seed(1), std::sqrt(2.0), 0.01, row.data());
  EXPECT_EQ(row[0], 9.0f);  // outside the MLP: untouched
  for (int64_t j = 0; j < 8; ++j) EXPECT_EQ(row[size_t(l.bias_offset(0) + j)], 0.0f);
  double sq = 0;  // output layer (8, 2): two orthonormal columns times 0.01
  for (int64_t i = 0; i < 16; ++i) sq += double(row[size_t(l.weight_offset(1) + i)]) * row[size_t(l.weight_offset(1) + i)];
  EXPECT_NEAR(sq, 2 * 1e-4, 1e-9);
}

TEST(Activation, ParseNamesChoices) {
  EXPECT_EQ(parse_activation("relu"), Activation::relu);
  try {
    parse_activation("tanhh");
    FAIL();
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("tanh"), std::string::npos);
  }
}

}  // namespace
}  // namespace lamarck::nn

namespace lamarck::nn {
namespace {
TEST(Tanh, ActivationIsCoreTanh) {
  double worst = 0;
  for (int i = -200000; i <= 200000; ++i) {
    const float x = float(i) * 1e-4f;
    worst = std::max(worst, std::fabs(double(tanh_f(x)) - std::tanh(double(x))));
    EXPECT_EQ(activate(Activation::tanh, x), tanh_f(x));
  }
  EXPECT_LT(worst, 1e-6);
  EXPECT_NEAR(tanh_f(50.0f), 1.0f, 3e-7f);
  EXPECT_EQ(tanh_f(1e-5f), 1e-5f);
}

// The CPU layered forward's bias + tanh (vectorised over a member's rows) is tanh_f of each sum, the bits
// CUDA's BiasActivate computes from the same sums.
TEST(Tanh, CpuBiasActivateIsTanhOfEachSum) {
  const int64_t P = 3, B = 37, width = 19, stride = 50, offset = 7;
  Philox rng(key_from_seed(5));
  std::vector<float> y(static_cast<size_t>(P * B * width)), params(static_cast<size_t>(P * stride));
  for (float& v : y) v = 3.0f * rng.normal();
  for (float& v : params) v = rng.normal();
  std::vector<float> out = y;
  detail::bias_activate_cpu(Exec{Device::cpu, 2}, out.data(), params.data(), stride, offset, P, B, width,
                            Activation::tanh);
  for (int64_t p = 0; p < P; ++p)
    for (int64_t i = 0; i < B; ++i)
      for (int64_t j = 0; j < width; ++j) {
        const size_t k = size_t((p * B + i) * width + j);
        ASSERT_EQ(out[k], tanh_f(y[k] + params[size_t(p * stride + offset + j)])) << p << " " << i << " " << j;
      }
}
}  // namespace
}  // namespace lamarck::nn
