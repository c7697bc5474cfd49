// CPU <-> GPU parity of the core layer: the same keys give the same numbers, and the backend's
// reduce/scan/argsort agree. Needs a CUDA device; skipped without one.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/device_array.h"
#include "lamarck/core/rng.h"

namespace lamarck {
namespace {

struct DrawNumbers {
  uint32_t* bits;
  float* uniforms;
  float* normals;
  LMK_HD void operator()(int64_t i) const {
    Philox rng(derive_key(2024, 1, uint64_t(i), 7));
    bits[i] = rng.next_u32();
    uniforms[i] = rng.uniform();
    normals[i] = rng.normal();
  }
};

void draw(Device device, int64_t n, std::vector<uint32_t>& bits, std::vector<float>& u, std::vector<float>& z) {
  DeviceArray<uint32_t> b(n, device);
  DeviceArray<float> uu(n, device), zz(n, device);
  parallel_for(Exec{device, 0}, n, DrawNumbers{b.data(), uu.data(), zz.data()});
  synchronize(Exec{device, 0});
  bits = b.to_host();
  u = uu.to_host();
  z = zz.to_host();
}

class Parity : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cuda_available()) GTEST_SKIP() << "no CUDA device";
  }
};

TEST_F(Parity, RngSameKeysSameNumbers) {
  const int64_t n = 1 << 20;
  std::vector<uint32_t> cb, gb;
  std::vector<float> cu, gu, cz, gz;
  draw(Device::cpu, n, cb, cu, cz);
  draw(Device::cuda, n, gb, gu, gz);
  EXPECT_EQ(cb, gb);  // integer bits: exact
  EXPECT_EQ(cu, gu);  // 24-bit uniforms: exact
  double worst = 0;
  for (int64_t i = 0; i < n; ++i) worst = std::max(worst, double(std::fabs(cz[size_t(i)] - gz[size_t(i)])));
  EXPECT_LT(worst, 1e-5) << "normals differ only by libm rounding";
}

struct Noise {
  LMK_HD float operator()(int64_t i) const {
    Philox rng(derive_key(5, 0, uint64_t(i), 0));
    return rng.uniform() - 0.5f;
  }
};

// A freed CUDA block is cached and handed out again for the same size, zero-filled like a new one; other
// sizes get other blocks.
TEST_F(Parity, DeviceArraysReuseFreedBlocks) {
  const float* first = nullptr;
  {
    DeviceArray<float> a(std::vector<float>(1000, 7.0f), Device::cuda);
    first = a.data();
  }
  DeviceArray<float> b(1000, Device::cuda);
  EXPECT_EQ(b.data(), first);
  for (float x : b.to_host()) ASSERT_EQ(x, 0.0f);
  DeviceArray<float> c(1000, Device::cuda);
  EXPECT_NE(c.data(), b.data());
  DeviceArray<double> d(5000, Device::cuda);
  EXPECT_NE(static_cast<const void*>(d.data()), static_cast<const void*>(c.data()));
}

TEST_F(Parity, ReduceScanArgsort) {
  const int64_t n = 300000;
  const double cpu_sum = transform_sum<double>(Exec{Device::cpu, 0}, n, Noise{});
  const double gpu_sum = transform_sum<double>(Exec{Device::cuda, 0}, n, Noise{});
  EXPECT_NEAR(cpu_sum, gpu_sum, 1e-6);

  std::vector<int64_t> values(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) values[size_t(i)] = (i * 2654435761ll) % 1000 - 500;
  DeviceArray<int64_t> in(values, Device::cuda), out(n, Device::cuda);
  std::vector<int64_t> cpu_out(static_cast<size_t>(n));
  scan(Exec{Device::cuda, 0}, in.data(), out.data(), n, true);
  scan(Exec{Device::cpu, 0}, values.data(), cpu_out.data(), n, true);
  EXPECT_EQ(out.to_host(), cpu_out);

  std::vector<float> keys(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) keys[size_t(i)] = float((i * 7919) % 5003);
  DeviceArray<float> gkeys(keys, Device::cuda);
  DeviceArray<int64_t> gorder(n, Device::cuda);
  std::vector<int64_t> corder(static_cast<size_t>(n));
  argsort(Exec{Device::cuda, 0}, gkeys.data(), gorder.data(), n);
  argsort(Exec{Device::cpu, 0}, keys.data(), corder.data(), n);
  EXPECT_EQ(gorder.to_host(), corder);  // stable on both sides: identical permutation
}

}  // namespace
}  // namespace lamarck
