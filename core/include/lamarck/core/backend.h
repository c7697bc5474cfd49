// Execution backends: one way to run per-element work over an index range, and to reduce, scan and
// argsort, on the CPU (plain OpenMP) or on CUDA (Thrust).
//
// Write per-element work once as a functor or lambda `f(int64_t i)` marked LMK_HD, then call
// parallel_for(exec, n, f). In a translation unit compiled by g++ only the CPU path exists and asking
// for CUDA throws; a .cu unit compiled by nvcc gets both, chosen at run time by exec.device. The caller
// passes pointers that live on exec.device (see DeviceArray).
//
// CPU results do not depend on the thread count: reductions and scans use fixed-size blocks whose
// partial results are combined in order, and argsort is stable.
#pragma once

#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "lamarck/core/error.h"
#include "lamarck/core/platform.h"

#if defined(__CUDACC__)
#include <thrust/execution_policy.h>
#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/scan.h>
#include <thrust/sequence.h>
#include <thrust/sort.h>
#include <thrust/transform_reduce.h>
#endif

namespace lamarck {

enum class Device { cpu, cuda };

// Where and how wide to run. threads = 0 means all OpenMP threads (OMP_NUM_THREADS or the cores).
struct Exec {
  Device device = Device::cpu;
  int threads = 0;
};

const char* device_name(Device device);
// "cpu" or "cuda"; anything else throws InvalidArgument listing the choices.
Device parse_device(const std::string& name);
// True when this build has the CUDA backend and a CUDA device is present.
bool cuda_available();
// Throws a clear error when `exec` asks for CUDA and it is not available.
void require_device(const Exec& exec);
// The number of CPU threads `exec` runs on.
int cpu_threads(const Exec& exec);
// The CUDA architectures compiled in ("" for a CPU-only build), and the number of visible CUDA devices.
std::string cuda_architectures();
int cuda_device_count();
// Waits for queued GPU work (no-op on the CPU).
void synchronize(const Exec& exec);

namespace detail {
constexpr int64_t kReduceBlock = 4096;  // elements per fixed block of a deterministic CPU reduction
[[noreturn]] inline void not_compiled_for_cuda() {
  throw Error(
      "this kernel was compiled without CUDA: it must be launched from a .cu translation unit in a CUDA build");
}
template <class F, class T>
struct AsValue {
  F f;
  LMK_HD T operator()(int64_t i) const { return T(f(i)); }
};
}  // namespace detail

LMK_DISPATCH_BEGIN

// f(i) for i in [0, n) on the CPU: on `threads` OpenMP threads when `parallel` holds, else as a plain loop
// on the calling thread. Every static-schedule OpenMP loop of lamarck goes through here (the meta inner
// loop keeps its own dynamic one, entered once per generation): a parallel region whose if-clause
// is false still builds a team of one and makes a futex system call on exit (about 1 us), which a single
// agent's thousands of small calls per update would otherwise pay.
// f is taken by value: the loop then works on a private copy whose members the compiler can keep in
// registers (with a reference, stores through the functor's pointers could alias its members and block
// vectorisation).
template <class F>
void cpu_for(int threads, bool parallel, int64_t n, F f) {
  if (!parallel || threads <= 1 || n <= 1) {
    for (int64_t i = 0; i < n; ++i) f(i);
    return;
  }
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t i = 0; i < n; ++i) f(i);
}

// All device work is ordered on the legacy default stream: kernels queued without a wait (below), freed
// blocks reused by later work (device_array.cpp). A per-thread default stream would break both.
#if defined(CUDA_API_PER_THREAD_DEFAULT_STREAM)
#error "lamarck relies on the legacy default stream: do not build with --default-stream per-thread"
#endif

// f(i) for i in [0, n). On CUDA it returns before the kernel finishes (see below).
template <class F>
void parallel_for(const Exec& exec, int64_t n, F f) {
  if (n <= 0) return;
  if (exec.device == Device::cuda) {
#if defined(__CUDACC__)
    // queued without waiting (as a <<<>>> launch): everything runs in order on the legacy default stream
    // (cuBLAS too), and the host sees results only through copies (memory::copy waits for the stream);
    // call synchronize(exec) before reading a clock. Saves a stream synchronisation per launch, which
    // dominates the many small launches of a trainer's step.
    thrust::for_each(thrust::cuda::par_nosync, thrust::counting_iterator<int64_t>(0),
                     thrust::counting_iterator<int64_t>(n), f);
    return;
#else
    detail::not_compiled_for_cuda();
#endif
  }
  cpu_for(cpu_threads(exec), true, n, f);
}

