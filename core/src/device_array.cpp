#include "lamarck/core/device_array.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

#if defined(LAMARCK_WITH_CUDA)
#include <cuda_runtime_api.h>
#endif

namespace lamarck::memory {

namespace {
constexpr size_t kHostAlignment = 64;

#if defined(LAMARCK_WITH_CUDA)
// Freed CUDA blocks are kept by size and handed out again. cudaMalloc and cudaFree cost tens of
// microseconds each, and cudaFree waits for the whole device, so the per-call temporaries of the GPU paths
// (rule inputs, scratch of a step) would otherwise serialise every step. Reuse is safe because all of
// lamarck's GPU work is ordered on the legacy default stream: a block handed out again is touched only by
// work queued after everything that used it before (and host-to-device copies wait for the stream).
class CudaBlockCache {
 public:
  static constexpr size_t kGranule = 512;                // sizes are rounded up to this
  static constexpr size_t kMaxCachedBytes = size_t(1) << 30;  // beyond it, freed blocks are released

  void* allocate(size_t bytes) {
    const size_t size = (bytes + kGranule - 1) / kGranule * kGranule;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        void* ptr = it->second.back();
        it->second.pop_back();
        cached_bytes_ -= size;
        live_[ptr] = size;
        return ptr;
      }
    }
    void* ptr = nullptr;
    if (cudaMalloc(&ptr, size) != cudaSuccess) {
      (void)cudaGetLastError();
      release_cached();  // out of memory: give the cached blocks back and try once more
      LMK_CUDA_CHECK(cudaMalloc(&ptr, size));
    }
    std::lock_guard<std::mutex> lock(mutex_);
    live_[ptr] = size;
    return ptr;
  }

  void release(void* ptr) noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = live_.find(ptr);
    if (it == live_.end()) {  // not from this cache
      cudaFree(ptr);
      return;
    }
    const size_t size = it->second;
    live_.erase(it);
    if (cached_bytes_ + size > kMaxCachedBytes) {
      cudaFree(ptr);
      return;
    }
    try {
      free_[size].push_back(ptr);
      cached_bytes_ += size;
    } catch (...) {
      cudaFree(ptr);
    }
  }

  void release_cached() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& kv : free_)
      for (void* ptr : kv.second) cudaFree(ptr);
    free_.clear();
    cached_bytes_ = 0;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<void*>> free_;  // size -> blocks ready for reuse
  std::unordered_map<void*, size_t> live_;               // handed-out block -> its size
  size_t cached_bytes_ = 0;
};

// Never destroyed: arrays with static storage may be released after the cache would be.
CudaBlockCache& block_cache() {
  static CudaBlockCache* cache = new CudaBlockCache;
  return *cache;
}

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
    return block_cache().allocate(bytes);
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
    block_cache().release(ptr);
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
