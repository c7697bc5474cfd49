// rl's CUDA table of operations in a build without CUDA (this file replaces rl_cuda.cu there): the clear
// error a user gets for --device cuda on a CPU-only build.
#include "lamarck/core/error.h"
#include "ops.h"

namespace lamarck::rl::detail {

const Ops& cuda_ops() {
  require_device(Exec{Device::cuda, 0});
  throw Error("rl: CUDA requested in a build without CUDA");
}

}  // namespace lamarck::rl::detail
