// PGPE with ClipUp: F. Sehnke, C. Osendorfer, T. Rückstieß, A. Graves, J. Peters, J. Schmidhuber,
// "Parameter-exploring policy gradients", Neural Networks 23(4), 2010; ClipUp: Toklu et al., PPSN 2020.
//
// Symmetric sampling x = mean ± sigma .* eps_k, centred-rank utilities (u+_k, u-_k) per pair:
//   g_mean = sum_k (u+_k - u-_k)/2 * sigma .* eps_k / K            -> mean optimizer (ClipUp by default)
//   g_sigma = sum_k ((u+_k + u-_k)/2 - mean u) * ((sigma eps_k)^2 - sigma^2) / sigma / K
//   sigma += lr_sigma * g_sigma, the change clipped to ± sigma_max_change * sigma.
// Options: lr (0.15, ClipUp alpha), max_speed (0.3), momentum (0.9), optimizer (2 = clipup),
// lr_decay, lr_limit, lr_sigma (0.1), sigma_max_change (0.2). Pop default 64 (even).
#pragma once

#include <memory>

#include "lamarck/es/strategy.h"

namespace lamarck::es {
std::unique_ptr<Strategy> make_pgpe(const Settings& settings);
}  // namespace lamarck::es
