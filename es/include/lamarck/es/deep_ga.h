// Deep GA: F. P. Such, V. Madhavan, E. Conti, J. Lehman, K. O. Stanley, J. Clune, "Deep neuroevolution:
// genetic algorithms are a competitive alternative for training deep neural networks for reinforcement
// learning", arXiv 1712.06567 (2017).
//
// Seed-chain genomes: a genome is the list of RNG keys of its history, [init, m_1, m_2, ...]; its
// parameters are replayed as theta = mean_init + init_scale * N(init) + sigma * sum_k N(m_k), with N(key)
// the standard-normal vector of a key (kernels.h). Each generation: rows [0, V) re-evaluate the V best
// genomes of the previous generation unchanged (V = validation count, elitism with re-evaluation); rows
// [V, P) are children of parents drawn uniformly from the T best (truncation), each adding one mutation key.
// The elite is the best re-evaluated genome; it is always among the next generation's re-evaluated rows.
// Generation 0 samples P fresh genomes. Options: truncation (T, 20), validation (V, 10 -> min(V, P-1)),
// init_scale (= sigma_init), sigma (mutation power, 0.002... default 0.1 * sigma_init).
// stats(): compression_ratio = bytes of D floats / bytes of the mean genome (8 bytes per key).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "lamarck/core/rng.h"
#include "lamarck/es/strategy.h"

namespace lamarck::es {

using Genome = std::vector<uint64_t>;  // packed keys: key.w[0] | key.w[1] << 32

// theta (D) of a genome.
void replay_genome(const Genome& genome, const std::vector<float>& mean_init, double init_scale, double sigma,
                   float* theta);
inline uint64_t pack_key(Key k) { return uint64_t(k.w[0]) | (uint64_t(k.w[1]) << 32); }
inline Key unpack_key(uint64_t v) { return Key{{uint32_t(v), uint32_t(v >> 32)}}; }

// The view of a Deep GA's genomes (dynamic_cast a Strategy made by make_deep_ga to it).
class GenomeSource {
 public:
  virtual ~GenomeSource() = default;
  // The genomes of the candidates the next ask returns (P), in row order.
  virtual std::vector<Genome> population_genomes() const = 0;
  virtual double init_scale() const = 0;
  virtual double mutation_sigma() const = 0;
};

std::unique_ptr<Strategy> make_deep_ga(const Settings& settings);

}  // namespace lamarck::es
