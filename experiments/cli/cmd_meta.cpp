// lamarck meta-train CONFIG [--out DIR] [--resume DIR]: discover an update rule by evolution.
// lamarck evaluate --objective FILE [--baselines ppo,dpo,...] --envs ... --horizons ...: compare rules.
// lamarck plot RUN_DIR: PNG plots of a run (meta-training curve, evaluation bars, drift surfaces).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "cli/commands.h"
#include "lamarck/core/config.h"
#include "lamarck/core/progress.h"
#include "lamarck/core/serialize.h"
#include "lamarck/learned_objectives/objective_file.h"
#include "lamarck/learned_objectives/rl_rules.h"
#include "lamarck/meta/meta_trainer.h"
#include "cli/plot_script.h"

namespace lamarck::cli {

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

// The drift surface of a rule over (r, Â) at several training-progress values, as CSV for the plot.
void write_drift_surface(const objectives::Rule& rule, const std::string& path, double log_horizon) {
  std::ostringstream csv;
  csv << "progress,r,adv,drift,loss\n";
  for (double progress : {0.0, 0.25, 0.5, 0.75, 1.0})
    for (int i = 0; i <= 40; ++i)
      for (int j = 0; j <= 40; ++j) {
        const double r = 0.5 + 1.0 * i / 40.0, adv = -2.0 + 4.0 * j / 40.0;
        const auto s = objectives::rule_at(rule, r, adv, progress, log_horizon);
        csv << progress << "," << r << "," << adv << "," << s.drift << "," << s.loss << "\n";
      }
  write_file_atomic(path, csv.str());
}

void run_plot(const std::string& dir, bool quiet) {
  if (is_ued_dir(dir)) {
    run_ued_plot(dir, quiet);
    return;
  }
  // a run of several search instances: each instance_K/ is laid out like a run of one
  if (!std::filesystem::exists(dir + "/metrics.jsonl") && std::filesystem::exists(dir + "/instance_0/metrics.jsonl")) {
    for (int64_t k = 0; std::filesystem::exists(dir + "/instance_" + std::to_string(k) + "/metrics.jsonl"); ++k)
      run_plot(dir + "/instance_" + std::to_string(k), quiet);
    return;
  }
  if (!std::filesystem::exists(dir + "/metrics.jsonl"))
    throw InvalidArgument("'" + dir + "' is not a meta-training run directory (no metrics.jsonl)");
  std::filesystem::create_directories(dir + "/plots");
  const meta::MetaConfig config = meta::load_meta_config(dir + "/config.json");
  const objectives::Rule rule = objectives::load_rule(dir + "/objective_mean.json");
  const int64_t steps_per_update = config.inner.num_envs * config.inner.num_steps;
  const double log_h = std::log(double(std::max<int64_t>(1, config.max_timesteps / steps_per_update)));
  write_drift_surface(rule, dir + "/plots/drift_surface.csv", log_h);
  write_file_atomic(dir + "/plots/plot_run.py", kPlotScript);
  const std::string cmd = "/usr/bin/python3 '" + dir + "/plots/plot_run.py' '" + dir + "'" + (quiet ? " >/dev/null" : "");
  if (std::system(cmd.c_str()) != 0)
    throw Error("plotting failed (needs /usr/bin/python3 with matplotlib): " + cmd);
}

struct MetaTrainOptions {
  std::string config, out, resume;
  int64_t generations = 0;
  bool no_plot = false;
};

void add_eval_summary(Summary& s, const std::vector<meta::EvalRow>& rows, const std::string& prefix) {
  for (const meta::EvalRow& r : rows) {
    const std::string key = prefix + "_" + r.env + "@" + std::to_string(r.timesteps);
    char text[128];
    std::snprintf(text, sizeof(text), "%.3f [%.3f, %.3f] (return %.1f)", r.norm_mean, r.norm_lo, r.norm_hi, r.mean);
    s.add(key, std::string(text));
  }
}

void run_meta_train(const MetaTrainOptions& o, const GlobalOptions& global) {
  const Exec exec = global.exec();
  std::unique_ptr<meta::MetaTrainer> trainer;
  if (!o.resume.empty()) {
    trainer = meta::MetaTrainer::resume(o.resume, exec);
  } else {
    if (o.config.empty()) throw InvalidArgument("meta-train needs a CONFIG file (or --resume DIR)");
    meta::MetaConfig config = meta::load_meta_config(o.config);
    if (o.generations > 0) config.generations = o.generations;
    const std::string out = o.out.empty() ? "runs/" + std::filesystem::path(o.config).stem().string() : o.out;
    trainer = std::make_unique<meta::MetaTrainer>(config, out, exec);
  }
  const auto& c = trainer->config();
  log_info("meta-train %s: %s over %lld params, population %lld, %lld generations, envs %s, %lld-%lld steps per agent",
           trainer->run_dir().c_str(), c.rule.c_str(), (long long)trainer->strategy().dim(), (long long)c.pop_size,
           (long long)c.generations, join(c.envs).c_str(), (long long)c.min_timesteps, (long long)c.max_timesteps);
  trainer->run();

  double seconds = 0, es_seconds = 0, inner_seconds = 0;
  int64_t steps = 0;
  for (const auto& t : trainer->timings()) {
    seconds += t.seconds;
    es_seconds += t.es_seconds;
    inner_seconds += t.inner_seconds;
    steps += t.env_steps;
  }
  if (!o.no_plot) {
    try {
      run_plot(trainer->run_dir(), true);
    } catch (const Error& e) {
      log_warn("%s", e.what());
    }
  }
  const auto& st = trainer->state();
  const int64_t K = c.instances;
  Summary s("meta-train");
  s.add("run_dir", trainer->run_dir());
  if (K == 1) {
    s.add("objective", trainer->objective_path());
    s.add("plots", trainer->run_dir() + "/plots");
  } else {
    s.add("instances", K);
    s.add("objectives", trainer->run_dir() + "/instance_*/objective_mean.json");
    s.add("plots", trainer->run_dir() + "/instance_*/plots");
  }
  s.add("rule", c.rule);
  s.add("generations", st.generation);
  s.add("agent_env_steps", st.env_steps);
  s.add("diverged_agents", st.diverged);
  s.add("wall_time_s", seconds);
  s.add("train_steps_per_second", inner_seconds > 0 ? double(steps) / inner_seconds : 0.0);
  s.add("es_fraction_of_generation", seconds > 0 ? es_seconds / seconds : 0.0);
  add_eval_summary(s, st.ppo_eval, "heldout_ppo");
  if (K == 1) {
    add_eval_summary(s, st.instances[0].last_eval, "heldout_mean");
  } else {
    // how reliably the config discovers: the spread over instances of the mean candidate's held-out score
    // (normalised, averaged over envs and horizons) and how many beat PPO-clip on the paired tasks
    std::vector<double> scores;
    int64_t beat_ppo = 0, evaluated = 0;
    for (int64_t k = 0; k < K; ++k) {
      const std::vector<meta::EvalRow>& rows = st.instances[size_t(k)].last_eval;
      add_eval_summary(s, rows, "heldout_mean_instance_" + std::to_string(k));
      if (rows.empty()) continue;
      double sum = 0.0;
      bool above = !st.ppo_eval.empty();
      for (const meta::EvalRow& r : rows) {
        sum += r.norm_mean;
        const meta::EvalRow* ppo = meta::matching_ppo_row(st.ppo_eval, r);
        const MeanInterval d = ppo ? meta::paired_difference(r, *ppo) : MeanInterval{};
        above = above && ppo && std::isfinite(d.half_width) && d.mean - d.half_width > 0.0;
      }
      scores.push_back(sum / double(rows.size()));
      beat_ppo += above ? 1 : 0;
      ++evaluated;
    }
    if (!scores.empty()) {
      std::sort(scores.begin(), scores.end());
      const size_t n = scores.size();
      const double median = n % 2 ? scores[n / 2] : 0.5 * (scores[n / 2 - 1] + scores[n / 2]);
      char text[128];
      std::snprintf(text, sizeof(text), "median %.3f, range [%.3f, %.3f] over %zu instances", median, scores.front(),
                    scores.back(), n);
      s.add("heldout_mean_over_instances", std::string(text));
      if (!st.ppo_eval.empty())
        s.add("instances_above_ppo", std::to_string(beat_ppo) + " of " + std::to_string(evaluated) +
                                         " (paired 95% interval above 0 on every env and horizon)");
    }
  }
  s.print(global.json);
}

struct EvaluateOptions {
  std::vector<std::string> objectives;
  std::string baselines = "ppo", envs, horizons, config, out;
  int64_t seeds = 8;
  uint64_t seed = 12345;
};

void run_evaluate(const EvaluateOptions& o, const GlobalOptions& global) {
  const Exec exec = global.exec();
  meta::MetaConfig config;
  if (!o.config.empty()) config = meta::load_meta_config(o.config);
  const std::vector<std::string> envs = o.envs.empty() ? config.envs : split(o.envs, ',');
  std::vector<int64_t> horizons = parse_int_list(o.horizons, "--horizons", 1, int64_t(1) << 50);
  if (horizons.empty()) horizons = config.eval_horizons();
  for (const auto& env : envs) config.baseline(env);  // every env needs a normalising value
  objectives::register_rl_rules();
  std::vector<std::pair<std::string, objectives::Rule>> rules;
  // any rule of the table by name (lpo / ta_lpo: the PPO-initialised zero network), "ppo" for ppo_clip
  std::vector<std::string> choices = objectives::rule_names();
  choices.insert(choices.begin(), "ppo");
  choices.push_back("none");
  for (const auto& b : split(o.baselines, ',')) {
    const std::string name = b == "ppo" ? "ppo_clip" : b;
    if (std::find(choices.begin(), choices.end(), name) == choices.end()) throw_unknown_choice("baseline", b, choices);
    if (name == "none") continue;
    objectives::Rule r = objectives::rule_from_name_or_file(name);
    r.constants.clip_eps = float(config.inner.clip_eps);
    rules.emplace_back(name, r);
  }
  for (const auto& path : o.objectives) rules.emplace_back(path, objectives::load_rule(path));
  if (rules.empty()) throw InvalidArgument("nothing to evaluate: give --objective FILE and/or --baselines");
  std::vector<meta::EvalRow> rows;
  int64_t steps = 0;
  for (const auto& [label, rule] : rules) {
    log_info("evaluating %s on %s, %zu horizons x %lld seeds", label.c_str(), join(envs).c_str(), horizons.size(),
             (long long)o.seeds);
    const auto r = meta::evaluate_rule(exec, config.inner, rule, label, envs, horizons, o.seeds, o.seed, config, &steps);
    rows.insert(rows.end(), r.begin(), r.end());
  }
  if (!o.out.empty()) {
    std::string lines;
    for (const auto& r : rows) lines += meta::eval_row_json(r, -1, meta::matching_ppo_row(rows, r)) + "\n";
    write_file_atomic(o.out, lines);
  }
  if (global.json) {
    Summary s("evaluate");
    for (const auto& r : rows) {
      const std::string key = r.objective + "|" + r.env + "@" + std::to_string(r.timesteps);
      s.add(key + "|mean", r.mean).add(key + "|lo", r.lo).add(key + "|hi", r.hi);
      s.add(key + "|norm_mean", r.norm_mean).add(key + "|norm_lo", r.norm_lo).add(key + "|norm_hi", r.norm_hi);
      if (const meta::EvalRow* ppo = meta::matching_ppo_row(rows, r); ppo && ppo != &r) {
        const meta::MeanInterval d = meta::paired_difference(r, *ppo);
        s.add(key + "|vs_ppo_mean", d.mean).add(key + "|vs_ppo_lo", d.mean - d.half_width);
        s.add(key + "|vs_ppo_hi", d.mean + d.half_width);
      }
    }
    s.print(true);
  } else {
    std::printf("%s", meta::eval_table(rows).c_str());
  }
}

}  // namespace

