// The table of policy-update rules in drift form: one file per rule in rules/, one line here.
//
//   ppo_clip  rules/ppo_clip.h   Schulman et al. 2017 (arXiv 1707.06347)
//   dpo       rules/dpo.h        Lu et al. 2022 (arXiv 2210.05639), closed form
//   lpo       rules/lpo.h        Lu et al. 2022, the learned drift (1152 parameters)
//   ta_lpo    rules/ta_lpo.h     Jackson et al. 2024 (arXiv 2402.05828), temporally aware (1408 parameters)
//
// What a rule declares is described in rules/rule_base.h. Everything else is generated from this list:
// RuleKind, the names and choices every entry point accepts (rl's registry, meta configs, the CLI's
// --objective, inspect and evaluate, Python), the discovered-objective file's checks, the batched CPU and
// CUDA kernels (rule_batch.h) and the plain double reference. To add a rule: write rules/my_rule.h and add
// X(my_rule, MyRule) below.
#pragma once

#include <cstdint>
#include <utility>

#include "lamarck/learned_objectives/rules/dpo.h"
#include "lamarck/learned_objectives/rules/lpo.h"
#include "lamarck/learned_objectives/rules/ppo_clip.h"
#include "lamarck/learned_objectives/rules/ta_lpo.h"

// X(enumerator, type): the enumerator is the rule's name (static_assert below).
#define LAMARCK_RULE_LIST(X) \
  X(ppo_clip, PpoClipRule)   \
  X(dpo, DpoRule)            \
  X(lpo, LpoRule)            \
  X(ta_lpo, TaLpoRule)

namespace lamarck::objectives {

#define LMK_RULE_ENUMERATOR(name, type) name,
enum class RuleKind : int32_t { LAMARCK_RULE_LIST(LMK_RULE_ENUMERATOR) };
#undef LMK_RULE_ENUMERATOR

namespace detail {
constexpr bool same_name(const char* a, const char* b) {
  return *a == *b && (*a == '\0' || same_name(a + 1, b + 1));
}
#define LMK_RULE_NAME_CHECK(name, type) \
  static_assert(same_name(#name, type::kName), "rules.h: the enumerator must be the rule's kName");
LAMARCK_RULE_LIST(LMK_RULE_NAME_CHECK)
#undef LMK_RULE_NAME_CHECK
}  // namespace detail

// Calls f(R{}) with the table type R of `kind` and returns its result: the one switch over rules.
template <class F>
decltype(auto) with_rule(RuleKind kind, F&& f) {
  switch (kind) {
#define LMK_RULE_CASE(name, type) \
  case RuleKind::name: return std::forward<F>(f)(type{});
    LAMARCK_RULE_LIST(LMK_RULE_CASE)
#undef LMK_RULE_CASE
  }
  return std::forward<F>(f)(PpoClipRule{});  // not reached: every enumerator has a case
}

// Calls f(R{}) for every rule of the table, in table order.
template <class F>
void for_each_rule(F&& f) {
#define LMK_RULE_VISIT(name, type) f(type{});
  LAMARCK_RULE_LIST(LMK_RULE_VISIT)
#undef LMK_RULE_VISIT
}

// Learnable parameters of a rule per agent (0 for the closed forms).
inline int64_t rule_num_params(RuleKind kind) {
  return with_rule(kind, [](auto rule) { return decltype(rule)::kNumParams; });
}

// Any rule for one sample, computing the rule's per-agent constants first (the plain form; the batched
// kernels compute them once per agent). theta: this agent's parameters (ignored by the closed forms).
template <class T, class P>
RuleSample<T> rule_sample(RuleKind kind, const RuleConstants& c, const P* theta, T r, T adv, T progress,
                          T log_horizon) {
  return with_rule(kind, [&](auto rule) {
    using R = decltype(rule);
    T agent[R::kAgentFloats > 0 ? R::kAgentFloats : 1] = {};
    R::template prepare<T, P>(theta, progress, log_horizon, agent);
    return R::template sample<T, P>(c, theta, agent, r, adv);
  });
}

}  // namespace lamarck::objectives
