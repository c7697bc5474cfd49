#include "lamarck/core/backend.h"

#if defined(LAMARCK_WITH_CUDA)
#include <cuda_runtime_api.h>
#endif

namespace lamarck {

const char* device_name(Device device) { return device == Device::cuda ? "cuda" : "cpu"; }

Device parse_device(const std::string& name) {
  if (name == "cpu") return Device::cpu;
  if (name == "cuda" || name == "gpu") return Device::cuda;
  throw_unknown_choice("device", name, {"cpu", "cuda"});
}

int cuda_device_count() {
#if defined(LAMARCK_WITH_CUDA)
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device" error
    return 0;
  }
  return count;
#else
  return 0;
#endif
}

bool cuda_available() { return cuda_device_count() > 0; }

std::string cuda_architectures() {
#if defined(LAMARCK_WITH_CUDA)
  return LAMARCK_CUDA_ARCHITECTURES;
#else
  return "";
#endif
}

void require_device(const Exec& exec) {
  if (exec.device != Device::cuda) return;
#if !defined(LAMARCK_WITH_CUDA)
  throw InvalidArgument("device 'cuda' was asked for, but this build of lamarck has no CUDA backend "
                        "(valid choices here: cpu)");
#else
  if (!cuda_available())
    throw InvalidArgument("device 'cuda' was asked for, but no CUDA device is visible (valid choices here: cpu)");
#endif
}

int cpu_threads(const Exec& exec) { return exec.threads > 0 ? exec.threads : omp_get_max_threads(); }

void synchronize(const Exec& exec) {
#if defined(LAMARCK_WITH_CUDA)
  if (exec.device == Device::cuda) LMK_CUDA_CHECK(cudaDeviceSynchronize());
#else
  (void)exec;
#endif
}

}  // namespace lamarck
