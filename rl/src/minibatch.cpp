#include "lamarck/rl/minibatch.h"

#include "lamarck/core/nn/heads.h"

namespace lamarck::rl {

void minibatch_gradients(const Exec& exec, const AgentLayout& layout, const UpdateRule& rule,
                         const LossSettings& settings, const float* params, const Minibatch& mb,
                         MinibatchWorkspace& ws, float* grads, LossTerms* terms) {
  const int64_t P = mb.P, M = mb.M, rows = P * M, n = layout.num_params, A = layout.action_dim;
  for (auto* v : {&ws.log_prob, &ws.entropy, &ws.d_log_prob, &ws.d_entropy, &ws.d_value}) v->resize(size_t(rows));
  ws.d_head.resize(size_t(rows * A));
  // forward: policy head and value
  nn::mlp_forward<float>(exec, layout.actor, P, M, params, n, mb.obs, ws.actor);
  nn::mlp_forward<float>(exec, layout.critic, P, M, params, n, mb.obs, ws.critic);
  const float* head = ws.actor.output();
  if (layout.continuous)
    nn::gaussian_log_prob<float>(exec, rows, A, M, head, params + layout.log_std_offset, n, mb.box_actions,
                                 ws.log_prob.data(), ws.entropy.data());
  else
    nn::categorical_log_prob<float>(exec, rows, A, head, mb.actions, ws.log_prob.data(), ws.entropy.data());
  // loss gradients per sample
  LossInputs in;
  in.P = P;
  in.B = M;
  in.log_prob = ws.log_prob.data();
  in.entropy = ws.entropy.data();
  in.value = ws.critic.output();
  in.old_log_prob = mb.old_log_prob;
  in.old_value = mb.old_value;
  in.advantage = mb.advantage;
  in.returns = mb.returns;
  in.update = mb.update;
  in.total_updates = mb.total_updates;
  in.rule_params = mb.rule_params;
  ppo_loss_grads(exec, rule, settings, in, ws.loss, ws.d_log_prob.data(), ws.d_entropy.data(), ws.d_value.data(),
                 terms);
  // backward: the head, then both networks into the agents' gradient rows
  if (layout.continuous)
    nn::gaussian_backward<float>(exec, rows, A, M, head, params + layout.log_std_offset, n, mb.box_actions,
                                 ws.d_log_prob.data(), ws.d_entropy.data(), ws.d_head.data(),
                                 grads + layout.log_std_offset, false);
  else
    nn::categorical_backward<float>(exec, rows, A, head, mb.actions, ws.d_log_prob.data(), ws.d_entropy.data(),
                                    ws.d_head.data());
  nn::mlp_backward<float>(exec, layout.actor, P, M, params, n, mb.obs, ws.actor, ws.d_head.data(), grads, false,
                          nullptr, ws.grad);
  nn::mlp_backward<float>(exec, layout.critic, P, M, params, n, mb.obs, ws.critic, ws.d_value.data(), grads, false,
                          nullptr, ws.grad);
}

}  // namespace lamarck::rl
