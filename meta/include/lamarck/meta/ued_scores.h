// Level scores from a student's rollout: what PLR, Robust PLR and ACCEL rank their levels by.
//   M. Jiang et al., "Replay-Guided Adversarial Environment Design", NeurIPS 2021 (positive value loss,
//   maximum Monte Carlo); minimax src/minimax/util/rl/ued_scores.py and JaxUED src/jaxued/utils.py (the
//   per-episode time averages below); true regret (minimax issue #5) from an optimal return.
//
// A rollout row plays one level (auto-replayed) for T steps. Its completed episodes are the stretches
// ending at a done; a trailing unfinished stretch is ignored, and a row with no completed episode scores
// -inf (never kept by the buffer).
//   max_mc       mean over episodes of the episode's mean of (R_max - V_t), R_max = max(previous R_max,
//                0, every completed episode's return)
//   pvl          mean over episodes of the episode's mean of max(A_t, 0) (GAE advantages)
//   true_regret  R* - mean episode return, R* the level's optimal return (the maze's shortest-path oracle)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lamarck::meta {

enum class UedScore { max_mc, pvl, true_regret };
UedScore parse_ued_score(const std::string& name);  // "max_mc", "pvl", "true_regret"; InvalidArgument
const std::vector<std::string>& ued_score_names();

// One rollout, time-major: element (t, r) at t * rows + r.
struct RolloutView {
  int64_t T = 0, rows = 0;
  const uint8_t* dones = nullptr;      // the episode ended at step t
  const float* rewards = nullptr;
  const float* values = nullptr;       // V(s_t)
  const float* advantages = nullptr;   // GAE
};

struct RowScore {
  float score = 0.0f;        // -inf without a completed episode
  float max_return = 0.0f;   // the updated R_max
  float mean_return = 0.0f;  // over completed episodes (0 when none)
  int64_t episodes = 0;      // completed
};

// The score of row r. previous_max_return: the level's R_max so far (-inf for a new level);
// optimal_return: R* (true_regret only).
RowScore score_row(UedScore kind, const RolloutView& v, int64_t r, float previous_max_return, float optimal_return);

}  // namespace lamarck::meta
