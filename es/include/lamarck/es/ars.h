// ARS, augmented random search (V1-t): H. Mania, A. Guy, B. Recht, "Simple random search of static linear
// policies is competitive for reinforcement learning", NeurIPS 2018.
//
// K = P/2 antithetic directions x = mean ± sigma eps_k with rewards r±_k (identity shaping: -loss); the
// b = elite_ratio * K directions with the largest max(r+_k, r-_k) give
//   g = sum_top (r+_k - r-_k) eps_k / (b * sigma_R),  sigma_R = std of their 2b rewards,
// handed to the mean optimizer (SGD, lr 0.02 by default). Options: elite_ratio (0.5), sigma_decay (1),
// sigma_limit (0), optimizer/lr/... as in optimizer.h. Pop default 32 (even).
#pragma once

#include <memory>

#include "lamarck/es/strategy.h"

namespace lamarck::es {
std::unique_ptr<Strategy> make_ars(const Settings& settings);
}  // namespace lamarck::es
