// The bodies of the operations in ops.h, written once for every device. Included by exactly two
// translation units, ops_cpu.cpp (g++) and rl_cuda.cu (nvcc), each of which defines its table from them;
// everything here is in an anonymous namespace, so the two compilations never meet at link time.
// Launches go through nn::elementwise: on the CPU a range runs on the calling thread unless its work
// (count x work per item) is large enough to pay for a fork/join; on CUDA every launch is a Thrust
// for_each that returns once the kernel is queued: kernels and cuBLAS run in order on the legacy default
// stream, and the host sees results only through memory::copy (which waits).
#pragma once

#include "lamarck/core/device_array.h"
#include "lamarck/core/nn/heads.h"
#include "ops.h"

namespace lamarck::rl::detail {
namespace {

template <class F>
void launch(const Exec& exec, const F& f, int64_t count, int64_t work) {
  nn::elementwise(exec, count, f, work);
}

void ppo_loss_grads_impl(const Exec& exec, const UpdateRule& rule, const LossSettings& s, const LossInputs& in,
                         LossWorkspace& ws, float* d_log_prob, float* d_entropy, float* d_value, LossTerms* terms) {
  const int64_t P = in.P, B = in.B, n = P * B;
  const Device dev = exec.device;
  for (DeviceArray<float>* a : {&ws.ratio, &ws.adv, &ws.loss, &ws.d_ratio, &ws.d_log_prob, &ws.d_entropy, &ws.value_loss})
    a->ensure(n, dev);
  ws.adv_mean.ensure(P, dev);
  ws.adv_inv_std.ensure(P, dev);
  // ratio and advantages
  launch(exec, Ratio{in.log_prob, in.old_log_prob, ws.ratio.data()}, n, 8);
  if (s.norm_adv) {
    launch(exec, AdvantageMoments{in.advantage, B, ws.adv_mean.data(), ws.adv_inv_std.data()}, P, 2 * B);
    launch(exec, NormalizeAdvantage{in.advantage, ws.adv_mean.data(), ws.adv_inv_std.data(), B, ws.adv.data()}, n, 1);
  } else {
    memory::copy(ws.adv.data(), dev, in.advantage, dev, sizeof(float) * size_t(n));
  }
  // the rule's policy loss
  RuleBatch rb;
  rb.P = P;
  rb.B = B;
  rb.ratio = ws.ratio.data();
  rb.advantage = ws.adv.data();
  rb.log_prob = in.log_prob;
  rb.entropy = in.entropy;
  rb.update = in.update;
  rb.total_updates = in.total_updates;
  rb.params = in.rule_params;
  rule.evaluate(exec, rb, RuleOutput{ws.loss.data(), ws.d_ratio.data(), ws.d_log_prob.data(), ws.d_entropy.data()});
  // chain rule, value and entropy terms per sample; the per-agent means
  launch(exec,
         LossSampleGrads{in, ws.ratio.data(), ws.d_ratio.data(), ws.d_log_prob.data(), ws.d_entropy.data(),
                         float(s.ent_coef), float(s.vf_coef), float(s.value_clip_eps), 1.0f / float(B), s.clip_value,
                         d_log_prob, d_entropy, d_value, ws.value_loss.data()},
         n, 8);
  if (terms) {
    ws.terms.ensure(P, dev);
    launch(exec,
           LossTermsPerAgent{in, ws.ratio.data(), ws.loss.data(), ws.value_loss.data(), s.ent_coef, s.vf_coef,
                             s.value_clip_eps, ws.terms.data()},
           P, 8 * B);
    ws.terms.copy_to_host(terms, P);
  }
}

void minibatch_gradients_impl(const Exec& exec, const AgentLayout& layout, const UpdateRule& rule,
                              const LossSettings& settings, const float* params, const Minibatch& mb,
                              MinibatchWorkspace& ws, float* grads, LossTerms* terms) {
  const int64_t P = mb.P, M = mb.M, rows = P * M, n = layout.num_params, A = layout.action_dim;
  const Device dev = exec.device;
  for (DeviceArray<float>* a : {&ws.log_prob, &ws.entropy, &ws.d_log_prob, &ws.d_entropy, &ws.d_value})
    a->ensure(rows, dev);
  ws.d_head.ensure(rows * A, dev);
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
  ppo_loss_grads_impl(exec, rule, settings, in, ws.loss, ws.d_log_prob.data(), ws.d_entropy.data(),
                      ws.d_value.data(), terms);
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
  // a trajectory rule's extra head: its own network, fitted to the rule's targets
  if (layout.extra_dim > 0) {
    const int64_t m = layout.extra_dim;
    LMK_ASSERT(mb.extra_targets != nullptr, "minibatch: the extra head needs its targets");
    ws.d_extra.ensure(rows * m, dev);
    ws.extra_loss.ensure(rows, dev);
    nn::mlp_forward<float>(exec, layout.extra, P, M, params, n, mb.obs, ws.extra);
    launch(exec,
           ExtraHeadGrads{ws.extra.output(), mb.extra_targets, m, mb.extra_categorical, float(mb.extra_coef / double(M)),
                          ws.d_extra.data(), ws.extra_loss.data()},
           rows, 8 * m);
    nn::mlp_backward<float>(exec, layout.extra, P, M, params, n, mb.obs, ws.extra, ws.d_extra.data(), grads, false,
                            nullptr, ws.grad);
    if (terms) {
      const std::vector<float> loss = ws.extra_loss.to_host();
      for (int64_t p = 0; p < P; ++p) {
        double sum = 0.0;
        for (int64_t i = 0; i < M; ++i) sum += loss[size_t(p * M + i)];
        terms[p].extra = sum / double(M);
        terms[p].total += mb.extra_coef * terms[p].extra;
      }
    }
  }
}

void gae_impl(const Exec& exec, const GaeArgs& a) { launch(exec, GaeColumn{a}, a.P * a.E, 8 * a.T); }

void act_impl(const Exec& exec, const ActArgs& a) {
  const AgentLayout& layout = *a.layout;
  const int64_t N = a.P * a.E, A = layout.action_dim, n = layout.num_params;
  StoreStep store = a.store;
  store.obs = a.obs;
  store.log_prob = a.log_prob;
  store.action_i = layout.continuous ? nullptr : a.action_i;
  store.action_f = layout.continuous ? a.action_f : nullptr;
  if (a.fused) {
    store.value = a.value;
    const FusedAct fused{nn::MlpRowLayout::of(layout.actor),
                         nn::MlpRowLayout::of(layout.critic),
                         a.E,
                         A,
                         layout.actor.in(),
                         n,
                         layout.continuous ? layout.log_std_offset : -1,
                         a.params,
                         a.obs,
                         a.seed,
                         a.stream,
                         a.step,
                         a.row_ids,
                         a.action_i,
                         a.action_f,
                         a.log_prob,
                         a.value,
                         store};
    launch(exec, fused, N, layout.actor.macs_per_row() + layout.critic.macs_per_row());
    return;
  }
  nn::mlp_forward<float>(exec, layout.actor, a.P, a.E, a.params, n, a.obs, *a.actor);
  nn::mlp_forward<float>(exec, layout.critic, a.P, a.E, a.params, n, a.obs, *a.critic);
  const float* head = a.actor->output();
  if (layout.continuous) {
    nn::gaussian_sample(exec, N, A, a.E, head, a.params + layout.log_std_offset, n, a.action_f, a.seed, a.stream,
                        a.step, a.row_ids);
    nn::gaussian_log_prob<float>(exec, N, A, a.E, head, a.params + layout.log_std_offset, n, a.action_f, a.log_prob,
                                 nullptr);
  } else {
    nn::categorical_sample(exec, N, A, head, a.action_i, a.seed, a.stream, a.step, a.row_ids);
    nn::categorical_log_prob<float>(exec, N, A, head, a.action_i, a.log_prob, nullptr);
  }
  store.value = a.critic->output();
  if (store.roll_extra) {
    nn::mlp_forward<float>(exec, layout.extra, a.P, a.E, a.params, n, a.obs, *a.extra);
    store.extra = a.extra->output();
  }
  if (store.roll_logits) store.logits = head;
  launch(exec, store, N, store.obs_dim + 4);
}

void bootstrap_impl(const Exec& exec, const BootstrapArgs& a) {
  const AgentLayout& layout = *a.layout;
  nn::mlp_forward<float>(exec, layout.critic, a.P, a.E, a.params, layout.num_params, a.obs, *a.critic);
  memory::copy(a.last_values, exec.device, a.critic->output(), exec.device, sizeof(float) * size_t(a.P * a.E));
  if (a.last_extras) {
    nn::mlp_forward<float>(exec, layout.extra, a.P, a.E, a.params, layout.num_params, a.obs, *a.extra);
    memory::copy(a.last_extras, exec.device, a.extra->output(), exec.device,
                 sizeof(float) * size_t(a.P * a.E * layout.extra_dim));
  }
}

// The table of this translation unit.
const Ops kOps = {
    &launch<PpoClipSample>, &launch<PolicyGradientSample>, &ppo_loss_grads_impl, &minibatch_gradients_impl,
    &gae_impl,           &act_impl,           &bootstrap_impl,         &launch<ClipActions>,
    &launch<RecordStep>, &launch<ShuffleSamples>, &launch<GatherMinibatch>,
};

}  // namespace
}  // namespace lamarck::rl::detail