// Sum of f(i) over [0, n) in type T. On the CPU the result is identical for every thread count.
template <class T, class F>
T transform_sum(const Exec& exec, int64_t n, F f) {
  if (n <= 0) return T(0);
  if (exec.device == Device::cuda) {
#if defined(__CUDACC__)
    return thrust::transform_reduce(thrust::device, thrust::counting_iterator<int64_t>(0),
                                    thrust::counting_iterator<int64_t>(n), detail::AsValue<F, T>{f}, T(0),
                                    thrust::plus<T>());
#else
    detail::not_compiled_for_cuda();
#endif
  }
  const int64_t blocks = (n + detail::kReduceBlock - 1) / detail::kReduceBlock;
  std::vector<T> partial(size_t(blocks), T(0));
  cpu_for(cpu_threads(exec), true, blocks, [&](int64_t b) {
    const int64_t end = std::min(n, (b + 1) * detail::kReduceBlock);
    T acc = T(0);
    for (int64_t i = b * detail::kReduceBlock; i < end; ++i) acc += T(f(i));
    partial[size_t(b)] = acc;
  });
  T total = T(0);
  for (const T& p : partial) total += p;
  return total;
}

// out[i] = in[0] + ... + in[i] (inclusive) or in[0] + ... + in[i-1] (exclusive); in and out on exec.device.
template <class T>
void scan(const Exec& exec, const T* in, T* out, int64_t n, bool inclusive) {
  if (n <= 0) return;
  if (exec.device == Device::cuda) {
#if defined(__CUDACC__)
    if (inclusive)
      thrust::inclusive_scan(thrust::device, in, in + n, out);
    else
      thrust::exclusive_scan(thrust::device, in, in + n, out, T(0));
    return;
#else
    detail::not_compiled_for_cuda();
#endif
  }
  const int64_t blocks = (n + detail::kReduceBlock - 1) / detail::kReduceBlock;
  std::vector<T> block_sum(size_t(blocks) + 1, T(0));
  const int threads = cpu_threads(exec);
  // pass 1: each block's total; pass 2: block offsets in order; pass 3: scan within blocks
  cpu_for(threads, true, blocks, [&](int64_t b) {
    const int64_t end = std::min(n, (b + 1) * detail::kReduceBlock);
    T acc = T(0);
    for (int64_t i = b * detail::kReduceBlock; i < end; ++i) acc += in[i];
    block_sum[size_t(b) + 1] = acc;
  });
  for (int64_t b = 0; b < blocks; ++b) block_sum[size_t(b) + 1] += block_sum[size_t(b)];
  cpu_for(threads, true, blocks, [&](int64_t b) {
    const int64_t end = std::min(n, (b + 1) * detail::kReduceBlock);
    T acc = block_sum[size_t(b)];
    for (int64_t i = b * detail::kReduceBlock; i < end; ++i) {
      const T value = in[i];
      if (inclusive) {
        acc += value;
        out[i] = acc;
      } else {
        out[i] = acc;
        acc += value;
      }
    }
  });
}

// order[0..n) = the indices that sort keys[0..n) ascending; ties keep index order (stable).
// keys and order on exec.device; keys are not modified.
template <class T>
void argsort(const Exec& exec, const T* keys, int64_t* order, int64_t n) {
  if (n <= 0) return;
  if (exec.device == Device::cuda) {
#if defined(__CUDACC__)
    T* copy = nullptr;
    LMK_CUDA_CHECK(cudaMalloc(&copy, sizeof(T) * size_t(n)));
    LMK_CUDA_CHECK(cudaMemcpy(copy, keys, sizeof(T) * size_t(n), cudaMemcpyDeviceToDevice));
    thrust::sequence(thrust::device, order, order + n, int64_t(0));
    thrust::stable_sort_by_key(thrust::device, copy, copy + n, order);
    LMK_CUDA_CHECK(cudaFree(copy));
    return;
#else
    detail::not_compiled_for_cuda();
#endif
  }
  std::iota(order, order + n, int64_t(0));
  std::stable_sort(order, order + n, [keys](int64_t a, int64_t b) { return keys[a] < keys[b]; });
}

LMK_DISPATCH_END

}  // namespace lamarck
