// The one CUDA translation unit of rl/: the table of operations (ops.h) compiled by nvcc from the same
// ops_impl.h the CPU build uses, so the trainer, GAE, the PPO loss and the built-in rules run on the GPU.
#include "ops_impl.h"

namespace lamarck::rl::detail {

const Ops& cuda_ops() { return kOps; }

}  // namespace lamarck::rl::detail
