// rl_bench: the inner loop's speed, each number next to a baseline measured in the same run.
//   rl_bench gemm                 batched-GEMM peak of this machine (the roofline), 1 thread and all;
//                                 on a CUDA build with a device, also cuBLAS at P = 64 and 2048
//   rl_bench single [steps]       one CartPole agent, CleanRL defaults (compare: CleanRL ppo.py wall time)
//   rl_bench population [P] [steps]  P CartPole agents in lockstep: aggregate SPS and the fraction of the
//                                 GEMM peak that the training FLOPs reach
//   rl_bench memory [P]           peak resident memory of a P-agent CartPole population (one update)
//   rl_bench gpu [P] [steps] [auto|fused|layered]
//                                 P CartPole agents trained on CUDA (CleanRL defaults, the given
//                                 TrainConfig::policy_step): wall time, aggregate SPS, and the fraction of
//                                 the cuBLAS peak measured at the same P
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "lamarck/core/device_array.h"
#include "lamarck/core/nn/gemm.h"
#include "lamarck/rl/trainer.h"

using namespace lamarck;

namespace {

// Where a trainer's time went: the rollouts (policy steps and env steps) and the learning (GAE, shuffles,
// minibatch passes, Adam), in seconds and as shares of the two.
void print_phases(const rl::Trainer& t) {
  const double r = t.rollout_seconds(), l = t.learn_seconds(), sum = r + l > 0 ? r + l : 1.0;
  std::printf("phases: rollout %.2f s (%.0f%%), learning %.2f s (%.0f%%)\n", r, 100.0 * r / sum, l, 100.0 * l / sum);
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// GFLOP/s of the batched GEMM at the trainer's dominant shape: P members x (128 x 64) . (64 x 64).
double gemm_peak(int threads, int64_t P) {
  const int64_t m = 128, n = 64, k = 64;
  std::vector<float> a(size_t(P * m * k), 0.5f), b(size_t(P * k * n), 0.25f), c(size_t(P * m * n));
  nn::GemmArgs g = nn::gemm_args(nn::Trans::no, nn::Trans::no, P, m, n, k, m * k, k * n, m * n);
  const Exec exec{Device::cpu, threads};
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const int iters = 200;
    const double t0 = now();
    for (int i = 0; i < iters; ++i) nn::gemm_batched<float>(exec, g, 1.0f, a.data(), b.data(), 0.0f, c.data());
    best = std::max(best, nn::gemm_flops(g) * iters / (now() - t0) / 1e9);
  }
  return best;
}

// Training FLOPs per env step of one agent (multiply-adds x 2): rollout forward of actor and critic,
// then per epoch a forward and a backward (weight and input gradients, no input gradient for layer 0).
double flops_per_step(const rl::Trainer& t) {
  const auto& L = t.layout();
  const rl::TrainConfig& c = t.config();
  auto macs = [](const nn::MlpLayout& l) { return double(l.macs_per_row()); };
  auto first = [](const nn::MlpLayout& l) { return double(l.sizes[0] * l.sizes[1]); };
  const double fwd = macs(L.actor) + macs(L.critic);
  const double bwd = 2 * fwd - first(L.actor) - first(L.critic);
  return 2.0 * (fwd + double(c.update_epochs) * (fwd + bwd));
}

// The same on a CUDA device (cuBLAS strided batched), P members: GFLOP/s.
double gemm_peak_cuda(int64_t P) {
  const int64_t m = 128, n = 64, k = 64;
  const Exec exec{Device::cuda, 0};
  DeviceArray<float> a(std::vector<float>(size_t(P * m * k), 0.5f), Device::cuda);
  DeviceArray<float> b(std::vector<float>(size_t(P * k * n), 0.25f), Device::cuda);
  DeviceArray<float> c(P * m * n, Device::cuda);
  nn::GemmArgs g = nn::gemm_args(nn::Trans::no, nn::Trans::no, P, m, n, k, m * k, k * n, m * n);
  nn::gemm_batched<float>(exec, g, 1.0f, a.data(), b.data(), 0.0f, c.data());  // warm-up
  synchronize(exec);
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const int iters = 200;
    const double t0 = now();
    for (int i = 0; i < iters; ++i) nn::gemm_batched<float>(exec, g, 1.0f, a.data(), b.data(), 0.0f, c.data());
    synchronize(exec);
    best = std::max(best, nn::gemm_flops(g) * iters / (now() - t0) / 1e9);
  }
  return best;
}

