// The actor-critic agent: separate actor and critic MLPs (64-64 by default, activation configurable),
// a categorical head for discrete actions or a diagonal Gaussian head (state-independent log std) for
// continuous ones. One parameter row per agent: [actor MLP | critic MLP | log_std (continuous only)].
// Initialisation as CleanRL/PureJaxRL: orthogonal, gain sqrt(2) on hidden layers, 0.01 on the actor's
// output, 1.0 on the critic's; biases 0; log_std 0. A trajectory rule's extra head (trajectory_rule.h,
// LPG's y(s)) is a third MLP with the critic's hidden widths, appended at the end of the row (gain 0.01 on
// its output, so that a categorical y starts near uniform).
#pragma once

#include <cstdint>
#include <vector>

#include "lamarck/core/nn/dense.h"
#include "lamarck/core/rng.h"

namespace lamarck::rl {

struct AgentLayout {
  nn::MlpLayout actor, critic;
  nn::MlpLayout extra;           // the extra head (extra_dim > 0 only)
  int64_t extra_dim = 0;         // its outputs per state
  bool continuous = false;
  int64_t action_dim = 0;        // categorical: number of actions; Gaussian: action dimensions
  int64_t log_std_offset = -1;   // continuous only
  int64_t num_params = 0;        // per agent
};

AgentLayout make_agent_layout(int64_t obs_dim, bool continuous, int64_t action_dim,
                              const std::vector<int64_t>& hidden, nn::Activation activation, int64_t extra_dim = 0);

// Writes the initial parameters of one agent into its host row (num_params floats).
void init_agent(const AgentLayout& layout, Key key, float* row);

}  // namespace lamarck::rl
