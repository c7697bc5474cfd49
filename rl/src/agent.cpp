#include "lamarck/rl/agent.h"

#include <cmath>

#include "lamarck/core/nn/init.h"

namespace lamarck::rl {

AgentLayout make_agent_layout(int64_t obs_dim, bool continuous, int64_t action_dim,
                              const std::vector<int64_t>& hidden, nn::Activation activation, int64_t extra_dim) {
  AgentLayout a;
  a.continuous = continuous;
  a.action_dim = action_dim;
  std::vector<int64_t> actor_sizes{obs_dim}, critic_sizes{obs_dim};
  for (int64_t h : hidden) {
    actor_sizes.push_back(h);
    critic_sizes.push_back(h);
  }
  actor_sizes.push_back(action_dim);
  critic_sizes.push_back(1);
  a.actor = nn::MlpLayout(actor_sizes, activation, 0);
  a.critic = nn::MlpLayout(critic_sizes, activation, a.actor.num_params());
  a.num_params = a.actor.num_params() + a.critic.num_params();
  if (continuous) {
    a.log_std_offset = a.num_params;
    a.num_params += action_dim;
  }
  if (extra_dim > 0) {
    std::vector<int64_t> extra_sizes{obs_dim};
    for (int64_t h : hidden) extra_sizes.push_back(h);
    extra_sizes.push_back(extra_dim);
    a.extra = nn::MlpLayout(extra_sizes, activation, a.num_params);
    a.extra_dim = extra_dim;
    a.num_params += a.extra.num_params();
  }
  return a;
}

void init_agent(const AgentLayout& layout, Key key, float* row) {
  const double root2 = std::sqrt(2.0);
  nn::init_mlp(layout.actor, fold_in(key, 0), root2, 0.01, row);
  nn::init_mlp(layout.critic, fold_in(key, 1), root2, 1.0, row);
  if (layout.continuous)
    for (int64_t j = 0; j < layout.action_dim; ++j) row[layout.log_std_offset + j] = 0.0f;
  if (layout.extra_dim > 0) nn::init_mlp(layout.extra, fold_in(key, 2), root2, 0.01, row);
}

}  // namespace lamarck::rl
