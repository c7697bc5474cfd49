// Parameter initialisation: orthogonal matrices with a gain, as PyTorch's nn.init.orthogonal_ and
// Flax's orthogonal initialiser do.
//   A. M. Saxe, J. L. McClelland, S. Ganguli, "Exact solutions to the nonlinear dynamics of learning in
//   deep linear neural networks", ICLR 2014.
// A (rows, cols) Gaussian matrix is drawn from a counter-based key, factored by QR (of its transpose when
// rows < cols), and Q is sign-corrected by diag(R) so the result is uniformly distributed (Mezzadri 2007).
#pragma once

#include <cstdint>

#include "lamarck/core/nn/dense.h"
#include "lamarck/core/rng.h"

namespace lamarck::nn {

// out (rows, cols) row-major on the host: orthonormal columns (rows >= cols) or rows (rows < cols),
// times gain.
void orthogonal(Key key, int64_t rows, int64_t cols, double gain, float* out);
void orthogonal(Key key, int64_t rows, int64_t cols, double gain, double* out);

// Initialises one member's MLP inside its host parameter row (member_row = start of the row): W_l orthogonal with hidden_gain for hidden
// layers and output_gain for the last, biases 0. The key of layer l is fold_in(key, l).
void init_mlp(const MlpLayout& layout, Key key, double hidden_gain, double output_gain, float* member_row);

}  // namespace lamarck::nn
