#include "lamarck/meta/meta_trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "lamarck/core/config.h"
#include "lamarck/core/error.h"
#include "lamarck/core/progress.h"
#include "lamarck/core/rng.h"
#include "lamarck/core/serialize.h"
#include "lamarck/es/registry.h"
#include "lamarck/learned_objectives/rl_rules.h"

namespace lamarck::meta {

namespace {
constexpr const char* kCheckpointKind = "meta_checkpoint";
// 2: evaluation rows keep per-agent values; 3: the task sampler's name and state; 4: search instances (the
// ES state of a StrategyBatch, logs per instance)
constexpr uint32_t kCheckpointVersion = 4;

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }


std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::unique_ptr<es::StrategyBatch> make_es(const MetaConfig& c, objectives::RuleKind kind, const Exec& exec) {
  const int64_t dim = objectives::rule_num_params(kind);
  es::Settings s;
  s.dim = dim;
  s.pop_size = c.pop_size;
  s.direction = es::Direction::maximize;
  s.seed = c.seed;
  s.sigma_init = c.sigma;
  s.shaping = c.shaping;
  s.mean_init = objectives::search_init(kind, c.seed);  // drift ≡ 0 (PPO-clip), not a saddle
  if (c.strategy == "open_es") {
    s.options["lr"] = c.lr;
    s.options["sigma_decay"] = c.sigma_decay;
    s.options["lr_decay"] = c.lr_decay;
  }
  for (const EsOption& o : c.es_options) s.options[o.name] = o.value;
  s.exec = Exec{Device::cpu, exec.threads};
  return std::make_unique<es::StrategyBatch>(c.strategy, s, c.instances);
}
}  // namespace

MetaTrainer::MetaTrainer(MetaConfig config, std::string run_dir, Exec exec, std::unique_ptr<TaskSampler> sampler)
    : MetaTrainer(std::move(config), std::move(run_dir), exec, std::move(sampler), false) {}

MetaTrainer::MetaTrainer(MetaConfig config, std::string run_dir, Exec exec, std::unique_ptr<TaskSampler> sampler,
                         bool resuming)
    : config_(std::move(config)), run_dir_(std::move(run_dir)), exec_(exec), sampler_(std::move(sampler)) {
  config_.validate();
  if (!sampler_) sampler_ = make_default_task_sampler(config_);
  state_.sampler_name = sampler_->name();
  state_.sampler_state = sampler_->state();
  state_.instances.assign(size_t(config_.instances), InstanceLog{});
  objectives::register_rl_rules();
  kind_ = objectives::parse_rule(config_.rule);
  es_ = make_es(config_, kind_, exec_);
  objectives::Rule rule;
  rule.kind = kind_;
  rule.constants.clip_eps = float(config_.inner.clip_eps);
  rule.theta.assign(size_t(objectives::rule_num_params(kind_)), 0.0f);
  rule_ = objectives::make_update_rule(rule);
  if (resuming) return;
  std::filesystem::create_directories(run_dir_);
  if (std::filesystem::exists(run_dir_ + "/checkpoint.bin"))
    throw InvalidArgument("run directory '" + run_dir_ + "' already holds a run: continue it with --resume " +
                          run_dir_ + ", or choose another --out");
  write_file_atomic(run_dir_ + "/config.json", config_to_json(config_));
  if (config_.instances > 1)
    for (int64_t k = 0; k < config_.instances; ++k) {
      std::filesystem::create_directories(instance_dir(k));
      write_file_atomic(instance_dir(k) + "/config.json", config_to_json(config_));
    }
  std::ofstream(run_dir_ + "/timing.jsonl", std::ios::trunc);
}

