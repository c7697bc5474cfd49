// Batched GEMM on the CPU with Eigen; see gemm.h.
#include "lamarck/core/nn/gemm.h"

#include "lamarck/core/eigen.h"
#include <algorithm>

namespace lamarck::nn {

GemmArgs gemm_args(Trans ta, Trans tb, int64_t batch, int64_t m, int64_t n, int64_t k, int64_t stride_a,
                   int64_t stride_b, int64_t stride_c) {
  GemmArgs g;
  g.ta = ta;
  g.tb = tb;
  g.batch = batch;
  g.m = m;
  g.n = n;
  g.k = k;
  g.lda = ta == Trans::no ? k : m;
  g.ldb = tb == Trans::no ? n : k;
  g.ldc = n;
  g.stride_a = stride_a;
  g.stride_b = stride_b;
  g.stride_c = stride_c;
  return g;
}

namespace {

template <class T>
using RowMat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using ConstMap = Eigen::Map<const RowMat<T>, 0, Eigen::OuterStride<>>;
template <class T>
using MutMap = Eigen::Map<RowMat<T>, 0, Eigen::OuterStride<>>;

template <class T, class OpA, class OpB>
void product_into(MutMap<T>& c, const OpA& a, const OpB& b, T alpha, T beta) {
  if (beta == T(0)) {
    c.noalias() = alpha * (a * b);
  } else {
    if (beta != T(1)) c *= beta;
    c.noalias() += alpha * (a * b);
  }
}

// One task: rows [r0, r0 + rows) and columns [c0, c0 + cols) of C_b.
template <class T>
void gemm_task(const GemmArgs& g, T alpha, const T* a, const T* b, T beta, T* c, int64_t member, int64_t r0,
               int64_t rows, int64_t c0, int64_t cols) {
  const T* ab = a + member * g.stride_a;
  const T* bb = b + member * g.stride_b;
  MutMap<T> cm(c + member * g.stride_c + r0 * g.ldc + c0, rows, cols, Eigen::OuterStride<>(g.ldc));
  if (g.ta == Trans::no) {
    ConstMap<T> am(ab + r0 * g.lda, rows, g.k, Eigen::OuterStride<>(g.lda));
    if (g.tb == Trans::no)
      product_into<T>(cm, am, ConstMap<T>(bb + c0, g.k, cols, Eigen::OuterStride<>(g.ldb)), alpha, beta);
    else
      product_into<T>(cm, am, ConstMap<T>(bb + c0 * g.ldb, cols, g.k, Eigen::OuterStride<>(g.ldb)).transpose(), alpha,
                      beta);
  } else {
    // stored (k, m): the task's rows of op(A) are columns r0.. of the stored matrix
    ConstMap<T> am(ab + r0, g.k, rows, Eigen::OuterStride<>(g.lda));
    if (g.tb == Trans::no)
      product_into<T>(cm, am.transpose(), ConstMap<T>(bb + c0, g.k, cols, Eigen::OuterStride<>(g.ldb)), alpha, beta);
    else
      product_into<T>(cm, am.transpose(), ConstMap<T>(bb + c0 * g.ldb, cols, g.k, Eigen::OuterStride<>(g.ldb)).transpose(),
                      alpha, beta);
  }
}

}  // namespace

template <class T>
void gemm_batched(const Exec& exec, const GemmArgs& g, T alpha, const T* a, const T* b, T beta, T* c) {
  if (g.batch <= 0 || g.m <= 0 || g.n <= 0) return;
  if (exec.device == Device::cuda) {
    detail::gemm_batched_cuda(g, alpha, a, b, beta, c);
    return;
  }
  if (g.k == 0) {  // C = beta * C
    for (int64_t p = 0; p < g.batch; ++p)
      for (int64_t i = 0; i < g.m; ++i)
        for (int64_t j = 0; j < g.n; ++j) {
          T& x = c[p * g.stride_c + i * g.ldc + j];
          x = beta == T(0) ? T(0) : beta * x;
        }
    return;
  }
  const int threads = cpu_threads(exec);
  const int64_t blocks = (g.m + kGemmRowBlock - 1) / kGemmRowBlock;
  // wide products with too few row blocks to share (an LSTM step: 32 rows x 1024 columns) are also split
  // by columns, in blocks that depend on the shape only (never on the thread count)
  const int64_t col_blocks = g.n >= 2 * kGemmColBlock && g.batch * blocks < 4 ? (g.n + kGemmColBlock - 1) / kGemmColBlock : 1;
  const int64_t tasks = g.batch * blocks * col_blocks;
  // products under ~0.2 ms of work run on the calling thread: a fork/join costs microseconds, and far more
  // when the other cores are busy
  const bool parallel = threads > 1 && tasks > 1 && gemm_flops(g) > 1.6e7;
  cpu_for(threads, parallel, tasks, [&](int64_t t) {
    const int64_t cb = t % col_blocks, rb = t / col_blocks;
    const int64_t member = rb / blocks, r0 = (rb % blocks) * kGemmRowBlock;
    const int64_t c0 = col_blocks > 1 ? cb * kGemmColBlock : 0, cols = col_blocks > 1 ? std::min(kGemmColBlock, g.n - c0) : g.n;
    gemm_task<T>(g, alpha, a, b, beta, c, member, r0, std::min(kGemmRowBlock, g.m - r0), c0, cols);
  });
}

template <class T>
void gemm_batched_reference(const GemmArgs& g, T alpha, const T* a, const T* b, T beta, T* c) {
  for (int64_t p = 0; p < g.batch; ++p) {
    const T* ab = a + p * g.stride_a;
    const T* bb = b + p * g.stride_b;
    T* cb = c + p * g.stride_c;
    for (int64_t i = 0; i < g.m; ++i)
      for (int64_t j = 0; j < g.n; ++j) {
        double acc = 0.0;
        for (int64_t l = 0; l < g.k; ++l) {
          const T av = g.ta == Trans::no ? ab[i * g.lda + l] : ab[l * g.lda + i];
          const T bv = g.tb == Trans::no ? bb[l * g.ldb + j] : bb[j * g.ldb + l];
          acc += double(av) * double(bv);
        }
        T& out = cb[i * g.ldc + j];
        out = T(double(alpha) * acc + (beta == T(0) ? 0.0 : double(beta) * double(out)));
      }
  }
}

template void gemm_batched<float>(const Exec&, const GemmArgs&, float, const float*, const float*, float, float*);
template void gemm_batched<double>(const Exec&, const GemmArgs&, double, const double*, const double*, double,
                                   double*);
template void gemm_batched_reference<float>(const GemmArgs&, float, const float*, const float*, float, float*);
template void gemm_batched_reference<double>(const GemmArgs&, double, const double*, const double*, double, double*);

}  // namespace lamarck::nn
