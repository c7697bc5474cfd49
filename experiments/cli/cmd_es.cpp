// lamarck es: run a registered strategy on a benchmark function, with a progress bar, a CSV log per
// generation, a checkpoint, and a final summary; `lamarck es --list` lists strategies and problems.
// `--instances N` runs N independent instances of the strategy as one es::StrategyBatch (instance n's
// seed derived from --seed and n) and reports the spread of their results.
#include <cmath>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "lamarck/core/device_array.h"
#include "lamarck/core/error.h"
#include "lamarck/core/progress.h"
#include "lamarck/es/optimizer.h"
#include "lamarck/es/problems.h"
#include "lamarck/es/registry.h"

namespace lamarck::cli {
namespace {

struct EsArgs {
  bool list = false;
  std::string strategy, problem;
  int64_t dim = 0, popsize = 0, generations = 100, instances = 1;
  uint64_t seed = 0;
  double target = NAN, sigma = 1.0, x0 = 0.0, weight_decay = 0.0;
  bool has_target = false, shifted = false, rotated = false, maximize = false;
  std::string shaping, out;
  std::vector<std::string> set;  // key=value strategy options
};

std::map<std::string, double> parse_options(const std::vector<std::string>& items) {
  std::map<std::string, double> out;
  for (const std::string& item : items) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InvalidArgument("--set expects key=value, got '" + item + "'");
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "optimizer" && (value == "sgd" || value == "adam" || value == "clipup")) {
      out[key] = double(int(es::parse_optimizer(value)));
      continue;
    }
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !std::isfinite(v))
      throw InvalidArgument("--set " + key + ": '" + value + "' is not a number");
    out[key] = v;
  }
  return out;
}

void print_list(bool json) {
  Summary s("lamarck es --list");
  for (const auto& info : es::strategies()) s.add("strategy." + info.name, info.description);
  s.add("problems", join(es::problem_names()));
  s.print(json);
}

// DIR/log.csv with its header, when --out DIR was given (else a closed stream that writes nothing).
std::ofstream open_log(const std::string& out, const std::string& header) {
  std::ofstream csv;
  if (out.empty()) return csv;
  std::filesystem::create_directories(out);
  csv.open(out + "/log.csv");
  if (!csv) throw FileError("cannot write '" + out + "/log.csv'");
  csv << header << '\n';
  csv.precision(10);
  return csv;
}

