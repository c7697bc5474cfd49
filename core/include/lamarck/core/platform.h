// Platform macros shared by host and device code.
#pragma once

// LMK_HD marks functions that are compiled for both the CPU and, in a CUDA build, the GPU.
#if defined(__CUDACC__)
#define LMK_HD __host__ __device__
#define LMK_DEVICE_CODE 1
#else
#define LMK_HD
#define LMK_DEVICE_CODE 0
#endif

#if defined(__CUDA_ARCH__)
#define LMK_ON_DEVICE 1
#else
#define LMK_ON_DEVICE 0
#endif

// LMK_INLINE: always inline. For the small per-element functions called inside SIMD loops (math.h, env
// physics): a header function's copy is chosen by the linker from any translation unit, and one where g++
// declined to inline it would not vectorise.
#if defined(__CUDACC__)
#define LMK_INLINE __forceinline__
#elif defined(__GNUC__)
#define LMK_INLINE inline __attribute__((always_inline))
#else
#define LMK_INLINE inline
#endif

// LMK_UNROLL: fully unroll the next loop (a short loop of constant trip count inside a SIMD loop body).
#if defined(__CUDACC__)
#define LMK_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define LMK_UNROLL _Pragma("GCC unroll 16")
#else
#define LMK_UNROLL
#endif

// LMK_SIMD: ask for SIMD on the next loop on the host (OpenMP's simd; the iterations are independent).
#if defined(__CUDA_ARCH__) || !defined(__GNUC__)
#define LMK_SIMD
#else
#define LMK_SIMD _Pragma("omp simd")
#endif

// LMK_DISPATCH_BEGIN / LMK_DISPATCH_END: around the functions whose host body depends on the compiler
// (backend.h's parallel_for and friends, and the core/nn header templates that call them: a .cu unit compiled by nvcc launches on CUDA, a .cpp unit
// compiled by g++ cannot). Each compiler puts them in its own inline namespace, so the two instantiations
// of, say, parallel_for<F> get different symbol names and the linker never keeps the g++ copy for a call
// made from CUDA code (or nvcc's copy, built without the CPU flags, for a call made from CPU code).
// Types stay outside: only functions are wrapped, and a `detail` namespace is never opened inside.
#if defined(__CUDACC__)
#define LMK_DISPATCH_BEGIN inline namespace nvcc_unit {
#else
#define LMK_DISPATCH_BEGIN inline namespace host_unit {
#endif
#define LMK_DISPATCH_END }
