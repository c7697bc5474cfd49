#include "lamarck/core/device_array.h"

#include <cstdlib>
#include <cstring>
#include <new>

#if defined(LAMARCK_WITH_CUDA)
#include <cuda_runtime_api.h>
#endif

namespace lamarck::memory {

namespace {
constexpr size_t kHostAlignment = 64;

#if defined(LAMARCK_WITH_CUDA)
cudaMemcpyKind copy_kind(Device dst, Device src) {
  if (dst == Device::cuda && src == Device::cuda) return cudaMemcpyDeviceToDevice;
  if (dst == Device::cuda) return cudaMemcpyHostToDevice;
  if (src == Device::cuda) return cudaMemcpyDeviceToHost;
  return cudaMemcpyHostToHost;
}
#endif
}  // namespace

void* allocate(size_t bytes, Device device) {
  if (bytes == 0) return nullptr;
  if (device == Device::cuda) {
#if defined(LAMARCK_WITH_CUDA)
    void* ptr = nullptr;
    LMK_CUDA_CHECK(cudaMalloc(&ptr, bytes));
    return ptr;
#else
    require_device(Exec{Device::cuda, 0});
#endif
  }
  const size_t rounded = (bytes + kHostAlignment - 1) / kHostAlignment * kHostAlignment;
  void* ptr = std::aligned_alloc(kHostAlignment, rounded);
  if (!ptr) throw std::bad_alloc();
  return ptr;
}

void release(void* ptr, Device device) noexcept {
  if (!ptr) return;
  if (device == Device::cuda) {
#if defined(LAMARCK_WITH_CUDA)
    cudaFree(ptr);
#endif
    return;
  }
  std::free(ptr);
}

void copy(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes) {
  if (bytes == 0) return;
  if (dst_device == Device::cpu && src_device == Device::cpu) {
    std::memcpy(dst, src, bytes);
    return;
  }
#if defined(LAMARCK_WITH_CUDA)
  LMK_CUDA_CHECK(cudaMemcpy(dst, src, bytes, copy_kind(dst_device, src_device)));
#else
  require_device(Exec{Device::cuda, 0});
#endif
}

void fill_zero(void* ptr, size_t bytes, Device device) {
  if (bytes == 0) return;
  if (device == Device::cpu) {
    std::memset(ptr, 0, bytes);
    return;
  }
#if defined(LAMARCK_WITH_CUDA)
  LMK_CUDA_CHECK(cudaMemset(ptr, 0, bytes));
#endif
}

}  // namespace lamarck::memory