// N instances as one StrategyBatch, on the CPU: every generation asks all of them, evaluates every row and
// tells each its own rows. Stops when every instance has reached --target (or converged); instances done
// early run on with the rest, so the summary takes each one's evaluations at the moment it reached
// --target. log.csv has a row per instance per generation; checkpoint.bin is the batch's
// (es::save_batch_checkpoint).
void run_es_batch(const EsArgs& a, const es::Settings& s, const es::Problem& problem, const GlobalOptions& global) {
  if (s.exec.device != Device::cpu) throw InvalidArgument("--instances runs on the CPU; drop --device or --instances");
  es::StrategyBatch batch(a.strategy, s, a.instances);
  const int64_t N = batch.instances(), D = a.dim;
  std::ofstream csv = open_log(a.out, "generation,instance,evaluations,best,sigma,nonfinite,pop_size");
  const auto done = [&](int64_t n) {
    const es::Strategy& m = batch.member(n);
    return (a.has_target && m.book().best_fitness <= a.target) || m.converged();
  };
  Progress progress("es " + a.strategy + " x" + std::to_string(N) + " on " + a.problem, a.generations, "gen");
  std::vector<float> pop, fitness;
  std::vector<int64_t> evals_to_target(static_cast<size_t>(N), -1);  // an instance's evaluations when it got there
  int64_t gen = 0;
  for (; gen < a.generations; ++gen) {
    const int64_t P = batch.total_pop_size();
    std::vector<int64_t> pops(static_cast<size_t>(N));
    for (int64_t n = 0; n < N; ++n) pops[size_t(n)] = batch.pop_size(n);
    pop.resize(size_t(P * D));
    fitness.resize(size_t(P));
    batch.ask(pop.data());
    problem.evaluate(s.exec, pop.data(), P, fitness.data());
    if (a.maximize)
      for (float& f : fitness) f = -f;
    batch.tell(pop.data(), fitness.data());
    double best = INFINITY;
    int64_t finished = 0;
    for (int64_t n = 0; n < N; ++n) {
      const es::Strategy& m = batch.member(n);
      best = std::min(best, m.book().best_fitness);
      finished += done(n);
      if (a.has_target && evals_to_target[size_t(n)] < 0 && m.book().best_fitness <= a.target)
        evals_to_target[size_t(n)] = m.book().evaluations;
      if (csv)
        csv << m.book().generation << ',' << n << ',' << m.book().evaluations << ',' << m.book().best_fitness << ','
            << m.step_size() << ',' << m.book().nonfinite << ',' << pops[size_t(n)] << '\n';
    }
    char status[96];
    std::snprintf(status, sizeof status, "best=%.4g done=%lld/%lld", best, (long long)finished, (long long)N);
    progress.advance(1, status);
    if (finished == N) {
      ++gen;
      break;
    }
  }
  progress.finish();
  if (!a.out.empty()) es::save_batch_checkpoint(a.out + "/checkpoint.bin", batch);

  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t k = v.size();
    return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
  };
  std::vector<double> bests, reached_evals;
  int64_t evaluations = 0, nonfinite = 0;
  for (int64_t n = 0; n < N; ++n) {
    const es::Bookkeeping& book = batch.member(n).book();
    bests.push_back(book.best_fitness);
    evaluations += book.evaluations;
    nonfinite += book.nonfinite;
    if (evals_to_target[size_t(n)] >= 0) reached_evals.push_back(double(evals_to_target[size_t(n)]));
  }
  std::sort(bests.begin(), bests.end());
  Summary sum("lamarck es");
  sum.add("strategy", a.strategy);
  sum.add("problem", a.problem);
  sum.add("dim", a.dim);
  sum.add("instances", N);
  sum.add("generations", gen);
  sum.add("evaluations", evaluations);
  sum.add("best_fitness", bests.front());
  sum.add("median_best_fitness", median(bests));
  sum.add("worst_best_fitness", bests.back());
  if (a.has_target) {
    sum.add("targets_reached", int64_t(reached_evals.size()));
    // of the instances that reached it (they run on until every instance is done; this is when each got there)
    if (!reached_evals.empty()) sum.add("median_evaluations_to_target", median(reached_evals));
  }
  sum.add("nonfinite", nonfinite);
  sum.add("seconds", progress.elapsed_s());
  if (!a.out.empty()) sum.add("out", a.out);
  sum.print(global.json);
}

