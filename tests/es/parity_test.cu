// CPU <-> GPU parity of the strategies that compute on CUDA (OpenES, PGPE, ARS, SNES: sampling, the noise
// moments or weighted deviations of the update, and the weight-decay norms): the same seed gives the same
// candidates (up to CUDA's rounding of the shared float math) and the same trajectory of means within
// float tolerance. Needs a CUDA device; skipped without one.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "lamarck/core/device_array.h"
#include "lamarck/es/problems.h"
#include "lamarck/es/registry.h"

namespace lamarck::es {
namespace {

class EsParity : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cuda_available()) GTEST_SKIP() << "no CUDA device";
  }
};

Settings gpu_settings(Device device) {
  Settings s;
  s.dim = 5000;
  s.pop_size = 64;
  s.seed = 11;
  s.sigma_init = 0.1;
  s.mean_init.assign(5000, 1.0f);
  s.weight_decay = 1e-4;  // the candidates' squared norms are taken where the population lives
  s.exec.device = device;
  return s;
}

class StrategyParity : public EsParity, public ::testing::WithParamInterface<std::string> {};

TEST_P(StrategyParity, SameCandidatesAndMeans) {
  Settings sc = gpu_settings(Device::cpu), sg = gpu_settings(Device::cuda);
  if (GetParam() == "open_es") sc.options = sg.options = {{"lr", 0.05}};
  auto cpu = make_strategy(GetParam(), sc);
  auto gpu = make_strategy(GetParam(), sg);
  const int64_t P = 64, D = 5000;
  const Problem sphere("sphere", D);
  DeviceArray<float> xg(P * D, Device::cuda);
  std::vector<float> xc(static_cast<size_t>(P * D)), xh(static_cast<size_t>(P * D)), f(static_cast<size_t>(P));
  for (int g = 0; g < 20; ++g) {
    cpu->ask(xc.data());
    gpu->ask(xg.data());
    xg.copy_to_host(xh.data(), P * D);
    double worst = 0;
    for (size_t i = 0; i < xc.size(); ++i) worst = std::max(worst, double(std::fabs(xc[i] - xh[i])));
    EXPECT_LT(worst, 1e-5) << GetParam() << " generation " << g;
    // both are told the CPU candidates' fitness, so the comparison isolates the update
    sphere.evaluate(Exec{}, xc.data(), P, f.data());
    cpu->tell(xc.data(), f.data());
    gpu->tell(xg.data(), f.data());
  }
  const std::vector<float> mc = cpu->mean(), mg = gpu->mean();
  double worst = 0;
  for (size_t j = 0; j < mc.size(); ++j) worst = std::max(worst, double(std::fabs(mc[j] - mg[j])));
  EXPECT_LT(worst, 1e-4) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Cuda, StrategyParity, ::testing::Values("open_es", "pgpe", "ars", "snes"));

// Every registered strategy takes a population in device memory: those with CUDA kernels compute there,
// the others are staged through host memory by the base class. Either way the run follows the CPU run
// (bit for bit when staged, within float tolerance otherwise), restarts included.
class DevicePopulation : public EsParity, public ::testing::WithParamInterface<std::string> {};

TEST_P(DevicePopulation, RunFollowsTheCpuRun) {
  Settings sc;
  sc.dim = 40;
  sc.seed = 5;
  sc.sigma_init = 0.5;
  sc.mean_init.assign(40, 1.0f);
  sc.weight_decay = 1e-3;
  Settings sg = sc;
  sg.exec.device = Device::cuda;
  auto cpu = make_strategy(GetParam(), sc);
  auto gpu = make_strategy(GetParam(), sg);
  const int64_t D = 40;
  const Problem rastrigin("rastrigin", D);
  for (int g = 0; g < 30; ++g) {
    const int64_t P = cpu->pop_size();
    ASSERT_EQ(P, gpu->pop_size()) << GetParam() << " generation " << g;
    std::vector<float> xc(static_cast<size_t>(P * D)), xh(static_cast<size_t>(P * D)), f(static_cast<size_t>(P));
    DeviceArray<float> xg(P * D, Device::cuda);
    cpu->ask(xc.data());
    gpu->ask(xg.data());
    xg.copy_to_host(xh.data(), P * D);
    double worst = 0;
    for (size_t i = 0; i < xc.size(); ++i) worst = std::max(worst, double(std::fabs(xc[i] - xh[i])));
    ASSERT_LT(worst, 1e-4) << GetParam() << " generation " << g;
    rastrigin.evaluate(Exec{}, xc.data(), P, f.data());
    cpu->tell(xc.data(), f.data());
    gpu->tell(xg.data(), f.data());
  }
  const std::vector<float> mc = cpu->mean(), mg = gpu->mean();
  double worst = 0;
  for (size_t j = 0; j < mc.size(); ++j) worst = std::max(worst, double(std::fabs(mc[j] - mg[j])));
  EXPECT_LT(worst, 1e-3) << GetParam();
  EXPECT_EQ(cpu->book().generation, gpu->book().generation);
}

INSTANTIATE_TEST_SUITE_P(Cuda, DevicePopulation, ::testing::ValuesIn(strategy_names()));

}  // namespace
}  // namespace lamarck::es
