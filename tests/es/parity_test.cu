// CPU <-> GPU parity of the strategies that compute on CUDA (OpenES, PGPE, ARS, SNES: sampling, the noise
// moments or weighted deviations of the update, and the weight-decay norms): the same seed gives the same
// candidates (up to CUDA's rounding of the shared float math) and the same trajectory of means within
// float tolerance. Needs a CUDA device; skipped without one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
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

// Runs `name` with settings `sc` on the CPU and on CUDA side by side for `generations`, both told the
// fitness of the CPU candidates (so the comparison isolates sampling and update), and checks the
// candidates of every generation (max abs difference < cand_tol) and the final means (< mean_tol).
void expect_gpu_follows_cpu(const std::string& name, const Settings& sc, const std::string& problem, int generations,
                            double cand_tol, double mean_tol) {
  Settings sg = sc;
  sg.exec.device = Device::cuda;
  auto cpu = make_strategy(name, sc);
  auto gpu = make_strategy(name, sg);
  const int64_t D = sc.dim;
  const Problem fn(problem, D);
  for (int g = 0; g < generations; ++g) {
    const int64_t P = cpu->pop_size();  // restart strategies change it
    ASSERT_EQ(P, gpu->pop_size()) << name << " generation " << g;
    std::vector<float> xc(static_cast<size_t>(P * D)), xh(static_cast<size_t>(P * D)), f(static_cast<size_t>(P));
    DeviceArray<float> xg(P * D, Device::cuda);
    cpu->ask(xc.data());
    gpu->ask(xg.data());
    xg.copy_to_host(xh.data(), P * D);
    double worst = 0;
    for (size_t i = 0; i < xc.size(); ++i) worst = std::max(worst, double(std::fabs(xc[i] - xh[i])));
    ASSERT_LT(worst, cand_tol) << name << " generation " << g;
    fn.evaluate(Exec{}, xc.data(), P, f.data());
    cpu->tell(xc.data(), f.data());
    gpu->tell(xg.data(), f.data());
  }
  const std::vector<float> mc = cpu->mean(), mg = gpu->mean();
  double worst = 0;
  for (size_t j = 0; j < mc.size(); ++j) worst = std::max(worst, double(std::fabs(mc[j] - mg[j])));
  EXPECT_LT(worst, mean_tol) << name;
  EXPECT_EQ(cpu->book().generation, gpu->book().generation);
}

// The strategies with CUDA kernels at a large dimension.
class StrategyParity : public EsParity, public ::testing::WithParamInterface<std::string> {};

TEST_P(StrategyParity, SameCandidatesAndMeans) {
  Settings s;
  s.dim = 5000;
  s.pop_size = 64;
  s.seed = 11;
  s.sigma_init = 0.1;
  s.mean_init.assign(5000, 1.0f);
  s.weight_decay = 1e-4;  // the candidates' squared norms are taken where the population lives
  if (GetParam() == "open_es") s.options = {{"lr", 0.05}};
  expect_gpu_follows_cpu(GetParam(), s, "sphere", 20, 1e-5, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Cuda, StrategyParity, ::testing::Values("open_es", "pgpe", "ars", "snes"));

// Every registered strategy takes a population in device memory: those with CUDA kernels compute there,
// the others are staged through host memory by the base class. Either way the run follows the CPU run
// (bit for bit when staged, within float tolerance otherwise), restarts included.
class DevicePopulation : public EsParity, public ::testing::WithParamInterface<std::string> {};

TEST_P(DevicePopulation, RunFollowsTheCpuRun) {
  Settings s;
  s.dim = 40;
  s.seed = 5;
  s.sigma_init = 0.5;
  s.mean_init.assign(40, 1.0f);
  s.weight_decay = 1e-3;
  expect_gpu_follows_cpu(GetParam(), s, "rastrigin", 30, 1e-4, 1e-3);
}

INSTANTIATE_TEST_SUITE_P(Cuda, DevicePopulation, ::testing::ValuesIn(strategy_names()));

}  // namespace
}  // namespace lamarck::es
