// OpenES ask+tell on the GPU at P = 1024, D = 100,000 against one device-to-device copy of the same
// P x D floats (the memory-bandwidth floor of writing the population once). Prints medians and the ratio.
// Usage: es_open_es_gpu_bench [reps]
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
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
  const int reps = argc > 1 ? std::atoi(argv[1]) : 10;
  if (!cuda_available()) {
    std::printf("no CUDA device\n");
    return 1;
  }
  const int64_t P = 1024, D = 100000;
  Settings s;
  s.dim = D;
  s.pop_size = P;
  s.seed = 1;
  s.sigma_init = 0.02;
  s.exec.device = Device::cuda;
  auto es = make_strategy("open_es", s);
  DeviceArray<float> x(P * D, Device::cuda), copy(P * D, Device::cuda);
  std::vector<float> f(static_cast<size_t>(P));
  for (int64_t i = 0; i < P; ++i) f[size_t(i)] = float((i * 7919) % 1024);
  std::vector<double> t_es, t_copy;
  for (int r = 0; r < reps + 1; ++r) {
    synchronize(Exec{Device::cuda, 0});
    auto t0 = std::chrono::steady_clock::now();
    es->ask(x.data());
    es->tell(x.data(), f.data());
    synchronize(Exec{Device::cuda, 0});
    auto t1 = std::chrono::steady_clock::now();
    cudaMemcpy(copy.data(), x.data(), sizeof(float) * size_t(P * D), cudaMemcpyDeviceToDevice);
    cudaDeviceSynchronize();
    auto t2 = std::chrono::steady_clock::now();
    if (r == 0) continue;  // warm-up
    t_es.push_back(std::chrono::duration<double>(t1 - t0).count());
    t_copy.push_back(std::chrono::duration<double>(t2 - t1).count());
  }
  const double es_ms = 1e3 * median(t_es), copy_ms = 1e3 * median(t_copy);
  std::printf("open_es gpu P=%lld D=%lld: ask+tell %.3f ms, device memcpy of P*D floats %.3f ms, ratio %.2f (goal <= 3)\n",
              (long long)P, (long long)D, es_ms, copy_ms, es_ms / copy_ms);
  return 0;
}
