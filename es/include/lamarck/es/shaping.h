// Fitness shaping: from losses (lower = better, +inf for NaN/Inf) to utilities (higher = better).
//   centred rank: Salimans et al., "Evolution strategies as a scalable alternative to reinforcement
//   learning", arXiv 1703.03864; rank weights: Hansen, "The CMA evolution strategy: a tutorial",
//   arXiv 1604.00772 (eq. 49); NES utilities: Wierstra et al., "Natural evolution strategies", JMLR 2014.
#pragma once

#include <cstdint>
#include <vector>

#include "lamarck/es/strategy.h"

namespace lamarck::es {

// Candidate indices sorted by loss ascending (stable: ties keep index order; +inf last).
std::vector<int64_t> rank_order(const std::vector<double>& loss);

// Utilities (P) for one generation. rank[i] = 0 for the best. `weights` (P, indexed by rank) is used by
// Shaping::rank_weights only. Non-finite losses get the lowest utility of the generation:
//   identity: -loss (non-finite: the worst finite value);  z_score: -(loss - mean)/(std + 1e-8) over
//   finite values;  centered_rank: (P - 1 - rank)/(P - 1) - 0.5 (ties: mean rank);  rank_weights: weights[rank].
std::vector<float> shape_fitness(Shaping shaping, const std::vector<double>& loss, const std::vector<int64_t>& rank,
                                 const std::vector<float>& weights);

// CMA recombination weights over ranks (lambda): w_k ∝ ln((lambda+1)/2) - ln(k+1) for the mu = lambda/2
// best, normalised to sum 1; zero for the rest.
std::vector<float> recombination_weights(int64_t lambda);

// NES utilities over ranks: max(0, ln(lambda/2 + 1) - ln(k+1)) / sum - 1/lambda (sum 0).
std::vector<float> nes_utilities(int64_t lambda);

}  // namespace lamarck::es
