// The CUDA launchers of kernels.h in a build without CUDA (this file replaces es_cuda.cu there): each
// throws the clear error a user gets for --device cuda on a CPU-only build. Strategies check the device
// first (require_device), so these are reached only if that check is missed.
#include "lamarck/core/backend.h"
#include "lamarck/es/kernels.h"

namespace lamarck::es::cuda {

void sample_gaussian(const SampleGaussian&, int64_t) { detail::not_compiled_for_cuda(); }
void weighted_deviation(const WeightedDeviation&) { detail::not_compiled_for_cuda(); }
void noise_moments(const NoiseMoments&) { detail::not_compiled_for_cuda(); }
void offspring_rows(const OffspringRows&, int64_t) { detail::not_compiled_for_cuda(); }
void sample_diagonal_double(const SampleDiagonalDouble&, int64_t) { detail::not_compiled_for_cuda(); }
void diagonal_normals_double(const DiagonalNormalsDouble&, int64_t) { detail::not_compiled_for_cuda(); }
void affine_rows(const AffineRows&, int64_t) { detail::not_compiled_for_cuda(); }
void diagonal_moments(const DiagonalMoments&) { detail::not_compiled_for_cuda(); }
void normal_double_squares(const NormalDoubleSquares&, int64_t) { detail::not_compiled_for_cuda(); }
void row_squared_norms(const RowSquaredNorms&, int64_t) { detail::not_compiled_for_cuda(); }

}  // namespace lamarck::es::cuda
