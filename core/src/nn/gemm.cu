// Batched GEMM on CUDA with cuBLAS (strided batched); see gemm.h.
// cuBLAS is column-major: a row-major C = op(A) op(B) is the column-major C^T = op(B)^T op(A)^T, so the
// operands are passed swapped, each with its own transpose flag, and the row-major leading dimensions.
#include <cublas_v2.h>

#include <mutex>
#include <string>

#include "lamarck/core/nn/gemm.h"

namespace lamarck::nn::detail {

namespace {
cublasHandle_t handle() {
  static cublasHandle_t h = nullptr;
  static std::once_flag once;
  std::call_once(once, [] {
    if (cublasCreate(&h) != CUBLAS_STATUS_SUCCESS) throw Error("cublasCreate failed");
    // deterministic results: no split-K reductions with atomics
    cublasSetAtomicsMode(h, CUBLAS_ATOMICS_NOT_ALLOWED);
  });
  return h;
}
void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) throw Error(std::string("cuBLAS ") + what + " failed: status " + std::to_string(int(status)));
}
cublasOperation_t op(Trans t) { return t == Trans::no ? CUBLAS_OP_N : CUBLAS_OP_T; }
}  // namespace

void gemm_batched_cuda(const GemmArgs& g, float alpha, const float* a, const float* b, float beta, float* c) {
  check(cublasSgemmStridedBatched(handle(), op(g.tb), op(g.ta), int(g.n), int(g.m), int(g.k), &alpha, b, int(g.ldb),
                                  g.stride_b, a, int(g.lda), g.stride_a, &beta, c, int(g.ldc), g.stride_c,
                                  int(g.batch)),
        "SgemmStridedBatched");
}

void gemm_batched_cuda(const GemmArgs& g, double alpha, const double* a, const double* b, double beta, double* c) {
  check(cublasDgemmStridedBatched(handle(), op(g.tb), op(g.ta), int(g.n), int(g.m), int(g.k), &alpha, b, int(g.ldb),
                                  g.stride_b, a, int(g.lda), g.stride_a, &beta, c, int(g.ldc), g.stride_c,
                                  int(g.batch)),
        "DgemmStridedBatched");
}

}  // namespace lamarck::nn::detail