std::unique_ptr<MetaTrainer> MetaTrainer::resume(const std::string& run_dir, Exec exec,
                                                 std::unique_ptr<TaskSampler> sampler) {
  const std::string ckpt = run_dir + "/checkpoint.bin";
  if (!std::filesystem::exists(ckpt))
    throw InvalidArgument("'" + run_dir + "' has no checkpoint.bin to resume from");
  MetaConfig config = load_meta_config(run_dir + "/config.json");
  std::unique_ptr<MetaTrainer> t(new MetaTrainer(std::move(config), run_dir, exec, std::move(sampler), true));
  const std::string sampler_name = t->state_.sampler_name;
  uint32_t format = 0;
  load_binary_with(ckpt, kCheckpointKind, VersionRange(2, kCheckpointVersion),
                   [&](cereal::PortableBinaryInputArchive& ar, uint32_t version) {
                     format = version;
                     if (version >= 4) {
                       ar(t->state_);
                     } else {
                       t->state_.load_single(ar, version);
                       // written before task samplers: the default's
                       if (version < 3) t->state_.sampler_name = make_default_task_sampler(t->config_)->name();
                     }
                   });
  if (int64_t(t->state_.instances.size()) != t->config_.instances)
    throw InvalidArgument("'" + ckpt + "' holds " + std::to_string(t->state_.instances.size()) +
                          " search instances, but its config.json asks for " + std::to_string(t->config_.instances));
  if (t->state_.sampler_name != sampler_name)
    throw InvalidArgument("'" + run_dir + "' was run with the task sampler '" + t->state_.sampler_name +
                          "'; resume it with that sampler, not '" + sampler_name + "'");
  t->sampler_->restore(t->state_.sampler_state);
  if (format >= 4) t->es_->restore_bytes(t->state_.es_state);
  else t->es_->member(0).restore_bytes(t->state_.es_state);  // one strategy's state (instances = 1)
  // timing lines of generations after the checkpoint are re-done
  std::vector<std::string> kept;
  {
    std::ifstream in(run_dir + "/timing.jsonl");
    std::string line;
    const std::string key = "{\"generation\":";
    while (std::getline(in, line))
      if (line.rfind(key, 0) == 0 && std::stoll(line.substr(key.size())) <= t->state_.generation) kept.push_back(line);
  }
  write_file_atomic(run_dir + "/timing.jsonl", join_lines(kept));
  t->write_outputs();
  log_info("resuming '%s' after generation %lld", run_dir.c_str(), (long long)t->state_.generation);
  return t;
}

std::string MetaTrainer::instance_dir(int64_t instance) const {
  if (instance < 0 || instance >= config_.instances)
    throw InvalidArgument("instance " + std::to_string(instance) + " of a run of " + std::to_string(config_.instances));
  return config_.instances == 1 ? run_dir_ : run_dir_ + "/instance_" + std::to_string(instance);
}

objectives::Rule MetaTrainer::mean_rule(int64_t instance) const {
  objectives::Rule rule;
  rule.kind = kind_;
  rule.constants.clip_eps = float(config_.inner.clip_eps);
  rule.theta = es_->member(instance).mean();
  return rule;
}

std::vector<AgentTask> MetaTrainer::sample_tasks(int64_t g) const {
  const int64_t P = es_->total_pop_size();
  std::vector<AgentTask> tasks = sampler_->sample(g, P);
  std::vector<bool> covered(size_t(P), false);
  for (const AgentTask& t : tasks) {
    if (t.row < 0 || t.row >= P)
      throw InvalidArgument(sampler_->name() + ": task for candidate " + std::to_string(t.row) + " of " +
                            std::to_string(P));
    covered[size_t(t.row)] = true;
  }
  for (int64_t i = 0; i < P; ++i)
    if (!covered[size_t(i)]) throw InvalidArgument(sampler_->name() + ": no task for candidate " + std::to_string(i));
  return tasks;
}

std::vector<float> MetaTrainer::score(const std::vector<AgentTask>& tasks, const InnerResult& result) const {
  const int64_t P = es_->total_pop_size();
  std::vector<double> sum(static_cast<size_t>(P), 0.0);
  std::vector<int64_t> count(static_cast<size_t>(P), 0);
  for (size_t t = 0; t < tasks.size(); ++t) {
    const size_t i = size_t(tasks[t].row);
    sum[i] += result.final_return[t] / config_.baseline(tasks[t].env);  // NaN propagates: worst
    ++count[i];
  }
  std::vector<float> fitness(static_cast<size_t>(P));
  for (int64_t i = 0; i < P; ++i) fitness[size_t(i)] = float(sum[size_t(i)] / double(count[size_t(i)]));
  return fitness;
}

