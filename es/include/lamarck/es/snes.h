// SNES, separable natural evolution strategy: T. Schaul, T. Glasmachers, J. Schmidhuber, "High
// dimensions and heavy tails for natural evolution strategies", GECCO 2011.
//
// x_k = mean + sigma .* eps_k; with NES utilities u_k (rank-based, sum 0):
//   mean += lr_mean * sigma .* sum_k u_k eps_k,  sigma *= exp(lr_sigma / 2 * sum_k u_k (eps_k^2 - 1)).
// Defaults: pop 4 + floor(3 ln D), lr_mean 1, lr_sigma (3 + ln D) / (5 sqrt D). Options: lr_mean, lr_sigma.
#pragma once

#include <memory>

#include "lamarck/es/strategy.h"

namespace lamarck::es {
std::unique_ptr<Strategy> make_snes(const Settings& settings);
}  // namespace lamarck::es
