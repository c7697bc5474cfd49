// lamarck ued-train CONFIG [--out DIR] [--updates N] [--seeds N]: a maze student trained on a curriculum
// (domain randomisation, PLR, Robust PLR or ACCEL) and evaluated on the holdout mazes (meta/ued.h).
// lamarck ued-compare RUN_DIR... [--out DIR]: the holdout table of finished runs with Welch tests
// (meta/ued_compare.h). lamarck ued-study STUDY [--out DIR]: every run config of a study, then the
// comparison and the plots.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "cli/commands.h"
#include "cli/ued_plot_script.h"
#include "lamarck/core/config.h"
#include "lamarck/core/error.h"
#include "lamarck/core/progress.h"
#include "lamarck/core/serialize.h"
#include "lamarck/meta/ued.h"
#include "lamarck/meta/ued_compare.h"

namespace lamarck::cli {

bool is_ued_dir(const std::string& dir) {
  return std::filesystem::exists(dir + "/levels.csv") || std::filesystem::exists(dir + "/compare.csv");
}

void run_ued_plot(const std::string& dir, bool quiet) {
  if (!is_ued_dir(dir)) throw InvalidArgument("'" + dir + "' is not a UED run or study directory (no levels.csv or compare.csv)");
  std::filesystem::create_directories(dir + "/plots");
  write_file_atomic(dir + "/plots/plot_ued.py", kUedPlotScript);
  const std::string cmd = "/usr/bin/python3 '" + dir + "/plots/plot_ued.py' '" + dir + "'" + (quiet ? " >/dev/null 2>&1" : "");
  if (std::system(cmd.c_str()) != 0) throw Error("plotting failed (needs /usr/bin/python3 with matplotlib): " + cmd);
}

namespace {

// Plots at the end of a command: a failure (no matplotlib) is a warning, the run's files stand.
void plot_or_warn(const std::string& dir) {
  try {
    run_ued_plot(dir, true);
  } catch (const Error& e) {
    log_warn("%s", e.what());
  }
}

struct UedOptions {
  std::string config;
  std::string out;
  std::string resume;
  int64_t updates = 0;  // 0: the config's
  int64_t seeds = 0;
  bool no_plot = false;
};

meta::UedConfig load_ued_config(const std::string& path, const UedOptions& o) {
  meta::UedConfig config = path.empty() ? meta::UedConfig() : load_config<meta::UedConfig>(path);
  if (o.updates > 0) {
    config.trainer.num_updates = o.updates;
    config.eval_every = std::min(config.eval_every, o.updates);
  }
  if (o.seeds > 0) config.seeds = o.seeds;
  config.validate();
  return config;
}

meta::UedResult train_one(const meta::UedConfig& config, const std::string& out, const GlobalOptions& global,
                          bool resume = false) {
  Progress progress("ued " + config.curriculum, config.trainer.num_updates, "upd");
  if (global.quiet) progress.finish();
  auto advance = [&](int64_t, const rl::RecurrentTrainer& t) {
    if (global.quiet) return;
    double ret = 0;
    int64_t n = 0;
    for (const auto& s : t.last_stats())
      if (std::isfinite(s.episode_return)) {
        ret += s.episode_return;
        ++n;
      }
    progress.advance(1, n ? "return=" + std::to_string(ret / double(n)).substr(0, 6) : "");
  };
  if (resume) {
    const meta::UedResult r = meta::resume_ued(out, global.exec(), advance);
    if (!global.quiet) progress.finish();
    return r;
  }
  const meta::UedResult r = meta::run_ued(config, out, global.exec(), advance);
  if (!global.quiet) progress.finish();
  return r;
}

void run_ued_train(const UedOptions& o, const GlobalOptions& global) {
  const bool resume = !o.resume.empty();
  if (resume && (!o.config.empty() || !o.out.empty() || o.updates > 0 || o.seeds > 0))
    throw InvalidArgument("--resume DIR continues a run with the config it started with: give no CONFIG, --out, "
                          "--updates or --seeds");
  if (resume && !std::filesystem::exists(o.resume + "/config.json"))
    throw InvalidArgument("'" + o.resume + "' is not a UED run directory (no config.json to resume from)");
  const meta::UedConfig config = resume ? load_config<meta::UedConfig>(o.resume + "/config.json") : load_ued_config(o.config, o);
  const std::string out = resume ? o.resume
                          : !o.out.empty() ? o.out
                          : "runs/" + (o.config.empty() ? std::string("ued") : std::filesystem::path(o.config).stem().string());
  const meta::UedResult r = train_one(config, out, global, resume);
  if (r.evaluations.empty()) {  // a resumed run that had already finished
    Summary s("ued-train");
    s.add("out", out);
    s.add("finished", std::string("already (see summary.json)"));
    s.print(global.json);
    return;
  }
  if (!o.no_plot) plot_or_warn(out);
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

void print_comparison(const meta::UedComparison& c, const GlobalOptions& global, const std::string& out) {
  if (!global.json) {
    std::printf("%s", c.markdown().c_str());
    if (!out.empty()) std::printf("\nwritten: %s/compare.{md,csv,json}, %s/welch.csv\n", out.c_str(), out.c_str());
    return;
  }
  Summary s("ued-compare");
  if (!out.empty()) s.add("out", out);
  for (const meta::UedLevelSummary& x : c.summaries) {
    s.add(x.method + "|" + x.level + "|mean", x.mean);
    if (std::isfinite(x.ci95)) s.add(x.method + "|" + x.level + "|ci95", x.ci95);
    s.add(x.method + "|" + x.level + "|median", x.median);
  }
  for (const meta::UedWelchRow& w : c.welch)
    if (w.level == "mean" && std::isfinite(w.p)) s.add("welch_p|" + w.method_a + "|" + w.method_b, w.p);
  s.print(true);
}

struct CompareOptions {
  std::vector<std::string> runs;
  std::string out;
};

void run_ued_compare(const CompareOptions& o, const GlobalOptions& global) {
  std::vector<meta::UedRunEval> runs;
  for (const std::string& dir : o.runs) runs.push_back(meta::load_ued_run(dir));
  const meta::UedComparison c = meta::compare_ued_runs(runs);
  if (!o.out.empty()) {
    meta::write_ued_comparison(c, o.out);
    plot_or_warn(o.out);
  }
  print_comparison(c, global, o.out);
}

void run_ued_study(const UedOptions& o, const GlobalOptions& global) {
  const meta::UedStudyConfig study = load_config<meta::UedStudyConfig>(o.config);
  const std::filesystem::path base = std::filesystem::path(o.config).parent_path();
  // every run config is read and checked before the first run starts
  std::vector<std::pair<std::string, meta::UedConfig>> runs;
  for (const std::string& rel : study.runs) {
    const std::string path = std::filesystem::path(rel).is_absolute() ? rel : (base / rel).string();
    if (!std::filesystem::exists(path)) throw InvalidArgument(o.config + ": run config '" + rel + "' not found (looked for " + path + ")");
    runs.emplace_back(std::filesystem::path(path).stem().string(), load_ued_config(path, o));
  }
  const std::string out = !o.out.empty() ? o.out : "runs/" + std::filesystem::path(o.config).stem().string();
  std::vector<meta::UedRunEval> evals;
  for (const auto& [name, config] : runs) {
    const std::string dir = out + "/" + name;
    if (!global.quiet) log_info("study: %s (%s, %lld seeds x %lld updates) -> %s", name.c_str(), config.curriculum.c_str(),
                                (long long)config.seeds, (long long)config.trainer.num_updates, dir.c_str());
    train_one(config, dir, global);
    if (!o.no_plot) plot_or_warn(dir);
    evals.push_back(meta::load_ued_run(dir));
  }
  const meta::UedComparison c = meta::compare_ued_runs(evals);
  meta::write_ued_comparison(c, out);
  if (!o.no_plot) plot_or_warn(out);
  print_comparison(c, global, out);
}

}  // namespace

void add_ued_command(CLI::App& app, const GlobalOptions& global) {
  auto o = std::make_shared<UedOptions>();
  CLI::App* cmd = app.add_subcommand(
      "ued-train", "Train maze students on a curriculum (dr, plr, robust_plr, accel) and evaluate them on the holdout mazes");
  cmd->add_option("CONFIG", o->config, "UED config (experiments/configs/ued_*.json); default: JaxUED's DR settings");
  cmd->alias("ued");
  cmd->add_option("--out", o->out, "Run directory (default runs/<config name>)");
  cmd->add_option("--resume", o->resume, "Continue the run in this directory from its last checkpoint");
  cmd->add_option("--updates", o->updates, "Override the number of updates")->transform(positive_count());
  cmd->add_option("--seeds", o->seeds, "Override the number of seeds (students trained in lockstep)")
      ->transform(positive_count());
  cmd->add_flag("--no-plot", o->no_plot, "Do not write plots at the end");
  cmd->callback([o, &global] { run_ued_train(*o, global); });

  auto c = std::make_shared<CompareOptions>();
  CLI::App* compare = app.add_subcommand("ued-compare", "Holdout solve rates of finished UED runs side by side, with Welch tests");
  compare->add_option("RUN_DIR", c->runs, "Run directories of lamarck ued-train")->required();
  compare->add_option("--out", c->out, "Also write compare.{md,csv,json}, welch.csv and plots/compare.png here");
  compare->callback([c, &global] { run_ued_compare(*c, global); });

  auto st = std::make_shared<UedOptions>();
  CLI::App* study = app.add_subcommand("ued-study", "Train every run config of a UED study, then compare and plot them");
  study->add_option("STUDY", st->config, "Study config (experiments/configs/ued_study_*.json)")->required();
  study->add_option("--out", st->out, "Study directory (default runs/<study name>); run K goes to <out>/<its config name>");
  study->add_option("--updates", st->updates, "Override every run's number of updates")->transform(positive_count());
  study->add_option("--seeds", st->seeds, "Override every run's number of seeds")->transform(positive_count());
  study->add_flag("--no-plot", st->no_plot, "Do not write plots");
  study->callback([st, &global] { run_ued_study(*st, global); });
}

}  // namespace lamarck::cli
