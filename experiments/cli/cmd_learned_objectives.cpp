// lamarck inspect FILE: what a discovered-objective file holds -- its rule, features, weights and
// provenance -- and the drift it implies at a few (r, Â) points and its effective trust region (at several
// training-progress values for TA-LPO).
#include <cmath>
#include <cstdio>

#include "cli/commands.h"
#include "lamarck/learned_objectives/objective_file.h"

namespace lamarck::cli {

namespace {
std::string fmt(const char* format, double a, double b) {
  char text[96];
  std::snprintf(text, sizeof(text), format, a, b);
  return text;
}
}  // namespace

void add_learned_objectives_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("inspect", "Summarise a discovered-objective file (JSON or binary)");
  auto path = std::make_shared<std::string>();
  cmd->add_option("FILE", *path, "The objective file (.json or binary)")->required();
  cmd->callback([&global, path] {
    using namespace objectives;
    const DiscoveredObjective o = load_objective(*path);
    const Rule rule = to_rule(o, *path);
    const RuleInfo& info = rule_info(rule.kind);
    Summary s("objective " + *path);
    s.add("rule", o.rule);
    s.add("features", o.features.empty() ? std::string("(closed form)") : join(o.features, ","));
    s.add("hidden", o.hidden);
    s.add("parameters", int64_t(o.weights.size()));
    double sq = 0.0, max_abs = 0.0;
    for (float w : o.weights) {
      sq += double(w) * w;
      max_abs = std::max(max_abs, double(std::fabs(w)));
    }
    s.add("weights_l2", std::sqrt(sq));
    s.add("weights_max_abs", max_abs);
    if (info.reads_clip_eps) s.add("clip_eps", o.clip_eps);
    if (info.reads_dpo_shape) {
      s.add("dpo_alpha", o.dpo_alpha);
      s.add("dpo_beta", o.dpo_beta);
    }
    s.add("source", o.provenance.source);
    s.add("candidate", o.provenance.candidate);
    s.add("generation", o.provenance.generation);
    if (o.provenance.has_fitness) s.add("fitness", o.provenance.fitness);
    s.add("lamarck_version", o.provenance.lamarck_version);
    s.add("has_config", !o.provenance.config.empty());
    // drift at a few points; TA-LPO at early, middle and late training (log N = ln 100)
    const double log_h = std::log(100.0);
    const std::vector<double> progresses = info.temporal ? std::vector<double>{0.0, 0.5, 0.95}
                                                                         : std::vector<double>{0.0};
    for (double progress : progresses)
      for (double adv : {1.0, -1.0})
        for (double r : {0.7, 0.9, 1.1, 1.3}) {
          const std::string key = (progresses.size() > 1 ? fmt("drift@n/N=%.2f", progress, 0) : std::string("drift")) +
                                  fmt("(r=%.1f,A=%+.0f)", r, adv);
          s.add(key, rule_at(rule, r, adv, progress, log_h).drift);
        }
    // the effective trust region: the ratio at which the drift penalty first exceeds 0.01, moving away
    // from r = 1 with Â = +1 (upward) and Â = -1 (downward); PPO-clip with ε = 0.2 gives 1.21 and 0.79
    for (double progress : progresses) {
      const std::string at = progresses.size() > 1 ? fmt("@n/N=%.2f", progress, 0) : std::string();
      double upper = NAN, lower = NAN;
      for (int k = 1; k <= 2000 && std::isnan(upper); ++k)
        if (rule_at(rule, 1.0 + 0.001 * k, 1.0, progress, log_h).drift > 0.01) upper = 1.0 + 0.001 * k;
      for (int k = 1; k <= 999 && std::isnan(lower); ++k)
        if (rule_at(rule, 1.0 - 0.001 * k, -1.0, progress, log_h).drift > 0.01) lower = 1.0 - 0.001 * k;
      s.add("trust_upper" + at, std::isnan(upper) ? std::string("> 3") : fmt("%.3f", upper, 0));
      s.add("trust_lower" + at, std::isnan(lower) ? std::string("< 0.001") : fmt("%.3f", lower, 0));
    }
    s.print(global.json);
  });
}

}  // namespace lamarck::cli
