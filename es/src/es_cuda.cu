// CUDA launches of the ES kernels (kernels.h): the same functors as the CPU path, run through the core
// backend's Thrust path. Compiled only in CUDA builds; the strategies call these when exec.device is cuda.
#include "lamarck/core/backend.h"
#include "lamarck/es/kernels.h"

namespace lamarck::es::cuda {

void sample_gaussian(const SampleGaussian& kernel, int64_t count) {
  parallel_for(Exec{Device::cuda, 0}, count, kernel);
}

void weighted_deviation(const WeightedDeviation& kernel) {
  parallel_for(Exec{Device::cuda, 0}, kernel.dim, kernel);
  synchronize(Exec{Device::cuda, 0});
}

void noise_moments(const NoiseMoments& kernel) {
  parallel_for(Exec{Device::cuda, 0}, (kernel.dim + 3) / 4, kernel);
  synchronize(Exec{Device::cuda, 0});
}

void offspring_rows(const OffspringRows& kernel, int64_t count) {
  parallel_for(Exec{Device::cuda, 0}, count, kernel);
  synchronize(Exec{Device::cuda, 0});
}

void sample_diagonal_double(const SampleDiagonalDouble& kernel, int64_t count) {
  parallel_for(Exec{Device::cuda, 0}, count, kernel);
  synchronize(Exec{Device::cuda, 0});
}

void diagonal_normals_double(const DiagonalNormalsDouble& kernel, int64_t count) {
  parallel_for(Exec{Device::cuda, 0}, count, kernel);
  synchronize(Exec{Device::cuda, 0});
}

void affine_rows(const AffineRows& kernel, int64_t count) {
  parallel_for(Exec{Device::cuda, 0}, count, kernel);
  synchronize(Exec{Device::cuda, 0});
}

void diagonal_moments(const DiagonalMoments& kernel) {
  parallel_for(Exec{Device::cuda, 0}, (kernel.dim + 1) / 2, kernel);
  synchronize(Exec{Device::cuda, 0});
}

void normal_double_squares(const NormalDoubleSquares& kernel, int64_t rows) {
  parallel_for(Exec{Device::cuda, 0}, rows, kernel);
  synchronize(Exec{Device::cuda, 0});
}

void row_squared_norms(const RowSquaredNorms& kernel, int64_t rows) {
  parallel_for(Exec{Device::cuda, 0}, rows, kernel);
  synchronize(Exec{Device::cuda, 0});
}

}  // namespace lamarck::es::cuda
