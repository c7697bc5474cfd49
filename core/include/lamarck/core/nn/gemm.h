// The one batched-GEMM entry point of lamarck: every dense product of the batched networks goes
// through gemm_batched (Eigen on the CPU, cuBLAS strided-batched GEMM on CUDA).
//
// All matrices are row-major. For b in [0, batch):
//   C_b = alpha * op(A_b) * op(B_b) + beta * C_b
// with op(A_b) of shape (m, k), op(B_b) of shape (k, n), C_b of shape (m, n);
// A_b = a + b * stride_a (stored (m, k) with row stride lda, or (k, m) when ta == Trans::yes), and
// likewise for B and C. beta == 0 never reads C (it may hold garbage).
//
// CPU: the work is split into fixed tasks of (member, block of kGemmRowBlock rows of C, and for wide
// products with fewer than 4 row blocks in all, block of kGemmColBlock columns) that do not depend on the
// thread count, so results are identical for any number of threads.
#pragma once

#include <cstdint>

#include "lamarck/core/backend.h"

namespace lamarck::nn {

enum class Trans { no, yes };

constexpr int64_t kGemmRowBlock = 64;   // rows of C per CPU task
constexpr int64_t kGemmColBlock = 256;  // columns of C per CPU task, for wide products of few row blocks

struct GemmArgs {
  Trans ta = Trans::no, tb = Trans::no;
  int64_t batch = 1, m = 0, n = 0, k = 0;
  int64_t lda = 0, stride_a = 0;
  int64_t ldb = 0, stride_b = 0;
  int64_t ldc = 0, stride_c = 0;
};

// The fast path: Eigen (CPU) or cuBLAS (CUDA, when built with it).
template <class T>
void gemm_batched(const Exec& exec, const GemmArgs& g, T alpha, const T* a, const T* b, T beta, T* c);

// The plain reference: three loops, double accumulation, host memory only.
template <class T>
void gemm_batched_reference(const GemmArgs& g, T alpha, const T* a, const T* b, T beta, T* c);

// Convenience: arguments for contiguous row-major operands (lda etc. from the shapes).
GemmArgs gemm_args(Trans ta, Trans tb, int64_t batch, int64_t m, int64_t n, int64_t k, int64_t stride_a,
                   int64_t stride_b, int64_t stride_c);

// Floating-point operations of one call (2 m n k per member).
inline double gemm_flops(const GemmArgs& g) { return 2.0 * double(g.batch) * double(g.m) * double(g.n) * double(g.k); }

namespace detail {
// cuBLAS path (defined in nn_cuda.cu; throws in a build without CUDA).
void gemm_batched_cuda(const GemmArgs& g, float alpha, const float* a, const float* b, float beta, float* c);
void gemm_batched_cuda(const GemmArgs& g, double alpha, const double* a, const double* b, double beta, double* c);
}  // namespace detail

}  // namespace lamarck::nn
