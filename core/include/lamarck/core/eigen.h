// The one place lamarck includes Eigen (dense algebra on the CPU: the batched GEMM, orthogonal init,
// CMA-ES's eigendecomposition, the benchmark functions' rotations).
//
// lamarck owns the threads (one task per member and row block), so Eigen never starts its own.
//
// g++ 12 reports a false -Wmaybe-uninitialized inside Eigen's AVX-512 kernels when they are inlined into
// lamarck's code: the intrinsics header starts some vectors from `_mm512_undefined_*` (a self-initialised
// register), and the warning fires wherever Eigen's GEMM, pack or reduction code lands. It appears only when
// compiling for an AVX-512 target (-march=native on such a host, or -march=x86-64-v4 anywhere), so a
// -Werror build would pass or fail depending on the build machine's CPU. The pragma below silences that one
// warning for Eigen's own code only (g++ applies it to the inlined copies as well); lamarck's code keeps it.
#pragma once

#ifndef EIGEN_DONT_PARALLELIZE
#define EIGEN_DONT_PARALLELIZE
#endif

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <Eigen/Dense>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