void MetaTrainer::run_generation() {
  const auto start = Clock::now();
  GenerationTiming timing;
  const int64_t g = state_.generation;
  // ask
  auto t = Clock::now();
  std::vector<float> population(size_t(es_->total_pop_size() * es_->dim()));
  es_->ask(population.data());
  timing.es_seconds += since(t);
  // train and score
  const std::vector<AgentTask> tasks = sample_tasks(g);
  const InnerResult result = inner_loop_ ? inner_loop_(tasks, population.data(), es_->dim())
                                         : train_tasks(exec_, config_.inner, rule_, tasks, population.data(),
                                                       es_->dim(), config_.agents_per_trainer);
  if (result.final_return.size() != tasks.size())
    throw InvalidArgument("the inner loop returned " + std::to_string(result.final_return.size()) +
                          " final returns for " + std::to_string(tasks.size()) + " tasks");
  timing.inner_seconds = result.seconds;
  timing.env_steps = result.env_steps;
  const std::vector<float> fitness = score(tasks, result);
  sampler_->update(g, tasks, result);
  state_.sampler_state = sampler_->state();
  // tell
  t = Clock::now();
  std::vector<int64_t> first(size_t(config_.instances) + 1);  // each instance's rows, before a restart resizes
  for (int64_t k = 0; k <= config_.instances; ++k) first[size_t(k)] = es_->offset(k);
  const std::vector<es::TellInfo> info = es_->tell(population.data(), fitness.data());
  timing.es_seconds += since(t);
  ++state_.generation;
  state_.env_steps += result.env_steps;
  state_.diverged += result.diverged;
  for (int64_t k = 0; k < config_.instances; ++k)
    log_generation(k, info[size_t(k)],
                   std::vector<float>(fitness.begin() + first[size_t(k)], fitness.begin() + first[size_t(k) + 1]));
  // evaluate, write, checkpoint
  const bool last = state_.generation == config_.generations;
  if (last || (config_.eval_every > 0 && state_.generation % config_.eval_every == 0)) {
    t = Clock::now();
    evaluate_mean();
    timing.eval_seconds = since(t);
  }
  write_outputs();
  if (last || state_.generation % config_.checkpoint_every == 0) checkpoint();
  timing.seconds = since(start);
  append_timing(timing);
}

void MetaTrainer::log_generation(int64_t k, const es::TellInfo& info, const std::vector<float>& fitness) {
  const es::Strategy& es = es_->member(k);
  double worst = std::numeric_limits<double>::infinity();
  for (float f : fitness)
    if (std::isfinite(f)) worst = std::min(worst, double(f));
  const std::vector<float> mean = es.mean();
  double sq = 0.0;
  for (float m : mean) sq += double(m) * m;
  JsonLine line;
  line.add("generation", state_.generation).add("fitness_mean", info.gen_mean).add("fitness_best", info.gen_best);
  line.add("fitness_worst", worst).add("nonfinite", info.nonfinite);
  line.add("best_so_far", es.book().has_best ? double(es.book().best_fitness) : std::nan(""));
  line.add("sigma", double(es.step_size())).add("mean_norm", std::sqrt(sq));
  state_.instances[size_t(k)].metrics.push_back(line.str());
}

