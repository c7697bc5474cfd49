// SimpleGA: a real-valued genetic algorithm with truncation selection, optional uniform crossover and
// Gaussian mutation, as in evosax 0.1.x's SimpleGA (the version the LPO reference used): elites kept
// across generations, mu + lambda. (evosax 0.2's SimpleGA replaces the population each generation.)
//   J. H. Holland, "Adaptation in natural and artificial systems", 1975; truncation selection:
//   H. Mühlenbein, D. Schlierkamp-Voosen, "Predictive models for the breeder genetic algorithm", 1993.
//
// E = elite_ratio * P elites. Child i: parents a, b drawn uniformly from the elites; each gene taken from
// b with probability crossover_rate (else from a); plus sigma * N(0, 1). tell keeps the E best of
// (elites ∪ population). Options: elite_ratio (0.5), crossover_rate (0), sigma_decay (1), sigma_limit (0).
// Pop default 64. mean() is the best elite.
#pragma once

#include <memory>

#include "lamarck/es/strategy.h"

namespace lamarck::es {
std::unique_ptr<Strategy> make_simple_ga(const Settings& settings);
}  // namespace lamarck::es
