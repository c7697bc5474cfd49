// Sep-CMA-ES: R. Ros, N. Hansen, "A simple modification in CMA-ES achieving linear time and space
// complexity", PPSN 2008. CMA-ES with a diagonal covariance: O(D) per sample, not rotation-invariant;
// c1 *= (D + 2)/3 and cmu = min(1 - c1, (0.3 + mueff - 2 + 1/mueff)/(D + 4 sqrt(D) + mueff/2)).
// Options: active (0). Pop default 4 + floor(3 ln D).
#pragma once

#include <memory>

#include "lamarck/es/strategy.h"

namespace lamarck::es {
std::unique_ptr<Strategy> make_sep_cma_es(const Settings& settings);
}  // namespace lamarck::es
