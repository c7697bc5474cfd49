// OpenES ask+tell on the CPU at P = 1024, D = 100,000 against one memcpy of the same P x D floats (the
// memory-bandwidth floor of writing the population once). Also reports ask and tell separately.
// Usage: es_open_es_bench [reps] [threads]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "lamarck/core/device_array.h"
#include "lamarck/es/registry.h"

using namespace lamarck;
using namespace lamarck::es;

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 5;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
  const int64_t P = 1024, D = 100000;
  Settings s;
  s.dim = D;
  s.pop_size = P;
  s.seed = 1;
  s.sigma_init = 0.02;
  s.exec.threads = threads;
  auto es = make_strategy("open_es", s);
  DeviceArray<float> x(P * D), copy(P * D);  // 64-byte aligned, zero-filled (pages touched)
  std::vector<float> f(static_cast<size_t>(P));
  for (int64_t i = 0; i < P; ++i) f[size_t(i)] = float((i * 7919) % 1024);
  std::vector<double> t_ask, t_tell, t_copy;
  for (int r = 0; r < reps + 1; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    es->ask(x.data());
    auto t1 = std::chrono::steady_clock::now();
    es->tell(x.data(), f.data());
    auto t2 = std::chrono::steady_clock::now();
    std::memcpy(copy.data(), x.data(), sizeof(float) * size_t(P * D));
    auto t3 = std::chrono::steady_clock::now();
    if (r == 0) continue;  // warm-up
    t_ask.push_back(std::chrono::duration<double>(t1 - t0).count());
    t_tell.push_back(std::chrono::duration<double>(t2 - t1).count());
    t_copy.push_back(std::chrono::duration<double>(t3 - t2).count());
  }
  const double ask = 1e3 * median(t_ask), tell = 1e3 * median(t_tell), cp = 1e3 * median(t_copy);
  std::printf("open_es cpu P=%lld D=%lld threads=%d: ask %.1f ms + tell %.1f ms = %.1f ms; memcpy of P*D floats "
              "%.1f ms; ratio %.2f (goal <= 3)\n",
              (long long)P, (long long)D, cpu_threads(s.exec), ask, tell, ask + tell, cp, (ask + tell) / cp);
  return 0;
}
