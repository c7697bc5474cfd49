#include "lamarck/meta/evaluate.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "lamarck/core/config.h"
#include "lamarck/core/rng.h"
#include "lamarck/learned_objectives/rl_rules.h"
#include "lamarck/meta/inner_loop.h"

namespace lamarck::meta {

namespace {
constexpr uint64_t kStreamHeldOut = 0x6d657461686f6c64ull;  // "metahold"
}  // namespace

uint64_t held_out_seed(uint64_t seed, int64_t env_index, int64_t horizon_index) {
  const Key k = derive_key(seed, kStreamHeldOut, uint64_t(env_index), uint64_t(horizon_index));
  return (uint64_t(k.w[1]) << 32) | k.w[0];
}

std::vector<EvalRow> evaluate_rule(const Exec& exec, const rl::TrainConfig& inner, const objectives::Rule& rule,
                                   const std::string& label, const std::vector<std::string>& envs,
                                   const std::vector<int64_t>& horizons, int64_t seeds, uint64_t seed,
                                   const MetaConfig& baselines, int64_t* env_steps) {
  return evaluate_rules(exec, inner, {rule}, {label}, envs, horizons, seeds, seed, baselines, env_steps).front();
}

std::vector<std::vector<EvalRow>> evaluate_rules(const Exec& exec, const rl::TrainConfig& inner,
                                                 const std::vector<objectives::Rule>& rules,
                                                 const std::vector<std::string>& labels,
                                                 const std::vector<std::string>& envs,
                                                 const std::vector<int64_t>& horizons, int64_t seeds, uint64_t seed,
                                                 const MetaConfig& baselines, int64_t* env_steps) {
  if (rules.empty() || labels.size() != rules.size())
    throw InvalidArgument("evaluate_rules: " + std::to_string(rules.size()) + " rules and " +
                          std::to_string(labels.size()) + " labels (one label per rule, at least one rule)");
  for (const objectives::Rule& r : rules)
    if (r.kind != rules[0].kind || r.theta.size() != rules[0].theta.size() ||
        std::memcmp(&r.constants, &rules[0].constants, sizeof(r.constants)) != 0)
      throw InvalidArgument("evaluate_rules: the rules evaluated together must share their kind and constants");
  for (int64_t h : horizons)
    if (h < inner.num_envs * inner.num_steps)
      throw InvalidArgument("evaluation horizon " + std::to_string(h) + " is less than one update (num_envs * num_steps = " +
                            std::to_string(inner.num_envs * inner.num_steps) + ")");
  const auto update_rule = objectives::make_update_rule(rules[0]);
  const int64_t dim = update_rule->num_params();
  std::vector<float> params;  // (rules, dim)
  for (const objectives::Rule& r : rules) params.insert(params.end(), r.theta.begin(), r.theta.end());
  // every (env, horizon) group trains on one held-out seed, agent s of every rule on its own random stream s
  // (so every agent is an independent run, whatever agents_per_trainer splits, and rules are paired)
  const size_t K = rules.size();
  std::vector<AgentTask> tasks;
  for (size_t e = 0; e < envs.size(); ++e)
    for (size_t h = 0; h < horizons.size(); ++h)
      for (size_t k = 0; k < K; ++k)
        for (int64_t s = 0; s < seeds; ++s)
          tasks.push_back(AgentTask{envs[e], horizons[h], held_out_seed(seed, int64_t(e), int64_t(h)), int64_t(k),
                                    uint64_t(s), ""});
  const InnerResult result = train_tasks(exec, inner, update_rule, tasks, params.empty() ? nullptr : params.data(),
                                         dim, baselines.agents_per_trainer);
  if (env_steps) *env_steps += result.env_steps;
  std::vector<std::vector<EvalRow>> rows(K);
  size_t t = 0;
  for (size_t e = 0; e < envs.size(); ++e)
    for (size_t h = 0; h < horizons.size(); ++h)
      for (size_t k = 0; k < K; ++k) {
        std::vector<double> raw, norm;
        EvalRow row;
        row.objective = labels[k];
        row.env = envs[e];
        row.timesteps = horizons[h];
        row.seeds = seeds;
        const double base = baselines.baseline(envs[e]);
        for (int64_t s = 0; s < seeds; ++s, ++t) {
          const double v = result.final_return[t];
          if (!std::isfinite(v)) ++row.diverged;
          raw.push_back(v);
          norm.push_back(v / base);
        }
        row.norm_values = norm;
        const MeanInterval r = mean_interval(raw), n = mean_interval(norm);
        row.mean = r.mean;
        row.lo = r.mean - r.half_width;
        row.hi = r.mean + r.half_width;
        row.norm_mean = n.mean;
        row.norm_lo = n.mean - n.half_width;
        row.norm_hi = n.mean + n.half_width;
        rows[k].push_back(row);
      }
  return rows;
}

MeanInterval paired_difference(const EvalRow& a, const EvalRow& b) {
  std::vector<double> d;
  for (size_t s = 0; s < a.norm_values.size() && s < b.norm_values.size(); ++s)
    if (std::isfinite(a.norm_values[s]) && std::isfinite(b.norm_values[s])) d.push_back(a.norm_values[s] - b.norm_values[s]);
  return mean_interval(d);
}

const EvalRow* matching_ppo_row(const std::vector<EvalRow>& rows, const EvalRow& row) {
  for (const EvalRow& r : rows)
    if (r.objective == "ppo_clip" && r.env == row.env && r.timesteps == row.timesteps && r.seeds == row.seeds)
      return &r;
  return nullptr;
}

std::string eval_row_json(const EvalRow& r, int64_t generation, const EvalRow* ppo) {
  JsonLine line;
  line.add("generation", generation).add("objective", r.objective).add("env", r.env).add("timesteps", r.timesteps);
  line.add("seeds", r.seeds).add("diverged", r.diverged).add("mean", r.mean).add("lo", r.lo).add("hi", r.hi);
  line.add("norm_mean", r.norm_mean).add("norm_lo", r.norm_lo).add("norm_hi", r.norm_hi);
  if (ppo && ppo != &r) {
    const MeanInterval d = paired_difference(r, *ppo);
    line.add("vs_ppo_mean", d.mean).add("vs_ppo_lo", d.mean - d.half_width).add("vs_ppo_hi", d.mean + d.half_width);
  }
  return line.str();
}

std::string eval_table(const std::vector<EvalRow>& rows) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof(line), "%-28s %-22s %10s %6s %22s %22s\n", "objective", "env", "timesteps", "seeds",
                "return (95% CI)", "normalised (95% CI)");
  out += line;
  for (const EvalRow& r : rows) {
    char raw[64], norm[64];
    if (std::isfinite(r.lo)) std::snprintf(raw, sizeof(raw), "%.1f [%.1f, %.1f]", r.mean, r.lo, r.hi);
    else std::snprintf(raw, sizeof(raw), "%.1f [n/a]", r.mean);
    if (std::isfinite(r.norm_lo)) std::snprintf(norm, sizeof(norm), "%.3f [%.3f, %.3f]", r.norm_mean, r.norm_lo, r.norm_hi);
    else std::snprintf(norm, sizeof(norm), "%.3f [n/a]", r.norm_mean);
    std::snprintf(line, sizeof(line), "%-28s %-22s %10lld %6lld %22s %22s%s\n", r.objective.c_str(), r.env.c_str(),
                  (long long)r.timesteps, (long long)r.seeds, raw, norm,
                  r.diverged ? (" (" + std::to_string(r.diverged) + " diverged)").c_str() : "");
    out += line;
  }
  // paired differences against PPO-clip on the same tasks
  for (const EvalRow& r : rows) {
    const EvalRow* ppo = matching_ppo_row(rows, r);
    if (!ppo || ppo == &r) continue;
    const MeanInterval d = paired_difference(r, *ppo);
    char norm[64];
    std::snprintf(norm, sizeof(norm), "%+.3f [%+.3f, %+.3f]", d.mean, d.mean - d.half_width, d.mean + d.half_width);
    std::snprintf(line, sizeof(line), "%-28s %-22s %10lld %6lld %22s %22s\n", (r.objective + " - ppo_clip").c_str(),
                  r.env.c_str(), (long long)r.timesteps, (long long)d.n, "(paired)", norm);
    out += line;
  }
  return out;
}

}  // namespace lamarck::meta
