// lamarck ued-train CONFIG [--out DIR] [--updates N] [--seeds N]: a maze student trained on a curriculum
// (domain randomisation, PLR, Robust PLR or ACCEL) and evaluated on the holdout mazes (meta/ued.h).
#include <cmath>
#include <filesystem>

#include "cli/commands.h"
#include "lamarck/core/config.h"
#include "lamarck/core/progress.h"
#include "lamarck/meta/ued.h"

namespace lamarck::cli {

namespace {

struct UedOptions {
  std::string config;
  std::string out;
  int64_t updates = 0;  // 0: the config's
  int64_t seeds = 0;
};

void run_ued_train(const UedOptions& o, const GlobalOptions& global) {
  meta::UedConfig config = o.config.empty() ? meta::UedConfig() : load_config<meta::UedConfig>(o.config);
  if (o.updates > 0) config.trainer.num_updates = o.updates;
  if (o.seeds > 0) config.seeds = o.seeds;
  config.validate();
  const std::string out = !o.out.empty() ? o.out
                          : "runs/" + (o.config.empty() ? std::string("ued") : std::filesystem::path(o.config).stem().string());
  Progress progress("ued-train", config.trainer.num_updates, "upd");
  if (global.quiet) progress.finish();
  const meta::UedResult r = meta::run_ued(config, out, global.exec(), [&](int64_t, const rl::RecurrentTrainer& t) {
    if (global.quiet) return;
    double ret = 0;
    int64_t n = 0;
    for (const auto& s : t.last_stats())
      if (std::isfinite(s.episode_return)) {
        ret += s.episode_return;
        ++n;
      }
    progress.advance(1, n ? "return=" + std::to_string(ret / double(n)).substr(0, 6) : "");
  });
  if (!global.quiet) progress.finish();
  const meta::UedEvaluation& last = r.evaluations.back();
  Summary s("ued-train");
  s.add("curriculum", config.curriculum);
  s.add("out", out);
  s.add("seeds", config.seeds);
  s.add("updates", last.update);
  s.add("env_steps_per_seed", last.env_steps);
  s.add("gradient_steps_per_seed", last.gradient_steps);
  s.add("seconds", r.seconds);
  s.add("holdout_solve_rate_mean", last.solve_rate_interval.mean);
  if (std::isfinite(last.solve_rate_interval.half_width)) s.add("holdout_solve_rate_ci95", last.solve_rate_interval.half_width);
  s.add("holdout_return_mean", last.return_interval.mean);
  for (size_t l = 0; l < last.levels.size(); ++l) {
    double solved = 0;
    for (int64_t p = 0; p < config.seeds; ++p) solved += last.solve_rate[size_t(p) * last.levels.size() + l] / double(config.seeds);
    s.add("solve_rate|" + last.levels[l], solved);
  }
  s.print(global.json);
}

}  // namespace

void add_ued_command(CLI::App& app, const GlobalOptions& global) {
  auto o = std::make_shared<UedOptions>();
  CLI::App* cmd = app.add_subcommand(
      "ued-train", "Train maze students on a curriculum (dr, plr, robust_plr, accel) and evaluate them on the holdout mazes");
  cmd->add_option("CONFIG", o->config, "UED config (experiments/configs/ued_*.json); default: JaxUED's DR settings");
  cmd->add_option("--out", o->out, "Run directory (default runs/<config name>)");
  cmd->add_option("--updates", o->updates, "Override the number of updates")->transform(positive_count());
  cmd->add_option("--seeds", o->seeds, "Override the number of seeds (students trained in lockstep)")
      ->transform(positive_count());
  cmd->callback([o, &global] { run_ued_train(*o, global); });
}

}  // namespace lamarck::cli
