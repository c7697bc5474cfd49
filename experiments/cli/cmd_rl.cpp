// lamarck train: PPO/A2C on one env for K seeds trained in lockstep as one population; learning curves
// to CSV, final return mean and 95% interval across seeds.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "cli/commands.h"
#include "lamarck/core/config.h"
#include "lamarck/core/progress.h"
#include "lamarck/core/serialize.h"
#include "lamarck/core/stats.h"
#include "lamarck/rl/trainer.h"
#include "lamarck/learned_objectives/objective_file.h"
#include "lamarck/learned_objectives/rl_rules.h"

namespace lamarck::cli {

namespace {

struct TrainOptions {
  std::string env, algo, config, out;
  std::string objective;  // a discovered-objective file (or a built-in rule name) as the update rule
  int64_t seeds = 1;
  int64_t total_steps = 0;
  uint64_t seed = 0;
  bool seed_set = false;
};

void run_train(const TrainOptions& o, const GlobalOptions& global) {
  rl::TrainConfig cfg;
  if (!o.config.empty()) cfg = load_config<rl::TrainConfig>(o.config);
  if (!o.env.empty()) cfg.env = o.env;
  if (!o.algo.empty()) cfg.algo = o.algo;
  if (o.total_steps > 0) cfg.total_timesteps = o.total_steps;
  if (o.seed_set) cfg.seed = o.seed;
  if (o.seeds < 1) throw InvalidArgument("--seeds must be >= 1, got " + std::to_string(o.seeds));
  cfg.validate();

  const Exec exec = global.exec();
  std::shared_ptr<const rl::UpdateRule> rule;
  if (!o.objective.empty()) {
    objectives::Rule r = objectives::rule_from_name_or_file(o.objective);
    // a built-in rule by name takes the config's clip epsilon (as evaluate does); a file keeps its own
    if (!std::filesystem::exists(o.objective)) r.constants.clip_eps = float(cfg.clip_eps);
    rule = objectives::make_update_rule(r);
  }
  rl::Trainer trainer(cfg, o.seeds, exec, {}, rule);
  const int64_t updates = trainer.max_updates();
  log_info("train %s %s: %lld seeds x %lld updates x %lld steps", cfg.env.c_str(), cfg.algo.c_str(),
           (long long)o.seeds, (long long)updates, (long long)(cfg.num_envs * cfg.num_steps));
  Progress progress("train " + cfg.env, updates * cfg.num_envs * cfg.num_steps, "steps");
  // per update and seed: episodes ended, their mean return, and the update's loss terms
  std::ostringstream metrics;
  metrics << "update,seed,episodes,episode_return,policy_loss,value_loss,entropy,approx_kl,clip_frac\n";
  trainer.run([&](int64_t n) {
    if (n == 0 || n > updates) return;
    for (int64_t p = 0; p < o.seeds; ++p) {
      const rl::UpdateStats& st = trainer.last_stats()[size_t(p)];
      metrics << n << "," << p << "," << st.episodes << ",";
      if (st.episodes > 0) metrics << st.episode_return;
      metrics << "," << st.loss.policy << "," << st.loss.value << "," << st.loss.entropy << "," << st.loss.approx_kl
              << "," << st.loss.clip_frac << "\n";
    }
    double sum = 0;
    int64_t count = 0;
    for (int64_t p = 0; p < o.seeds; ++p) {
      const auto& c = trainer.curve(p);
      if (!c.empty() && !std::isnan(c.back())) {
        sum += c.back();
        ++count;
      }
    }
    std::ostringstream status;
    if (count > 0) status << "return=" << std::fixed << std::setprecision(1) << sum / double(count);
    if (global.quiet) return;
    progress.advance(cfg.num_envs * cfg.num_steps, status.str());
  });
  progress.finish();
  const double wall = progress.elapsed_s();

  // final return across seeds: mean and 95% interval
  const std::vector<double> finals = trainer.final_returns();
  const MeanInterval final_interval = mean_interval(finals);
  const double mean = final_interval.mean, half = final_interval.half_width;
  const int64_t K = int64_t(finals.size());

  if (!o.out.empty()) {
    std::filesystem::create_directories(o.out);
    std::ostringstream csv;
    csv << "update,env_steps";
    for (int64_t p = 0; p < K; ++p) csv << ",seed_" << p;
    csv << "\n";
    for (int64_t n = 0; n < updates; ++n) {
      csv << n + 1 << "," << (n + 1) * cfg.num_envs * cfg.num_steps;
      for (int64_t p = 0; p < K; ++p) {
        const auto& c = trainer.curve(p);
        csv << ",";
        if (n < int64_t(c.size()) && !std::isnan(c[size_t(n)])) csv << c[size_t(n)];
      }
      csv << "\n";
    }
    write_file_atomic(o.out + "/curves.csv", csv.str());
    write_file_atomic(o.out + "/metrics.csv", metrics.str());
    write_file_atomic(o.out + "/config.json", config_to_json(cfg) + "\n");
  }

  Summary s("train");
  s.add("env", cfg.env);
  s.add("algo", cfg.algo);
  s.add("rule", rule ? rule->name() : trainer.config().rule);  // the rule the agents trained with
  s.add("policy_step", std::string(trainer.policy_step()));  // "auto" resolved for this device and network
  s.add("seeds", K);
  s.add("steps_per_seed", trainer.env_steps_per_agent());
  s.add("wall_time_s", wall);
  s.add("steps_per_second", double(trainer.env_steps_per_agent()) * double(K) / wall);
  // env steps undone because an action or reward was not finite (box-action envs; each cut an episode)
  s.add("diverged_env_steps", trainer.env().diverged_steps());
  s.add("final_return_mean", mean);
  s.add("final_return_ci95_low", mean - half);
  s.add("final_return_ci95_high", mean + half);
  std::ostringstream per;
  for (int64_t p = 0; p < K; ++p) per << (p ? " " : "") << std::fixed << std::setprecision(2) << finals[size_t(p)];
  s.add("final_returns", per.str());
  if (!o.out.empty()) {
    s.add("out", o.out);
    write_file_atomic(o.out + "/summary.json", s.to_json() + "\n");
  }
  s.print(global.json);
}

}  // namespace

void add_rl_command(CLI::App& app, const GlobalOptions& global) {
  auto opts = std::make_shared<TrainOptions>();
  CLI::App* cmd = app.add_subcommand("train", "Train PPO/A2C agents on an env (K seeds in lockstep)");
  cmd->add_option("--env", opts->env, "Env name (see `lamarck envs list`); overrides the config's");
  cmd->add_option("--algo", opts->algo, "ppo or a2c")->check(CLI::IsMember({"ppo", "a2c"}));
  cmd->add_option("--seeds", opts->seeds, "Number of seeds (agents trained in lockstep)")->transform(positive_count());
  cmd->add_option("--total-steps", opts->total_steps, "Env steps per seed; overrides the config's")
      ->transform(positive_count());
  cmd->add_option("--config", opts->config, "JSON run config (experiments/configs/*.json)");
  cmd->add_option("--out", opts->out, "Directory for curves.csv, metrics.csv, config.json, summary.json");
  cmd->add_option("--objective", opts->objective,
                  "Train with a discovered objective (file from lamarck meta-train) or a rule by name (" +
                      join(objectives::rule_names(), ", ") + ")");
  cmd->add_option("--seed", opts->seed, "Base seed; overrides the config's")->each([opts](const std::string&) {
    opts->seed_set = true;
  });
  cmd->callback([opts, &global] { run_train(*opts, global); });
}

}  // namespace lamarck::cli