void run_es(const EsArgs& a, const GlobalOptions& global) {
  if (a.strategy.empty()) throw InvalidArgument("--strategy is required (see lamarck es --list)");
  if (a.problem.empty()) throw InvalidArgument("--problem is required (see lamarck es --list)");
  if (a.dim <= 0) throw InvalidArgument("--dim must be positive, got " + std::to_string(a.dim));
  if (a.popsize < 0) throw InvalidArgument("--popsize must be positive, got " + std::to_string(a.popsize));
  if (a.generations <= 0) throw InvalidArgument("--generations must be positive, got " + std::to_string(a.generations));
  if (a.maximize && a.has_target)
    throw InvalidArgument("--target is a value to reach by minimisation; it cannot be combined with --maximize");
  const es::Problem problem(a.problem, a.dim, a.shifted, a.rotated, a.seed + 1);
  es::Settings s;
  s.dim = a.dim;
  s.pop_size = a.popsize;
  s.seed = a.seed;
  s.sigma_init = a.sigma;
  s.weight_decay = a.weight_decay;
  s.shaping = a.shaping;
  s.mean_init.assign(size_t(a.dim), float(a.x0));
  s.options = parse_options(a.set);
  s.exec = global.exec();
  // benchmark functions are minimised; --maximize negates them (to exercise the other direction)
  s.direction = a.maximize ? es::Direction::maximize : es::Direction::minimize;
  if (a.instances > 1) return run_es_batch(a, s, problem, global);
  auto strategy = es::make_strategy(a.strategy, s);

  std::ofstream csv = open_log(a.out, "generation,evaluations,best,gen_best,gen_mean,sigma,nonfinite,pop_size");
  Progress progress("es " + a.strategy + " on " + a.problem, a.generations, "gen");
  std::vector<float> host, fitness;
  DeviceArray<float> device_pop;
  int64_t gen = 0;
  bool reached = false;
  for (; gen < a.generations; ++gen) {
    const int64_t P = strategy->pop_size(), D = a.dim;
    host.resize(size_t(P * D));
    fitness.resize(size_t(P));
    float* pop = host.data();
    if (s.exec.device != Device::cpu) {
      if (device_pop.size() != P * D) device_pop = DeviceArray<float>(P * D, s.exec.device);
      pop = device_pop.data();
    }
    strategy->ask(pop);
    if (pop != host.data()) device_pop.copy_to_host(host.data(), P * D);
    problem.evaluate(s.exec, host.data(), P, fitness.data());
    if (a.maximize)
      for (float& f : fitness) f = -f;
    const es::TellInfo info = strategy->tell(pop, fitness.data());
    const es::Bookkeeping& book = strategy->book();
    if (csv)
      csv << book.generation << ',' << book.evaluations << ',' << book.best_fitness << ',' << info.gen_best << ','
          << info.gen_mean << ',' << strategy->step_size() << ',' << info.nonfinite << ',' << P << '\n';
    char status[96];
    std::snprintf(status, sizeof status, "best=%.4g sigma=%.3g", book.best_fitness, strategy->step_size());
    progress.advance(1, status);
    reached = a.has_target && book.best_fitness <= a.target;
    if (reached || strategy->converged()) {
      ++gen;
      break;
    }
  }
  progress.finish();
  if (!a.out.empty()) es::save_checkpoint(a.out + "/checkpoint.bin", *strategy);

  const es::Bookkeeping& book = strategy->book();
  Summary sum("lamarck es");
  sum.add("strategy", a.strategy);
  sum.add("problem", a.problem);
  sum.add("dim", a.dim);
  sum.add("pop_size", strategy->pop_size());
  sum.add("generations", gen);
  sum.add("evaluations", book.evaluations);
  sum.add("best_fitness", book.best_fitness);
  sum.add("sigma", strategy->step_size());
  sum.add("nonfinite", book.nonfinite);
  if (a.has_target) sum.add("target_reached", reached);
  sum.add("converged", strategy->converged());
  for (const auto& [key, value] : strategy->stats()) sum.add(key, value);
  sum.add("seconds", progress.elapsed_s());
  if (!a.out.empty()) sum.add("out", a.out);
  sum.print(global.json);
}

}  // namespace

void add_es_command(CLI::App& app, const GlobalOptions& global) {
  auto args = std::make_shared<EsArgs>();
  CLI::App* cmd = app.add_subcommand("es", "Run an evolution strategy on a benchmark function");
  cmd->add_flag("--list", args->list, "List the strategies and problems");
  cmd->add_option("--strategy", args->strategy, "Strategy name (see --list)");
  cmd->add_option("--problem", args->problem, "Benchmark function (see --list)");
  cmd->add_option("--dim", args->dim, "Number of parameters D");
  cmd->add_option("--popsize", args->popsize, "Candidates per generation (0 = the strategy's default)");
  cmd->add_option("--generations", args->generations, "Generations to run (default 100)")->transform(positive_count());
  cmd->add_option("--seed", args->seed, "Random seed");
  cmd->add_option("--instances", args->instances, "Independent instances run as one batch (default 1)")
      ->transform(positive_count());
  cmd->add_option("--target", args->target, "Stop when the best fitness is <= this value");
  cmd->add_option("--sigma", args->sigma, "Initial search scale (default 1)");
  cmd->add_option("--x0", args->x0, "Initial mean: every coordinate set to this value (default 0)");
  cmd->add_option("--shaping", args->shaping, "Fitness shaping: identity, z_score, centered_rank, rank_weights");
  cmd->add_option("--weight-decay", args->weight_decay, "L2 penalty on candidates added to the loss");
  cmd->add_flag("--shifted", args->shifted, "Shift the optimum (BBOB convention)");
  cmd->add_flag("--rotated", args->rotated, "Rotate the function (BBOB convention)");
  cmd->add_flag("--maximize", args->maximize, "Maximise the negated function (tests the other direction)");
  cmd->add_option("--set", args->set, "Strategy option key=value (repeatable), e.g. --set lr=0.05");
  cmd->add_option("--out", args->out, "Directory for log.csv and checkpoint.bin");
  cmd->callback([args, cmd, &global] {
    args->has_target = cmd->count("--target") > 0;
    if (args->list) {
      print_list(global.json);
      return;
    }
    run_es(*args, global);
  });
}

}  // namespace lamarck::cli
