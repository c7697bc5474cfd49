#include "lamarck/core/backend.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "lamarck/core/rng.h"

namespace lamarck {
namespace {

TEST(Backend, ParseDevice) {
  EXPECT_EQ(parse_device("cpu"), Device::cpu);
  EXPECT_EQ(parse_device("cuda"), Device::cuda);
  try {
    parse_device("gpuu");
    FAIL() << "expected an error";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("valid choices: cpu, cuda"), std::string::npos) << e.what();
  }
}

TEST(Backend, ParallelForVisitsEveryIndexOnce) {
  for (int threads : {1, 2}) {
    std::vector<int> hits(10007, 0);
    int* p = hits.data();
    parallel_for(Exec{Device::cpu, threads}, int64_t(hits.size()), [p](int64_t i) { p[i] += 1; });
    for (int h : hits) ASSERT_EQ(h, 1);
  }
}

TEST(Backend, CudaRequestWithoutCudaIsAClearError) {
  if (cuda_available()) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_THROW(require_device(Exec{Device::cuda, 0}), InvalidArgument);
  // a kernel compiled by the host compiler refuses the CUDA path
  EXPECT_THROW(parallel_for(Exec{Device::cuda, 0}, 4, [](int64_t) {}), Error);
}

TEST(Backend, TransformSumIsExactForIntegersAndThreadInvariantForFloats) {
  const int64_t n = 100003;
  EXPECT_EQ(transform_sum<int64_t>(Exec{}, n, [](int64_t i) { return i; }), n * (n - 1) / 2);
  auto noisy = [](int64_t i) {
    Philox rng(derive_key(1, 0, uint64_t(i), 0));
    return rng.normal() * 1e3f;
  };
  const float one = transform_sum<float>(Exec{Device::cpu, 1}, n, noisy);
  const float two = transform_sum<float>(Exec{Device::cpu, 2}, n, noisy);
  EXPECT_EQ(one, two);  // bitwise: fixed blocks, combined in order
  double reference = 0;
  for (int64_t i = 0; i < n; ++i) reference += noisy(i);
  EXPECT_NEAR(one, reference, 1e-3 * std::sqrt(double(n)) * 1e3);
}

TEST(Backend, ScanMatchesSequential) {
  const int64_t n = 20000;
  std::vector<int64_t> in(static_cast<size_t>(n)), inclusive(static_cast<size_t>(n)), exclusive(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) in[size_t(i)] = (i * 7919) % 13 - 6;
  for (int threads : {1, 2}) {
    scan(Exec{Device::cpu, threads}, in.data(), inclusive.data(), n, true);
    scan(Exec{Device::cpu, threads}, in.data(), exclusive.data(), n, false);
    int64_t acc = 0;
    for (int64_t i = 0; i < n; ++i) {
      ASSERT_EQ(exclusive[size_t(i)], acc);
      acc += in[size_t(i)];
      ASSERT_EQ(inclusive[size_t(i)], acc);
    }
  }
}

TEST(Backend, ArgsortIsStable) {
  const std::vector<float> keys = {3.f, 1.f, 2.f, 1.f, -5.f, 3.f};
  std::vector<int64_t> order(keys.size());
  argsort(Exec{}, keys.data(), order.data(), int64_t(keys.size()));
  EXPECT_EQ(order, (std::vector<int64_t>{4, 1, 3, 2, 0, 5}));
}

}  // namespace
}  // namespace lamarck
