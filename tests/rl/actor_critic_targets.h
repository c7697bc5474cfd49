// Advantage actor-critic's targets written against trajectory_rule.h alone (tests): the n-step TD
// advantage A_t = delta_t + gamma (1 - done_t) A_{t+1}, delta_t = r_t + gamma (1 - done_t) V_{t+1} - V_t,
// value target A_t + V_t; the same float operations in the same order as the built-in GAE with lambda = 1,
// so the trainer must give the same bits with either. It reads the trajectory on the host (copies from
// the call's device), so it runs on the CPU and the GPU alike.
#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "lamarck/core/device_array.h"
#include "lamarck/rl/trajectory_rule.h"

namespace lamarck::rl::testing {

class ActorCriticTargets final : public TrajectoryRule {
 public:
  std::string name() const override { return "test_actor_critic"; }
  void targets(const Exec& exec, const Trajectory& in, const TrajectoryTargets& out) const override {
    const int64_t n = in.P * in.T * in.E, columns = in.P * in.E;
    auto host = [&](const auto* device_ptr, int64_t count) {
      using T = std::remove_const_t<std::remove_pointer_t<decltype(device_ptr)>>;
      std::vector<T> v(static_cast<size_t>(count));
      memory::copy(v.data(), Device::cpu, device_ptr, exec.device, sizeof(T) * size_t(count));
      return v;
    };
    const std::vector<float> rewards = host(in.rewards, n), values = host(in.values, n);
    const std::vector<float> last_values = host(in.last_values, columns);
    const std::vector<uint8_t> terminated = host(in.terminated, n), truncated = host(in.truncated, n);
    std::vector<float> advantages(static_cast<size_t>(n)), value_targets(static_cast<size_t>(n));
    const float gamma = float(in.gamma), gamma_lambda = float(in.gamma) * 1.0f;  // lambda = 1: n-step returns
    for (int64_t column = 0; column < columns; ++column) {
      const int64_t p = column / in.E, e = column % in.E;
      float next_value = last_values[size_t(column)], next_advantage = 0.0f;
      for (int64_t t = in.T - 1; t >= 0; --t) {
        const size_t i = size_t((p * in.T + t) * in.E + e);
        const bool ended = terminated[i] || truncated[i];  // neither reference bootstraps a time limit
        const float not_done = ended ? 0.0f : 1.0f;
        const float delta = rewards[i] + gamma * next_value * not_done - values[i];
        const float advantage = delta + gamma_lambda * not_done * next_advantage;
        advantages[i] = advantage;
        value_targets[i] = advantage + values[i];
        next_advantage = advantage;
        next_value = values[i];
      }
    }
    memory::copy(out.advantages, exec.device, advantages.data(), Device::cpu, sizeof(float) * size_t(n));
    memory::copy(out.value_targets, exec.device, value_targets.data(), Device::cpu, sizeof(float) * size_t(n));
  }
};

// The one registry line.
inline bool register_actor_critic_targets() {
  static const bool done = [] {
    register_trajectory_rule("test_actor_critic", [] { return std::make_unique<ActorCriticTargets>(); });
    return true;
  }();
  return done;
}

}  // namespace lamarck::rl::testing
