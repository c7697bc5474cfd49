// DeviceArray<T>: a flat array that owns memory on the CPU or on a CUDA device.
// Host memory is 64-byte aligned (one cache line / one AVX-512 vector). Copies between sides are
// explicit; there is no implicit synchronisation beyond what the copies need.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "lamarck/core/backend.h"

namespace lamarck {

namespace memory {
// CUDA blocks released here are cached by size and reused by later allocations of the same size (all GPU
// work is ordered on the default stream, so a reused block is touched only after its earlier users).
void* allocate(size_t bytes, Device device);
void release(void* ptr, Device device) noexcept;
// Copies `bytes` from src (on src_device) to dst (on dst_device).
void copy(void* dst, Device dst_device, const void* src, Device src_device, size_t bytes);
void fill_zero(void* ptr, size_t bytes, Device device);
}  // namespace memory

template <class T>
class DeviceArray {
 public:
  DeviceArray() = default;
  explicit DeviceArray(int64_t size, Device device = Device::cpu) : device_(device) { resize(size); }
  DeviceArray(const std::vector<T>& host, Device device) : DeviceArray(int64_t(host.size()), device) {
    copy_from_host(host.data(), int64_t(host.size()));
  }
  ~DeviceArray() { memory::release(data_, device_); }

  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  DeviceArray(DeviceArray&& other) noexcept { swap(other); }
  DeviceArray& operator=(DeviceArray&& other) noexcept {
    swap(other);
    return *this;
  }

  // Reallocates to `size` elements, zero-filled (contents are not kept).
  void resize(int64_t size) {
    LMK_ASSERT(size >= 0, "negative array size");
    memory::release(data_, device_);
    data_ = nullptr;
    size_ = size;
    if (size > 0) {
      data_ = static_cast<T*>(memory::allocate(sizeof(T) * size_t(size), device_));
      memory::fill_zero(data_, sizeof(T) * size_t(size), device_);
    }
  }

  // Makes this array hold `size` elements on `device`: reallocated (zero-filled) only when the size or the
  // device differs, else left as it is (a workspace sized on first use).
  void ensure(int64_t size, Device device) {
    if (size == size_ && device == device_) return;
    memory::release(data_, device_);
    data_ = nullptr;
    size_ = 0;
    device_ = device;
    resize(size);
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  int64_t size() const { return size_; }
  Device device() const { return device_; }
  // Element access: host arrays only.
  T& operator[](int64_t i) {
    LMK_DEBUG_ASSERT(device_ == Device::cpu && i >= 0 && i < size_, "host index out of range");
    return data_[i];
  }
  const T& operator[](int64_t i) const {
    LMK_DEBUG_ASSERT(device_ == Device::cpu && i >= 0 && i < size_, "host index out of range");
    return data_[i];
  }

  void copy_from_host(const T* src, int64_t count) {
    LMK_ASSERT(count <= size_, "copy larger than the array");
    memory::copy(data_, device_, src, Device::cpu, sizeof(T) * size_t(count));
  }
  void copy_to_host(T* dst, int64_t count) const {
    LMK_ASSERT(count <= size_, "copy larger than the array");
    memory::copy(dst, Device::cpu, data_, device_, sizeof(T) * size_t(count));
  }
  std::vector<T> to_host() const {
    std::vector<T> out(static_cast<size_t>(size_));
    copy_to_host(out.data(), size_);
    return out;
  }
  // A copy of this array on `device`.
  DeviceArray to(Device device) const {
    DeviceArray out{size_, device};
    memory::copy(out.data_, device, data_, device_, sizeof(T) * size_t(size_));
    return out;
  }

 private:
  void swap(DeviceArray& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(device_, other.device_);
  }
  T* data_ = nullptr;
  int64_t size_ = 0;
  Device device_ = Device::cpu;
};

}  // namespace lamarck
