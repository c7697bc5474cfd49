// CPU <-> GPU parity of the batched rules: the same per-sample code compiled by g++ and nvcc
// (--fmad=false), on the same inputs. tanh/log differ in their last bits between glibc and CUDA's libm,
// so values are compared to a relative 1e-5 rather than bitwise.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "lamarck/core/device_array.h"
#include "lamarck/core/rng.h"
#include "lamarck/learned_objectives/rule_batch.h"

namespace lamarck::objectives {
namespace {

TEST(RuleParity, CpuAndCudaAgree) {
  if (!cuda_available()) GTEST_SKIP() << "no CUDA device";
  const int64_t P = 32, B = 2048;
  for (const std::string& name : rule_names()) {
    const RuleKind kind = parse_rule(name);
    const int64_t stride = rule_num_params(kind), n = P * B;
    Philox rng(key_from_seed(41));
    std::vector<float> ratio, adv, progress, log_h, theta;
    for (int64_t i = 0; i < n; ++i) {
      ratio.push_back(std::exp(0.3f * rng.normal()));
      adv.push_back(rng.normal());
    }
    for (int64_t p = 0; p < P; ++p) {
      progress.push_back(float(p) / float(P));
      log_h.push_back(std::log(float(10 + p)));
    }
    for (int64_t i = 0; i < P * stride; ++i) theta.push_back(0.3f * rng.normal());
    std::vector<float> loss(static_cast<size_t>(n)), d(static_cast<size_t>(n));
    const SampleBatch host{P, B, ratio.data(), adv.data(), progress.data(), log_h.data()};
    evaluate(Exec{}, kind, RuleConstants{}, stride ? theta.data() : nullptr, stride, host, loss.data(), d.data());

    DeviceArray<float> r_d(ratio, Device::cuda), a_d(adv, Device::cuda), p_d(progress, Device::cuda),
        h_d(log_h, Device::cuda), t_d(theta.empty() ? std::vector<float>{0.0f} : theta, Device::cuda);
    DeviceArray<float> loss_d(n, Device::cuda), d_d(n, Device::cuda);
    const SampleBatch dev{P, B, r_d.data(), a_d.data(), p_d.data(), h_d.data()};
    evaluate(Exec{Device::cuda, 0}, kind, RuleConstants{}, stride ? t_d.data() : nullptr, stride, dev, loss_d.data(),
             d_d.data());
    const std::vector<float> loss_g = loss_d.to_host(), d_g = d_d.to_host();
    for (int64_t i = 0; i < n; ++i) {
      ASSERT_NEAR(loss_g[size_t(i)], loss[size_t(i)], 1e-5f * (1 + std::fabs(loss[size_t(i)]))) << name << " " << i;
      ASSERT_NEAR(d_g[size_t(i)], d[size_t(i)], 1e-4f * (1 + std::fabs(d[size_t(i)]))) << name << " " << i;
    }
  }
}

}  // namespace
}  // namespace lamarck::objectives
