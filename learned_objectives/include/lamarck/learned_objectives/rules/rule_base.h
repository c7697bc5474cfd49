// What a rule of rules.h's table declares, with the defaults of a closed-form rule. A rule is a struct
// that derives from RuleBase and hides what differs:
//
//   struct MyRule : RuleBase {
//     static constexpr const char* kName = "my_rule";         // the name in configs, files and the CLI
//     static constexpr int64_t kNumParams = 0;                 // learnable parameters per agent
//     static constexpr int kHidden = 0;                        // network width its file records (0: none)
//     static constexpr int kAgentFloats = 0;                   // per-agent constants prepare() writes
//     static constexpr bool kTemporal = false;                 // reads the training progress n/N and ln N
//     static constexpr bool kReadsClipEps = false;             // which RuleConstants it reads
//     static constexpr bool kReadsDpoShape = false;
//     static std::vector<std::string> features();              // input names, in weight order
//     static std::vector<float> search_init(uint64_t seed);    // meta-training's starting point
//     template <class T, class P> LMK_HD static void prepare(const P* theta, T progress, T log_horizon, T* agent);
//     template <class T, class P> LMK_HD static RuleSample<T> sample(const RuleConstants&, const P* theta,
//                                                                     const T* agent, T r, T adv);
//   };
//
// prepare runs once per agent and minibatch (theta: the agent's row; agent: kAgentFloats values), sample
// once per (agent, sample). Both are templates on the scalar type: float in the batched CPU and CUDA
// kernels, double in the plain reference and the finite-difference checks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lamarck/learned_objectives/drift.h"

namespace lamarck::objectives {

struct RuleBase {
  static constexpr int64_t kNumParams = 0;
  static constexpr int kHidden = 0;
  static constexpr int kAgentFloats = 0;
  static constexpr bool kTemporal = false;
  static constexpr bool kReadsClipEps = false;
  static constexpr bool kReadsDpoShape = false;
  static std::vector<std::string> features() { return {}; }
  static std::vector<float> search_init(uint64_t) { return {}; }
  template <class T, class P>
  LMK_HD static void prepare(const P*, T, T, T*) {}
};

}  // namespace lamarck::objectives
