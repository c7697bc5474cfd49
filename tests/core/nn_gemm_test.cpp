// gemm_batched (Eigen) against the three-loop reference, for every transpose combination, strided
// members, beta != 0, and identical results on 1 and 2 threads.
#include <gtest/gtest.h>

#include "lamarck/core/nn/dense.h"
#include "lamarck/core/nn/gemm.h"
#include "nn_test_util.h"

namespace lamarck::nn {
namespace {

struct Case {
  Trans ta, tb;
  int64_t batch, m, n, k;
  float beta;
};

void run_case(const Case& c, uint64_t seed) {
  const int64_t sa = c.m * c.k + 3, sb = c.k * c.n + 5, sc = c.m * c.n + 7;  // padded member strides
  GemmArgs g = gemm_args(c.ta, c.tb, c.batch, c.m, c.n, c.k, sa, sb, sc);
  auto a = testing::random_vector<float>(c.batch * sa, seed);
  auto b = testing::random_vector<float>(c.batch * sb, seed + 1);
  auto c0 = testing::random_vector<float>(c.batch * sc, seed + 2);
  auto ref = c0, fast1 = c0, fast2 = c0;
  gemm_batched_reference<float>(g, 0.75f, a.data(), b.data(), c.beta, ref.data());
  gemm_batched<float>(Exec{Device::cpu, 1}, g, 0.75f, a.data(), b.data(), c.beta, fast1.data());
  gemm_batched<float>(Exec{Device::cpu, 2}, g, 0.75f, a.data(), b.data(), c.beta, fast2.data());
  for (size_t i = 0; i < ref.size(); ++i) {
    ASSERT_NEAR(fast1[i], ref[i], 1e-4 * (1 + std::sqrt(double(c.k)))) << "index " << i;
  }
  EXPECT_EQ(fast1, fast2) << "results must not depend on the thread count";
}

TEST(Gemm, MatchesReferenceAllTransposes) {
  uint64_t seed = 1;
  for (Trans ta : {Trans::no, Trans::yes})
    for (Trans tb : {Trans::no, Trans::yes})
      for (float beta : {0.0f, 1.0f, 0.5f}) {
        run_case({ta, tb, 3, 5, 7, 4, beta}, seed++);
        run_case({ta, tb, 2, 130, 64, 33, beta}, seed++);  // several row blocks per member
        run_case({ta, tb, 4, 64, 64, 128, beta}, seed++);
      }
}

TEST(Gemm, BetaZeroIgnoresGarbage) {
  GemmArgs g = gemm_args(Trans::no, Trans::no, 1, 2, 2, 2, 4, 4, 4);
  std::vector<float> a{1, 2, 3, 4}, b{1, 0, 0, 1}, c(4, std::nanf(""));
  gemm_batched<float>(Exec{}, g, 1.0f, a.data(), b.data(), 0.0f, c.data());
  EXPECT_EQ(c, a);
}

// mlp_backward's CUDA bias gradient (a GEMM with a shared ones vector, member stride 0) against the CPU's
// row sums, written and accumulated, on the CPU GEMM (the same arguments go to cuBLAS on a GPU).
TEST(Gemm, BiasGradientAsOnesGemmEqualsRowSums) {
  const int64_t P = 3, B = 37, W = 5, stride = 29, offset = 11;
  auto dy = testing::random_vector<float>(P * B * W, 21);
  const std::vector<float> ones(static_cast<size_t>(B), 1.0f);
  for (bool accumulate : {false, true}) {
    auto start = testing::random_vector<float>(P * stride, 22);
    auto sums = start, gemm = start;
    for (int64_t p = 0; p < P; ++p)
      detail::BiasGrad<float>{dy.data(), sums.data(), stride, offset, B, W, accumulate}(p);
    bias_grad_gemm<float>(Exec{Device::cpu, 1}, P, B, W, ones.data(), dy.data(), gemm.data(), stride, offset,
                          accumulate);
    for (size_t i = 0; i < sums.size(); ++i) ASSERT_NEAR(gemm[i], sums[i], 1e-5) << "index " << i << " accumulate " << accumulate;
  }
}

TEST(Gemm, DoublePrecision) {
  GemmArgs g = gemm_args(Trans::yes, Trans::no, 2, 9, 6, 11, 99, 66, 54);
  auto a = testing::random_vector<double>(2 * 99, 3), b = testing::random_vector<double>(2 * 66, 4);
  std::vector<double> ref(2 * 54), fast(2 * 54);
  gemm_batched_reference<double>(g, 1.0, a.data(), b.data(), 0.0, ref.data());
  gemm_batched<double>(Exec{}, g, 1.0, a.data(), b.data(), 0.0, fast.data());
  for (size_t i = 0; i < ref.size(); ++i) EXPECT_NEAR(fast[i], ref[i], 1e-12);
}

}  // namespace
}  // namespace lamarck::nn
