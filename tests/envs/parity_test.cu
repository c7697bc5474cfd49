// CPU <-> GPU parity of every registered env: the same seed and actions give the same observations,
// rewards, done flags and final observations on both devices, step after step (the env code is the
// same host-device functions; --fmad=false and lamarck's own sin/cos keep the arithmetic identical).
// The GPU's plain per-instance kernel (make_reference_env) is checked the same way (its observations on
// every third step, to keep the host copies in bounds), so the fast path of the large-observation envs
// (strided stores and a transpose) is compared with both.
// Needs a CUDA device; skipped without one.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/core/device_array.h"
#include "lamarck/core/rng.h"
#include "lamarck/envs/registry.h"
#include "test_util.h"

namespace lamarck::envs {
namespace {

class Parity : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!cuda_available()) GTEST_SKIP() << "no CUDA device";
  }
};

template <class T>
std::vector<T> to_host(const T* device_ptr, int64_t n) {
  std::vector<T> out(static_cast<size_t>(n));
  memory::copy(out.data(), Device::cpu, device_ptr, Device::cuda, sizeof(T) * size_t(n));
  return out;
}

TEST_P(Parity, SameTrajectoryOnCpuAndGpu) {
  const int64_t n = 3000;
  const std::string cap = R"({"max_episode_steps": 120})";
  auto cpu = make_env(GetParam(), n, Exec{Device::cpu, 0}, cap);
  auto gpu = make_env(GetParam(), n, Exec{Device::cuda, 0}, cap);
  auto gpu_plain = make_reference_env(GetParam(), n, Exec{Device::cuda, 0}, cap);
  const Space& a = cpu->spec().action;
  const int64_t obs = cpu->spec().observation.size();
  cpu->reset(21);
  gpu->reset(21);
  gpu_plain->reset(21);
  double worst = 0, worst_plain = 0;
  int64_t ended = 0;
  for (int t = 0; t < 300; ++t) {
    Philox rng(derive_key(21, 3, 0, uint64_t(t)));
    if (a.kind == Space::Kind::discrete) {
      std::vector<int32_t> act(static_cast<size_t>(n));
      for (auto& x : act) x = int32_t(rng.below(uint32_t(a.n)));
      DeviceArray<int32_t> dev(act, Device::cuda);
      cpu->step(act.data());
      gpu->step(dev.data());
      gpu_plain->step(dev.data());
    } else {
      std::vector<float> act(static_cast<size_t>(n * a.size()));
      for (size_t i = 0; i < act.size(); ++i) act[i] = rng.uniform(a.low[i % size_t(a.size())], a.high[i % size_t(a.size())]);
      DeviceArray<float> dev(act, Device::cuda);
      cpu->step(act.data());
      gpu->step(dev.data());
      gpu_plain->step(dev.data());
    }
    synchronize(gpu->exec());
    const auto g_obs = to_host(gpu->observations(), n * obs);
    const auto g_fin = to_host(gpu->final_observations(), n * obs);
    const auto g_rew = to_host(gpu->rewards(), n);
    const auto g_term = to_host(gpu->terminated(), n);
    const auto g_trunc = to_host(gpu->truncated(), n);
    const auto p_rew = to_host(gpu_plain->rewards(), n);
    const auto p_term = to_host(gpu_plain->terminated(), n);
    const auto p_trunc = to_host(gpu_plain->truncated(), n);
    const bool check_plain_obs = t % 3 == 2;
    const auto p_obs = check_plain_obs ? to_host(gpu_plain->observations(), n * obs) : std::vector<float>();
    const auto p_fin = check_plain_obs ? to_host(gpu_plain->final_observations(), n * obs) : std::vector<float>();
    const float* c_obs = cpu->observations();
    const float* c_fin = cpu->final_observations();
    for (int64_t i = 0; i < n; ++i) {
      ASSERT_EQ(cpu->terminated()[i], g_term[size_t(i)]) << GetParam() << " instance " << i << " step " << t;
      ASSERT_EQ(cpu->truncated()[i], g_trunc[size_t(i)]) << GetParam() << " instance " << i << " step " << t;
      ASSERT_EQ(cpu->terminated()[i], p_term[size_t(i)]) << GetParam() << " plain, instance " << i << " step " << t;
      ASSERT_EQ(cpu->truncated()[i], p_trunc[size_t(i)]) << GetParam() << " plain, instance " << i << " step " << t;
      worst = std::max(worst, double(std::fabs(cpu->rewards()[i] - g_rew[size_t(i)])));
      worst_plain = std::max(worst_plain, double(std::fabs(cpu->rewards()[i] - p_rew[size_t(i)])));
      const bool done = cpu->terminated()[i] || cpu->truncated()[i];
      ended += done;
      for (int64_t k = 0; k < obs; ++k) {
        const float c = c_obs[i * obs + k];
        worst = std::max(worst, double(std::fabs(c - g_obs[size_t(i * obs + k)])));
        if (check_plain_obs) worst_plain = std::max(worst_plain, double(std::fabs(c - p_obs[size_t(i * obs + k)])));
        if (done) {
          const float f = c_fin[i * obs + k];
          worst = std::max(worst, double(std::fabs(f - g_fin[size_t(i * obs + k)])));
          if (check_plain_obs)
            worst_plain = std::max(worst_plain, double(std::fabs(f - p_fin[size_t(i * obs + k)])));
        }
      }
    }
    ASSERT_LE(worst, 1e-5) << GetParam() << " step " << t;
    ASSERT_LE(worst_plain, 1e-5) << GetParam() << " step " << t << " (GPU plain kernel)";
  }
  EXPECT_GT(ended, 0);
  RecordProperty("max_abs_difference", std::to_string(worst));
  std::printf("%s: max |cpu - gpu| = %.3g (plain kernel %.3g) over 300 steps of %lld envs\n",
              GetParam().c_str(), worst, worst_plain, static_cast<long long>(n));
}

INSTANTIATE_TEST_SUITE_P(Registry, Parity, ::testing::ValuesIn(env_names(Device::cuda)),
                         testing::env_test_name);

}  // namespace
}  // namespace lamarck::envs
