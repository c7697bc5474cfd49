// Novelty search: J. Lehman, K. O. Stanley, "Abandoning objectives: evolution through the search for
// novelty alone", Evolutionary Computation 19(2), 2011; with ES (NS-ES) and the Deep GA (GA-NS):
// E. Conti et al., "Improving exploration in evolution strategies for deep reinforcement learning via a
// population of novelty-seeking agents", NeurIPS 2018 (arXiv 1712.06560).
//
// The novelty of a behaviour descriptor b (B floats) is the mean Euclidean distance to its k nearest
// neighbours among the archive and the other members of the current generation. Use it as the fitness of
// any strategy (maximise): ask -> evaluate behaviours -> archive.score(...) -> tell(novelty). After
// scoring, `add_per_generation` behaviours of the generation are added to the archive (the most novel
// ones; Lehman & Stanley add those above a threshold, Conti et al. add the updated centre).
#pragma once

#include <cstdint>
#include <vector>

namespace lamarck::es {

class NoveltyArchive {
 public:
  NoveltyArchive(int64_t behaviour_dim, int64_t k = 10, int64_t add_per_generation = 1, int64_t capacity = 0);
  int64_t behaviour_dim() const { return bdim_; }
  int64_t size() const { return int64_t(archive_.size()) / bdim_; }
  const std::vector<float>& behaviours() const { return archive_; }  // (size, B)

  // Novelty (P) of behaviours (P, B) against the archive and the rest of the batch; does not add.
  std::vector<float> novelty(const float* behaviours, int64_t pop) const;
  // novelty(), then adds the `add_per_generation` most novel behaviours; returns the novelty.
  std::vector<float> score(const float* behaviours, int64_t pop);
  void add(const float* behaviour);  // one (B); the oldest goes when at capacity (0 = unbounded)

  template <class Archive>
  void serialize(Archive& ar) {
    ar(bdim_, k_, add_, capacity_, archive_);
  }

 private:
  int64_t bdim_, k_, add_, capacity_;
  std::vector<float> archive_;  // (size, B)
};

}  // namespace lamarck::es