void MetaTrainer::evaluate_mean() {
  const std::vector<int64_t> horizons = config_.eval_horizons();
  if (config_.eval_ppo && state_.ppo_eval.empty()) {
    objectives::Rule ppo;
    ppo.kind = objectives::RuleKind::ppo_clip;
    ppo.constants.clip_eps = float(config_.inner.clip_eps);
    state_.ppo_eval = evaluate_rule(exec_, config_.inner, ppo, "ppo_clip", config_.envs, horizons,
                                    config_.eval_seeds, config_.seed, config_, &state_.env_steps);
    for (InstanceLog& log : state_.instances)
      for (const EvalRow& r : state_.ppo_eval) log.evals.push_back(eval_row_json(r, state_.generation));
  }
  // every instance's mean candidate, trained together on the same held-out tasks
  const int64_t K = config_.instances;
  std::vector<objectives::Rule> means;
  for (int64_t k = 0; k < K; ++k) means.push_back(mean_rule(k));
  const std::vector<std::vector<EvalRow>> rows =
      evaluate_rules(exec_, config_.inner, means, std::vector<std::string>(size_t(K), "mean"), config_.envs, horizons,
                     config_.eval_seeds, config_.seed, config_, &state_.env_steps);
  std::vector<EvalRow> table = state_.ppo_eval;
  for (int64_t k = 0; k < K; ++k) {
    InstanceLog& log = state_.instances[size_t(k)];
    log.last_eval = rows[size_t(k)];
    for (const EvalRow& r : log.last_eval) {
      log.evals.push_back(eval_row_json(r, state_.generation, matching_ppo_row(state_.ppo_eval, r)));
      table.push_back(r);
      if (K > 1) table.back().objective = "mean (instance " + std::to_string(k) + ")";
    }
  }
  log_info("held-out evaluation after generation %lld:\n%s", (long long)state_.generation, eval_table(table).c_str());
}

void MetaTrainer::write_outputs() {
  for (int64_t k = 0; k < config_.instances; ++k) {
    const InstanceLog& log = state_.instances[size_t(k)];
    const es::Strategy& es = es_->member(k);
    const std::string dir = instance_dir(k);
    write_file_atomic(dir + "/metrics.jsonl", join_lines(log.metrics));
    write_file_atomic(dir + "/eval.jsonl", join_lines(log.evals));
    objectives::Provenance p;
    p.source = "meta-train";
    p.config = config_to_json(config_);
    p.generation = state_.generation;
    p.candidate = config_.instances == 1 ? "mean" : "mean (instance " + std::to_string(k) + ")";
    if (!log.last_eval.empty()) {
      double sum = 0.0;
      for (const EvalRow& r : log.last_eval) sum += r.norm_mean;
      p.fitness = sum / double(log.last_eval.size());
      p.has_fitness = std::isfinite(p.fitness);
      if (!p.has_fitness) p.fitness = 0.0;
    }
    const objectives::DiscoveredObjective mean = objectives::make_objective(mean_rule(k), p);
    objectives::save_objective(dir + "/objective_mean.json", mean);
    objectives::save_objective(dir + "/objective_mean.lmk", mean);
    if (es.book().has_best) {
      objectives::Rule best = mean_rule(k);
      best.theta = es.book().best_x;
      p.candidate = config_.instances == 1 ? "best" : "best (instance " + std::to_string(k) + ")";
      p.has_fitness = true;
      p.fitness = es.book().best_fitness;
      objectives::save_objective(dir + "/objective_best.json", objectives::make_objective(best, p));
    }
  }
}

void MetaTrainer::checkpoint() {
  state_.es_state = es_->state_bytes();
  save_binary(run_dir_ + "/checkpoint.bin", kCheckpointKind, kCheckpointVersion, state_);
}

void MetaTrainer::append_timing(const GenerationTiming& t) {
  timings_.push_back(t);
  std::ofstream out(run_dir_ + "/timing.jsonl", std::ios::app);
  JsonLine line;
  line.add("generation", state_.generation).add("seconds", t.seconds).add("es_seconds", t.es_seconds);
  line.add("inner_seconds", t.inner_seconds).add("eval_seconds", t.eval_seconds).add("env_steps", t.env_steps);
  line.add("steps_per_s", double(t.env_steps) / std::max(t.inner_seconds, 1e-9));
  out << line.str() << "\n";
}

void MetaTrainer::run(int64_t until) {
  const int64_t target = until < 0 ? config_.generations : std::min(until, config_.generations);
  Progress progress("meta-train", target - state_.generation, "gen", 10.0);
  while (state_.generation < target) {
    run_generation();
    const std::string& m = state_.instances[0].metrics.back();  // instance 0's line
    progress.advance(1, m.substr(m.find("\"fitness_mean\""), 48));
  }
  progress.finish();
}

}  // namespace lamarck::meta
