// CUDA launches of the ES kernels (kernels.h): the same functors as the CPU path, run through the core
// backend's Thrust path. Compiled only in CUDA builds; the strategies call these when exec.device is cuda.
// Each launch returns with its results in place.
#include "lamarck/core/backend.h"
#include "lamarck/es/kernels.h"

namespace lamarck::es::cuda {

namespace {
template <class Kernel>
void run(const Kernel& kernel, int64_t count) {
  const Exec gpu{Device::cuda, 0};
  parallel_for(gpu, count, kernel);
  synchronize(gpu);
}
}  // namespace

void sample_gaussian(const SampleGaussian& kernel, int64_t count) { run(kernel, count); }
void weighted_deviation(const WeightedDeviation& kernel) { run(kernel, kernel.dim); }
void noise_moments(const NoiseMoments& kernel) { run(kernel, (kernel.dim + 3) / 4); }
void offspring_rows(const OffspringRows& kernel, int64_t count) { run(kernel, count); }
void sample_diagonal_double(const SampleDiagonalDouble& kernel, int64_t count) { run(kernel, count); }
void diagonal_normals_double(const DiagonalNormalsDouble& kernel, int64_t count) { run(kernel, count); }
void affine_rows(const AffineRows& kernel, int64_t count) { run(kernel, count); }
void diagonal_moments(const DiagonalMoments& kernel) { run(kernel, (kernel.dim + 1) / 2); }
void normal_double_squares(const NormalDoubleSquares& kernel, int64_t rows) { run(kernel, rows); }
void row_squared_norms(const RowSquaredNorms& kernel, int64_t rows) { run(kernel, rows); }

}  // namespace lamarck::es::cuda
