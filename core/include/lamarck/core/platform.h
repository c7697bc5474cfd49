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
