#include "lamarck/core/device_array.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace lamarck {
namespace {

TEST(DeviceArray, HostRoundTripAlignmentAndMove) {
  DeviceArray<float> a(1000);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a.data()) % 64, 0u);
  for (int64_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], 0.0f);  // zero-filled
  std::vector<float> values(1000);
  for (size_t i = 0; i < values.size(); ++i) values[i] = float(i) * 0.5f;
  a.copy_from_host(values.data(), 1000);
  EXPECT_EQ(a.to_host(), values);
  DeviceArray<float> b = std::move(a);
  EXPECT_EQ(a.size(), 0);
  EXPECT_EQ(b.to(Device::cpu).to_host(), values);
}

TEST(DeviceArray, CudaWithoutCudaIsAClearError) {
  if (cuda_available()) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_THROW(DeviceArray<float>(10, Device::cuda), Error);
}

}  // namespace
}  // namespace lamarck
