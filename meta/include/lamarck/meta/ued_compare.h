// Comparing UED runs (ued.h) on their holdout levels, as DCD's results/plot_eval_bars.py and
// TeachMyAgent's Welch tests do: per method and level the mean solve rate over seeds with its 95%
// interval, the median and interquartile range, and Welch's t-test between every pair of methods.
//
// A run is read from its directory: config.json (the curriculum names the method; runs sharing one are
// named by their directory) and eval.csv (each seed's last evaluation).
//
// A study (`lamarck ued-study`) is a list of run configs trained one after another into one directory,
// then compared. Its files: compare.md (the table), compare.csv (method, level, n, mean, ci95, median,
// q25, q75, and the mean return), welch.csv (level, method_a, method_b, mean_a, mean_b, t, dof, p) and
// compare.json (all of it), each written atomically.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lamarck::meta {

struct UedRunEval {
  std::string dir, method;
  int64_t update = 0, env_steps = 0;  // per seed, at the last evaluation
  double gradient_steps = 0;          // per seed, the mean over seeds
  std::vector<std::string> levels;
  int64_t seeds = 0;
  std::vector<double> solve_rate, mean_return;  // (levels, seeds)
  std::vector<double> seed_solve_rate, seed_return;  // (seeds): the mean over levels
};

// Reads a run directory; InvalidArgument (naming the file) when it is not a finished-evaluation UED run.
UedRunEval load_ued_run(const std::string& dir);

struct UedLevelSummary {
  std::string method, level;  // level "mean": the per-seed mean over levels
  int64_t n = 0;
  double mean = 0, ci95 = 0, median = 0, q25 = 0, q75 = 0, return_mean = 0;
};
struct UedWelchRow {
  std::string level, method_a, method_b;
  double mean_a = 0, mean_b = 0, t = 0, dof = 0, p = 0;
};
struct UedComparison {
  std::vector<UedRunEval> runs;
  std::vector<UedLevelSummary> summaries;  // per run: its levels, then "mean"
  std::vector<UedWelchRow> welch;          // per level and "mean", every pair of runs
  std::string markdown() const;            // the table (mean ± ci95, median [q25, q75]) and the tests
};

// Runs must share their holdout levels (InvalidArgument otherwise); methods get unique names.
UedComparison compare_ued_runs(std::vector<UedRunEval> runs);
// compare.md, compare.csv, welch.csv, compare.json into out_dir (created).
void write_ued_comparison(const UedComparison& c, const std::string& out_dir);

// A study: run configs (paths relative to the study file), trained in order.
struct UedStudyConfig {
  std::vector<std::string> runs;
  template <class V>
  void fields(V& v) {
    v("runs", runs).non_empty();
  }
};

}  // namespace lamarck::meta
