// The one CUDA translation unit of envs/: the batched step and reset of every registered env, compiled
// by nvcc from the same host-device env code the CPU runs (Thrust through core's parallel_for).
#include "lamarck/core/backend.h"
#include "lamarck/envs/batched.h"
#include "lamarck/envs/env_list.h"

namespace lamarck::envs {

namespace {
// out (cols, rows) = in (rows, cols) transposed, through 32 x 32 tiles in shared memory so that both the
// loads and the stores of a warp are coalesced. Launched with blocks of 32 x 8 threads.
__global__ void transpose_tiles(const float* in, float* out, int64_t rows, int64_t cols) {
  __shared__ float tile[32][33];  // +1 column: no bank conflicts on the transposed read
  const int64_t col0 = int64_t(blockIdx.x) * 32, row0 = int64_t(blockIdx.y) * 32;
  for (int j = threadIdx.y; j < 32; j += 8) {
    const int64_t r = row0 + j, c = col0 + threadIdx.x;
    if (r < rows && c < cols) tile[j][threadIdx.x] = in[r * cols + c];
  }
  __syncthreads();
  for (int j = threadIdx.y; j < 32; j += 8) {
    const int64_t r = col0 + j, c = row0 + threadIdx.x;  // out row = in column
    if (r < cols && c < rows) out[r * rows + c] = tile[threadIdx.x][j];
  }
}
}  // namespace

// Envs with large observations (kObserveStrided) write them to the (kObsSize, N) scratch, where a warp's
// stores are coalesced, and a tiled transpose moves them to (N, kObsSize); one thread per instance writing
// its own 400-1000 floats would make every store of a warp touch 32 different sectors.
template <class Env>
void step_cuda(const BatchView<Env>& v, const typename Env::Action* actions, int64_t n, bool plain) {
  if constexpr (ObserveStrided<Env>::value) {
    if (plain) {
      parallel_for(Exec{Device::cuda, 0}, n, StepKernel<Env>{v, actions});
      return;
    }
    parallel_for(Exec{Device::cuda, 0}, n, StepKernelStrided<Env>{v, actions});
    const int64_t k = Env::kObsSize;
    const dim3 block(32, 8), grid(unsigned((n + 31) / 32), unsigned((k + 31) / 32));
    // queued behind the step on the default stream, as the next step is behind it: the scratch is never
    // rewritten before the transpose has read it, so no host wait here
    transpose_tiles<<<grid, block>>>(v.obs_t, v.obs, k, n);
    LMK_CUDA_CHECK(cudaGetLastError());
  } else {
    (void)plain;  // one kernel either way
    parallel_for(Exec{Device::cuda, 0}, n, StepKernel<Env>{v, actions});
  }
}

template <class Env>
void reset_cuda(const BatchView<Env>& v, uint64_t seed, const uint64_t* ids, const int64_t* which, int64_t n) {
  parallel_for(Exec{Device::cuda, 0}, n, ResetKernel<Env>{v, seed, ids, which});
}

#define LMK_ENVS_INSTANTIATE_CUDA(Env)                                                            \
  template void step_cuda<Env>(const BatchView<Env>&, const typename Env::Action*, int64_t, bool); \
  template void reset_cuda<Env>(const BatchView<Env>&, uint64_t, const uint64_t*, const int64_t*, int64_t);

LMK_FOR_EACH_BATCHED_ENV(LMK_ENVS_INSTANTIATE_CUDA)

}  // namespace lamarck::envs
