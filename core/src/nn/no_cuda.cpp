// core/nn's CUDA launches in a build without CUDA (this file replaces nn_cuda.cu there): the clear error
// a user gets for --device cuda on a CPU-only build.
#include "lamarck/core/error.h"
#include "adam_kernels.h"
#include "lamarck/core/nn/gemm.h"

namespace lamarck::nn::detail {

void gemm_batched_cuda(const GemmArgs&, float, const float*, const float*, float, float*) {
  require_device(Exec{Device::cuda, 0});
  throw Error("gemm_batched: CUDA requested in a build without CUDA");
}
void gemm_batched_cuda(const GemmArgs&, double, const double*, const double*, double, double*) {
  require_device(Exec{Device::cuda, 0});
  throw Error("gemm_batched: CUDA requested in a build without CUDA");
}
void grad_squared_norms_cuda(int64_t, int64_t, const float*, double*, double*) {
  require_device(Exec{Device::cuda, 0});
  throw Error("adam_step: CUDA requested in a build without CUDA");
}
void adam_update_cuda(const AdamArrays&, int64_t, const AdamCoef*, AdamCoef*) {
  require_device(Exec{Device::cuda, 0});
  throw Error("adam_step: CUDA requested in a build without CUDA");
}
}  // namespace lamarck::nn::detail
