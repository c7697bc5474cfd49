// The device work of rl/ as one table of operations per device. The bodies are written once
// (ops_impl.h) and compiled twice: by g++ for the CPU (ops_cpu.cpp) and by nvcc for CUDA (rl_cuda.cu),
// each copy in its own anonymous namespace. The public functions (gae, ppo_loss_grads,
// minibatch_gradients, the built-in rules) and the Trainer call ops(exec.device).
// Private to rl.
#pragma once

#include <cstdint>

#include "kernels.h"
#include "lamarck/core/backend.h"
#include "lamarck/core/nn/dense.h"
#include "lamarck/rl/agent.h"
#include "lamarck/rl/gae.h"
#include "lamarck/rl/minibatch.h"
#include "lamarck/rl/ppo_loss.h"
#include "lamarck/rl/update_rule.h"

namespace lamarck::rl::detail {

// One policy step of every agent: actor and critic on the current observations, an action sampled per
// row, its log-probability, and the step stored into the rollout (store's rollout pointers and t are set
// by the caller; its per-step inputs by act).
struct ActArgs {
  const AgentLayout* layout = nullptr;
  int64_t P = 0, E = 0;
  const float* params = nullptr;  // (P, num_params)
  const float* obs = nullptr;     // (P * E, obs_dim)
  nn::MlpCache<float>* actor = nullptr;
  nn::MlpCache<float>* critic = nullptr;
  uint64_t seed = 0, stream = 0, step = 0;
  const uint64_t* row_ids = nullptr;  // (P * E) key index of each row
  int32_t* action_i = nullptr;        // (P * E) discrete
  float* action_f = nullptr;          // (P * E, A) continuous
  float* log_prob = nullptr;          // (P * E)
  StoreStep store;
  // One fused kernel per step (FusedAct; the layouts must fit nn::MlpRowLayout) instead of the layered
  // networks and heads; the values go to `value` (P * E) instead of critic's cache.
  bool fused = false;
  float* value = nullptr;
  // a trajectory rule's extra head (layout->extra_dim > 0; layered path only): its forward cache, whose
  // outputs store records (store.roll_extra); store.roll_logits, when set, records the policy's outputs
  nn::MlpCache<float>* extra = nullptr;
};

// The critic's values of the observations after the last step of a rollout.
struct BootstrapArgs {
  const AgentLayout* layout = nullptr;
  int64_t P = 0, E = 0;
  const float* params = nullptr;
  const float* obs = nullptr;
  nn::MlpCache<float>* critic = nullptr;
  float* last_values = nullptr;  // (P * E)
  nn::MlpCache<float>* extra = nullptr;  // with last_extras: the extra head's y(s_T)
  float* last_extras = nullptr;          // (P * E, layout->extra_dim)
};

struct Ops {
  void (*ppo_clip)(const Exec&, const PpoClipSample&, int64_t samples, int64_t work);
  void (*policy_gradient)(const Exec&, const PolicyGradientSample&, int64_t samples, int64_t work);
  void (*ppo_loss_grads)(const Exec&, const UpdateRule&, const LossSettings&, const LossInputs&, LossWorkspace&,
                         float*, float*, float*, LossTerms*);
  void (*minibatch_gradients)(const Exec&, const AgentLayout&, const UpdateRule&, const LossSettings&,
                              const float*, const Minibatch&, MinibatchWorkspace&, float*, LossTerms*);
  void (*gae)(const Exec&, const GaeArgs&);
  void (*act)(const Exec&, const ActArgs&);
  void (*bootstrap)(const Exec&, const BootstrapArgs&);
  void (*clip_actions)(const Exec&, const ClipActions&, int64_t elements, int64_t work);
  void (*record_step)(const Exec&, const RecordStep&, int64_t agents, int64_t work);
  void (*shuffle)(const Exec&, const ShuffleSamples&, int64_t agents, int64_t work);
  void (*gather)(const Exec&, const GatherMinibatch&, int64_t rows, int64_t work);
};

// The table for `device`; CUDA throws a clear error in a build without it or on a machine without a GPU.
const Ops& ops(Device device);
const Ops& cpu_ops();
const Ops& cuda_ops();  // rl_cuda.cu (ops_cpu.cpp in a build without CUDA: throws)

}  // namespace lamarck::rl::detail
