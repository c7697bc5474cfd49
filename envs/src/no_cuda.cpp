// The CUDA launches of batched.h in a build without CUDA (this file replaces envs_cuda.cu there): for
// every listed env, the clear error a user gets for --device cuda on a CPU-only build.
#include "lamarck/core/backend.h"
#include "lamarck/envs/batched.h"
#include "lamarck/envs/env_list.h"

namespace lamarck::envs {

template <class Env>
void step_cuda(const BatchView<Env>&, const typename Env::Action*, int64_t, bool) {
  require_device(Exec{Device::cuda, 0});
  ::lamarck::detail::not_compiled_for_cuda();
}

template <class Env>
void reset_cuda(const BatchView<Env>&, uint64_t, const uint64_t*, const int64_t*, int64_t) {
  require_device(Exec{Device::cuda, 0});
  ::lamarck::detail::not_compiled_for_cuda();
}

#define LMK_ENVS_INSTANTIATE_NO_CUDA(Env)                                                         \
  template void step_cuda<Env>(const BatchView<Env>&, const typename Env::Action*, int64_t, bool); \
  template void reset_cuda<Env>(const BatchView<Env>&, uint64_t, const uint64_t*, const int64_t*, int64_t);

LMK_FOR_EACH_BATCHED_ENV(LMK_ENVS_INSTANTIATE_NO_CUDA)

}  // namespace lamarck::envs