long peak_rss_kb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "population";
  const int threads = omp_get_max_threads();
  if (mode == "gemm") {
    std::printf("gemm peak (P=64, 128x64x64): 1 thread %.1f GFLOP/s, %d threads %.1f GFLOP/s\n", gemm_peak(1, 64),
                threads, gemm_peak(threads, 64));
    if (cuda_available())
      for (int64_t P : {64, 2048})
        std::printf("gemm on CUDA (cuBLAS, P=%lld, 128x64x64): %.1f GFLOP/s\n", (long long)P, gemm_peak_cuda(P));
  } else if (mode == "single") {
    rl::TrainConfig c;
    if (argc > 2) c.total_timesteps = std::atoll(argv[2]);
    const double t0 = now();
    rl::Trainer t(c, 1, Exec{Device::cpu, 1});
    t.run();
    const double wall = now() - t0;
    std::printf("single CartPole agent, CleanRL defaults, %lld steps, 1 thread: %.2f s (%.0f SPS), final return %.1f\n",
                (long long)t.env_steps_per_agent(), wall, double(t.env_steps_per_agent()) / wall, t.final_returns()[0]);
    std::printf("ratio vs CleanRL ppo.py (pass its wall time for 5e5 steps as CLEANRL_S): %s\n",
                std::getenv("CLEANRL_S") ? std::to_string(std::atof(std::getenv("CLEANRL_S")) / wall).c_str() : "n/a");
    print_phases(t);
  } else if (mode == "population") {
    const int64_t P = argc > 2 ? std::atoll(argv[2]) : 64;
    rl::TrainConfig c;
    c.total_timesteps = argc > 3 ? std::atoll(argv[3]) : 51200;
    const double peak = gemm_peak(threads, 64);
    rl::Trainer t(c, P, Exec{Device::cpu, threads});
    const double t0 = now();
    t.run();
    const double wall = now() - t0;
    const double steps = double(t.env_steps_per_agent()) * double(P);
    const double gflops = steps * flops_per_step(t) / wall / 1e9;
    std::printf("population of %lld CartPole agents x %lld steps, %d threads: %.2f s, %.0f aggregate SPS\n",
                (long long)P, (long long)t.env_steps_per_agent(), threads, wall, steps / wall);
    std::printf("training FLOPs %.0f per env step -> %.1f GFLOP/s = %.1f%% of the batched-GEMM peak %.1f GFLOP/s\n",
                flops_per_step(t), gflops, 100.0 * gflops / peak, peak);
    print_phases(t);
  } else if (mode == "memory") {
    const int64_t P = argc > 2 ? std::atoll(argv[2]) : 1024;
    const long before = peak_rss_kb();
    rl::TrainConfig c;
    rl::Trainer t(c, P, Exec{Device::cpu, threads});
    t.update();
    std::printf("population of %lld CartPole agents, one update: peak RSS %.1f MB (process start %.1f MB)\n",
                (long long)P, peak_rss_kb() / 1024.0, before / 1024.0);
  } else if (mode == "gpu") {
    if (!cuda_available()) {
      std::fprintf(stderr, "rl_bench gpu: no CUDA device (or a build without CUDA)\n");
      return 2;
    }
    const int64_t P = argc > 2 ? std::atoll(argv[2]) : 2048;
    rl::TrainConfig c;
    c.total_timesteps = argc > 3 ? std::atoll(argv[3]) : 500000;
    if (argc > 4) c.policy_step = argv[4];
    const double peak = gemm_peak_cuda(P);
    const double t0 = now();
    rl::Trainer t(c, P, Exec{Device::cuda, 0});
    t.run();
    synchronize(Exec{Device::cuda, 0});
    const double wall = now() - t0;
    const double steps = double(t.env_steps_per_agent()) * double(P);
    const double gflops = steps * flops_per_step(t) / wall / 1e9;
    double mean_return = 0;
    for (double r : t.final_returns()) mean_return += r / double(P);
    std::printf("population of %lld CartPole agents x %lld steps on CUDA: %.2f s, %.3g aggregate SPS, mean final "
                "return %.1f, policy_step %s (goal at 2048 x 5e5: <= 30 s; PureJaxRL reports about 98 s on an "
                "A100)\n",
                (long long)P, (long long)t.env_steps_per_agent(), wall, steps / wall, mean_return,
                c.policy_step.c_str());
    std::printf("training FLOPs %.0f per env step -> %.1f GFLOP/s = %.2f%% of the cuBLAS peak %.1f GFLOP/s (P=%lld)\n",
                flops_per_step(t), gflops, 100.0 * gflops / peak, peak, (long long)P);
    print_phases(t);
  } else {
    std::fprintf(stderr, "usage: rl_bench gemm | single [steps] | population [P] [steps] | memory [P] | gpu [P] [steps] [auto|fused|layered]\n");
    return 2;
  }
  return 0;
}