void add_meta_command(CLI::App& app, const GlobalOptions& global) {
  auto mt = std::make_shared<MetaTrainOptions>();
  CLI::App* train = app.add_subcommand("meta-train", "Discover an RL objective (LPO/TA-LPO) by evolution strategies");
  train->add_option("CONFIG", mt->config, "Meta-training config (experiments/configs/*.json)");
  train->add_option("--out", mt->out, "Run directory (default runs/<config name>)");
  train->add_option("--resume", mt->resume, "Continue the run in this directory from its checkpoint");
  train->add_option("--generations", mt->generations, "Override the config's number of generations")
      ->transform(positive_count());
  train->add_flag("--no-plot", mt->no_plot, "Do not write plots at the end");
  train->callback([mt, &global] { run_meta_train(*mt, global); });

  auto ev = std::make_shared<EvaluateOptions>();
  CLI::App* eval = app.add_subcommand("evaluate", "Final returns of objectives and baselines per env and horizon");
  eval->add_option("--objective", ev->objectives, "Discovered-objective file(s)");
  eval->add_option("--baselines", ev->baselines,
                   "Rules by name to compare (comma-separated): ppo, " + join(objectives::rule_names(), ", ") +
                       " or none");
  eval->add_option("--envs", ev->envs, "Envs (comma-separated; default the config's)");
  eval->add_option("--horizons", ev->horizons, "Env steps per agent (comma-separated; default the config's)");
  eval->add_option("--seeds", ev->seeds, "Agents per env and horizon")->transform(positive_count());
  eval->add_option("--seed", ev->seed, "Seed of the evaluation tasks");
  eval->add_option("--config", ev->config, "Meta-training config for inner PPO settings and baselines");
  eval->add_option("--out", ev->out, "Write the rows as JSON lines to this file");
  eval->callback([ev, &global] { run_evaluate(*ev, global); });

  auto dir = std::make_shared<std::string>();
  CLI::App* plot = app.add_subcommand("plot", "PNG plots of a meta-training run, a UED run or a UED study into RUN_DIR/plots");
  plot->add_option("RUN_DIR", *dir, "Run directory")->required();
  plot->callback([dir, &global] {
    run_plot(*dir, global.quiet);
    Summary s("plot");
    s.add("plots", *dir + "/plots");
    s.print(global.json);
  });
}

}  // namespace lamarck::cli
