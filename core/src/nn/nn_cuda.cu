// The CUDA translation unit of core/nn: batched GEMM with cuBLAS (strided batched; see gemm.h) and the
// Adam step (adam.h, kernels in adam_kernels.h).
// cuBLAS is column-major: a row-major C = op(A) op(B) is the column-major C^T = op(B)^T op(A)^T, so the
// operands are passed swapped, each with its own transpose flag, and the row-major leading dimensions.
#include <cublas_v2.h>

#include <mutex>
#include <string>

#include "adam_kernels.h"
#include "lamarck/core/device_array.h"
#include "lamarck/core/nn/gemm.h"

namespace lamarck::nn::detail {

namespace {
cublasHandle_t handle() {
  static cublasHandle_t h = nullptr;
  static std::once_flag once;
  std::call_once(once, [] {
    if (cublasCreate(&h) != CUBLAS_STATUS_SUCCESS) throw Error("cublasCreate failed");
    // deterministic results: no split-K reductions with atomics
    if (cublasSetAtomicsMode(h, CUBLAS_ATOMICS_NOT_ALLOWED) != CUBLAS_STATUS_SUCCESS) {
      cublasDestroy(h);
      h = nullptr;
      throw Error("cublasSetAtomicsMode failed");
    }
  });
  return h;
}
void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) throw Error(std::string("cuBLAS ") + what + " failed: status " + std::to_string(int(status)));
}
cublasOperation_t op(Trans t) { return t == Trans::no ? CUBLAS_OP_N : CUBLAS_OP_T; }

// cuBLAS wants every leading dimension >= 1; with k = 0 a row-major ld may be 0 (gemm_args), and cuBLAS
// then computes C = beta C, as the CPU path does.
int ld(int64_t x) { return int(x > 1 ? x : 1); }
}  // namespace

void gemm_batched_cuda(const GemmArgs& g, float alpha, const float* a, const float* b, float beta, float* c) {
  check(cublasSgemmStridedBatched(handle(), op(g.tb), op(g.ta), int(g.n), int(g.m), int(g.k), &alpha, b, ld(g.ldb),
                                  g.stride_b, a, ld(g.lda), g.stride_a, &beta, c, ld(g.ldc), g.stride_c,
                                  int(g.batch)),
        "SgemmStridedBatched");
}

void gemm_batched_cuda(const GemmArgs& g, double alpha, const double* a, const double* b, double beta, double* c) {
  check(cublasDgemmStridedBatched(handle(), op(g.tb), op(g.ta), int(g.n), int(g.m), int(g.k), &alpha, b, ld(g.ldb),
                                  g.stride_b, a, ld(g.lda), g.stride_a, &beta, c, ld(g.ldc), g.stride_c,
                                  int(g.batch)),
        "DgemmStridedBatched");
}

namespace {
// Squared norm of member blockIdx.x's row: each thread sums a strided slice in double, then a tree
// reduction in shared memory (a fixed order, so the result does not vary between runs).
constexpr int kNormThreads = 256;
__global__ void row_squared_norms(const float* grads, int64_t n, double* out) {
  __shared__ double partial[kNormThreads];
  const float* row = grads + int64_t(blockIdx.x) * n;
  double acc = 0.0;
  for (int64_t i = threadIdx.x; i < n; i += kNormThreads) acc += double(row[i]) * double(row[i]);
  partial[threadIdx.x] = acc;
  __syncthreads();
  for (int width = kNormThreads / 2; width > 0; width /= 2) {
    if (int(threadIdx.x) < width) partial[threadIdx.x] += partial[threadIdx.x + width];
    __syncthreads();
  }
  if (threadIdx.x == 0) out[blockIdx.x] = partial[0];
}
}  // namespace

void grad_squared_norms_cuda(int64_t P, int64_t n, const float* grads, double* norms_sq, double* scratch) {
  if (P <= 0) return;
  DeviceArray<double> temporary;
  if (!scratch) {
    temporary = DeviceArray<double>(P, Device::cuda);
    scratch = temporary.data();
  }
  row_squared_norms<<<unsigned(P), kNormThreads>>>(grads, n, scratch);
  LMK_CUDA_CHECK(cudaGetLastError());
  memory::copy(norms_sq, Device::cpu, scratch, Device::cuda, sizeof(double) * size_t(P));
}

void adam_update_cuda(const AdamArrays& arrays, int64_t P, const AdamCoef* coef, AdamCoef* coef_scratch) {
  DeviceArray<AdamCoef> temporary;
  if (!coef_scratch) {
    temporary = DeviceArray<AdamCoef>(P, Device::cuda);
    coef_scratch = temporary.data();
  }
  memory::copy(coef_scratch, Device::cuda, coef, Device::cpu, sizeof(AdamCoef) * size_t(P));
  AdamArrays a = arrays;
  a.coef = coef_scratch;
  // queued without a host wait: whatever reads the parameters next is ordered behind it on the default
  // stream (the temporary's block goes back to the cache, reused only by work queued later)
  parallel_for(Exec{Device::cuda, 0}, P * a.n, AdamElements{a});
}

}  // namespace lamarck::nn::detail
