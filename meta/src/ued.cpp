// UED runs on the maze (ued.h).
#include "lamarck/meta/ued.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <tuple>

#include "lamarck/core/config.h"
#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"
#include "lamarck/core/serialize.h"
#include "lamarck/envs/maze/levels.h"
#include "lamarck/envs/maze/maze.h"
#include "lamarck/envs/render.h"
#include "lamarck/envs/registry.h"

namespace lamarck::meta {

void UedConfig::validate() const {
  check_config(*this, "ued config");
  trainer.validate();
  if (n_walls > level_width * level_height - 2)
    throw InvalidArgument("n_walls = " + std::to_string(n_walls) + " leaves no room for the agent and the goal in a " +
                          std::to_string(level_width) + " x " + std::to_string(level_height) + " level (at most " +
                          std::to_string(level_width * level_height - 2) + ")");
  for (const std::string& name : holdouts) envs::maze::holdout_level(name);  // unknown names: the nearest
  if (mutation_criterion != "batch" && trainer.num_envs % mutation_subsample != 0)
    throw InvalidArgument("mutation_subsample (" + std::to_string(mutation_subsample) + ") must divide trainer.num_envs (" +
                          std::to_string(trainer.num_envs) + "): each parent gets the same number of children");
  check_config(sampler, "ued config: sampler");
}

namespace {

std::string fmt(double x) {
  if (!std::isfinite(x)) return "nan";
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", x);
  return b;
}

std::string json_number(double x) { return std::isfinite(x) ? fmt(x) : "null"; }

constexpr size_t kBufferLevelsLogged = 16;  // per list and evaluation in buffer.jsonl

// An episode of the maze replayed from its actions (the maze's dynamics are deterministic) and drawn a frame
// per step, as an animated GIF.
void write_rollout_gif(const envs::maze::Layout& level, const std::vector<int32_t>& actions, const std::string& path) {
  using envs::maze::Maze;
  Maze::Params p;
  static_cast<envs::maze::Layout&>(p) = level;
  Maze::State st;
  Philox unused(derive_key(0, 0, 0, 0));
  Maze::reset(p, st, unused);
  envs::GifEncoder gif(12);
  gif.add_frame(envs::maze::draw_level(level, st.x, st.y, st.dir, 12));
  for (int32_t a : actions) {
    const envs::Transition t = Maze::step(p, st, &a, unused);
    gif.add_frame(envs::maze::draw_level(level, st.x, st.y, st.dir, 12));
    if (t.terminated) break;
  }
  gif.write(path);
}

}  // namespace

namespace {

constexpr const char* kCheckpointKind = "ued_checkpoint";
constexpr uint32_t kCheckpointVersion = 1;

struct UedCheckpoint {
  int64_t update = 0;
  std::string trainer, curriculum;
  template <class A>
  void serialize(A& ar) {
    ar(update, trainer, curriculum);
  }
};

// The lines of a log file written up to `update` (lines start with the update number; buffer.jsonl's with
// {"update": N); the header is kept.
std::string lines_up_to(const std::string& path, int64_t update, bool header) {
  if (!std::filesystem::exists(path)) return "";
  std::istringstream in(read_file(path));
  std::string line, out;
  bool first = true;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (header && first) {
      out += line + "\n";
      first = false;
      continue;
    }
    first = false;
    const size_t at = line.find_first_of("0123456789");
    if (at == std::string::npos || std::stoll(line.substr(at)) <= update) out += line + "\n";
  }
  return out;
}

UedResult run(const UedConfig& config, const std::string& run_dir, const Exec& exec,
              const std::function<void(int64_t, const rl::RecurrentTrainer&)>& on_update, bool resume) {
  config.validate();
  const std::string ckpt_path = run_dir + "/checkpoint.bin";
  if (!resume) {
    if (std::filesystem::exists(ckpt_path))
      throw InvalidArgument("run directory '" + run_dir + "' already holds a run: continue it with --resume " + run_dir +
                            ", or choose another --out");
    std::filesystem::create_directories(run_dir);
    write_file_atomic(run_dir + "/config.json", config_to_json(config));
  }
  const auto start = std::chrono::steady_clock::now();
  const int64_t P = config.seeds, E = config.trainer.num_envs;
  auto env = envs::make_env("Maze", P * E, exec);
  std::unique_ptr<Curriculum> curriculum = make_curriculum(config, P, E);
  curriculum->initial_levels(*env);
  rl::RecurrentTrainer trainer(config.trainer, P, exec, std::move(env), curriculum->episode_hook());
  std::vector<std::string> holdout_json;
  for (const std::string& name : config.holdouts) holdout_json.push_back(envs::maze::level_json(envs::maze::holdout_level(name)));

  UedResult result;
  std::ostringstream train_csv, eval_csv, levels_csv, buffer_jsonl;
  train_csv << "update,env_steps,gradient_steps,seed,episode_return,episodes,policy_loss,value_loss,entropy,approx_kl\n";
  levels_csv << "update,env_steps,gradient_steps,seed,branch,learned,levels,walls,shortest_path,solvable,optimal_return,"
                "score,mean_return,true_regret,buffer_size,buffer_max_score,buffer_mean_score,buffer_weighted_score,buffer_score_q25,"
                "buffer_score_median,buffer_score_q75,buffer_passable_mass,buffer_mutation_depth,dr_updates,"
                "replay_updates,mutation_updates\n";
  eval_csv << "update,env_steps,gradient_steps,seed,level,solve_rate,mean_return\n";
  if (resume && std::filesystem::exists(ckpt_path)) {
    UedCheckpoint c;
    load_binary_with(ckpt_path, kCheckpointKind, VersionRange(1, kCheckpointVersion),
                     [&](cereal::PortableBinaryInputArchive& ar, uint32_t) { ar(c); });
    trainer.restore_bytes(c.trainer);
    curriculum->restore(c.curriculum);
    if (trainer.updates_done() != c.update) throw FileError("'" + ckpt_path + "': inconsistent update count");
    // the logs as they were at the checkpoint (a crash may have left later lines)
    for (auto [stream, name, header] : {std::tuple{&train_csv, "train.csv", true}, std::tuple{&levels_csv, "levels.csv", true},
                                        std::tuple{&eval_csv, "eval.csv", true}, std::tuple{&buffer_jsonl, "buffer.jsonl", false}}) {
      const std::string kept = lines_up_to(run_dir + "/" + name, c.update, header);
      if (!kept.empty()) {
        stream->str("");
        *stream << kept;
      }
    }
  }
  auto write_logs = [&] {
    if (!buffer_jsonl.str().empty()) write_file_atomic(run_dir + "/buffer.jsonl", buffer_jsonl.str());
    write_file_atomic(run_dir + "/levels.csv", levels_csv.str());
    write_file_atomic(run_dir + "/eval.csv", eval_csv.str());
    write_file_atomic(run_dir + "/train.csv", train_csv.str());
  };
  // the logs first, then the checkpoint: a crash between them leaves lines that resume drops
  auto checkpoint = [&] {
    write_logs();
    UedCheckpoint c;
    c.update = trainer.updates_done();
    c.trainer = trainer.state_bytes();
    c.curriculum = curriculum->state();
    save_binary(ckpt_path, kCheckpointKind, kCheckpointVersion, c);
  };
  auto evaluate = [&] {
    const bool last = trainer.updates_done() == config.trainer.num_updates;
    std::vector<std::vector<int32_t>> first_actions;
    const rl::LevelEvaluation ev = trainer.evaluate(holdout_json, config.eval_episodes, config.eval_max_steps,
                                                    config.trainer.seed * 1000003ull + uint64_t(trainer.updates_done()),
                                                    last ? &first_actions : nullptr);
    // the student at the end: seed 0's first attempt at every holdout, replayed and drawn
    if (last) {
      std::filesystem::create_directories(run_dir + "/plots/rollouts");
      for (size_t l = 0; l < config.holdouts.size(); ++l)
        write_rollout_gif(envs::maze::holdout_level(config.holdouts[l]), first_actions[l],
                          run_dir + "/plots/rollouts/" + config.holdouts[l] + ".gif");
    }
    UedEvaluation u;
    u.update = trainer.updates_done();
    u.env_steps = trainer.env_steps_per_agent();
    for (int64_t p = 0; p < P; ++p) u.gradient_steps += trainer.gradient_steps(p);
    u.gradient_steps /= P;  // the mean over seeds (Robust PLR and ACCEL seeds differ)
    u.levels = config.holdouts;
    u.solve_rate = ev.solve_rate;
    u.mean_return = ev.mean_return;
    const int64_t L = ev.L;
    std::vector<double> seed_return;
    for (int64_t p = 0; p < P; ++p) {
      double s = 0, r = 0;
      for (int64_t l = 0; l < L; ++l) {
        s += ev.solve_rate[size_t(p * L + l)] / double(L);
        r += ev.mean_return[size_t(p * L + l)] / double(L);
        eval_csv << u.update << ',' << u.env_steps << ',' << trainer.gradient_steps(p) << ',' << p << ',' << config.holdouts[size_t(l)]
                 << ',' << fmt(ev.solve_rate[size_t(p * L + l)]) << ',' << fmt(ev.mean_return[size_t(p * L + l)]) << '\n';
      }
      u.seed_solve_rate.push_back(s);
      seed_return.push_back(r);
    }
    u.solve_rate_interval = mean_interval(u.seed_solve_rate);
    u.return_interval = mean_interval(seed_return);
    result.evaluations.push_back(u);
    // summary of this (latest) evaluation
    std::ostringstream j;
    j << "{\n  \"curriculum\": \"" << config.curriculum << "\",\n  \"seeds\": " << P << ",\n  \"updates\": " << u.update
      << ",\n  \"env_steps_per_seed\": " << u.env_steps << ",\n  \"gradient_steps_per_seed\": " << u.gradient_steps
      << ",\n  \"eval_episodes\": " << config.eval_episodes << ",\n  \"solve_rate_mean\": "
      << json_number(u.solve_rate_interval.mean) << ",\n  \"solve_rate_ci95\": " << json_number(u.solve_rate_interval.half_width)
      << ",\n  \"return_mean\": " << json_number(u.return_interval.mean)
      << ",\n  \"return_ci95\": " << json_number(u.return_interval.half_width) << ",\n  \"levels\": {";
    for (int64_t l = 0; l < L; ++l) {
      std::vector<double> s, r;
      for (int64_t p = 0; p < P; ++p) {
        s.push_back(ev.solve_rate[size_t(p * L + l)]);
        r.push_back(ev.mean_return[size_t(p * L + l)]);
      }
      const MeanInterval si = mean_interval(s), ri = mean_interval(r);
      j << (l ? "," : "") << "\n    \"" << config.holdouts[size_t(l)] << "\": {\"solve_rate\": " << json_number(si.mean)
        << ", \"solve_rate_ci95\": " << json_number(si.half_width) << ", \"return\": " << json_number(ri.mean)
        << ", \"return_ci95\": " << json_number(ri.half_width) << "}";
    }
    j << "\n  }\n}\n";
    // the buffer's best-weighted and best-scored levels (replay curricula)
    for (int64_t p = 0; p < P; ++p) {
      std::vector<Curriculum::BufferEntry> entries = curriculum->buffer(p);
      if (entries.empty()) continue;
      auto list = [&](const char* name) {
        buffer_jsonl << ", \"" << name << "\": [";
        for (size_t k = 0; k < entries.size() && k < kBufferLevelsLogged; ++k)
          buffer_jsonl << (k ? ", " : "") << "{\"score\": " << json_number(entries[k].score)
                       << ", \"weight\": " << json_number(entries[k].weight) << ", \"level\": " << entries[k].level << "}";
        buffer_jsonl << "]";
      };
      std::vector<double> scores;
      for (const auto& e : entries) scores.push_back(e.score);
      buffer_jsonl << "{\"update\": " << u.update << ", \"seed\": " << p << ", \"size\": " << entries.size()
                   << ", \"score_quantiles\": [";
      for (int k = 0; k <= 20; ++k) buffer_jsonl << (k ? ", " : "") << json_number(quantile(scores, k / 20.0));
      buffer_jsonl << "]";
      list("top_weighted");
      std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
      list("top_scored");
      buffer_jsonl << "}\n";
    }
    write_file_atomic(run_dir + "/summary.json", j.str());
  };
  std::vector<uint8_t> learn(static_cast<size_t>(P), 1);
  for (int64_t u = trainer.updates_done(); u < config.trainer.num_updates; ++u) {
    curriculum->before_update(u, trainer, learn);
    trainer.update(learn.data());
    curriculum->after_update(u, trainer);
    for (int64_t p = 0; p < P; ++p) {
      const CurriculumTelemetry& t = curriculum->telemetry()[size_t(p)];
      levels_csv << trainer.updates_done() << ',' << trainer.env_steps_per_agent() << ',' << trainer.gradient_steps(p) << ','
                 << p << ',' << t.branch << ',' << int(t.learned) << ',' << t.levels << ',' << fmt(t.walls) << ','
                 << fmt(t.shortest_path) << ',' << fmt(t.solvable) << ',' << fmt(t.optimal_return) << ',' << fmt(t.score)
                 << ',' << fmt(t.mean_return) << ',' << fmt(t.true_regret) << ',' << t.buffer_size << ',' << fmt(t.buffer_max_score) << ',' << fmt(t.buffer_mean_score) << ','
                 << fmt(t.buffer_weighted_score) << ',' << fmt(t.buffer_score_q25) << ',' << fmt(t.buffer_score_median)
                 << ',' << fmt(t.buffer_score_q75) << ',' << fmt(t.buffer_passable_mass) << ','
                 << fmt(t.buffer_mutation_depth) << ',' << t.dr_updates << ',' << t.replay_updates << ','
                 << t.mutation_updates << '\n';
    }
    for (int64_t p = 0; p < P; ++p) {
      const rl::RecurrentUpdateStats& s = trainer.last_stats()[size_t(p)];
      train_csv << trainer.updates_done() << ',' << trainer.env_steps_per_agent() << ','
                << trainer.gradient_steps(p) << ',' << p << ',' << fmt(s.episode_return) << ',' << s.episodes << ','
                << fmt(s.loss.policy) << ',' << fmt(s.loss.value) << ',' << fmt(s.loss.entropy) << ','
                << fmt(s.loss.approx_kl) << '\n';
    }
    if (on_update) on_update(trainer.updates_done(), trainer);
    const int64_t done = trainer.updates_done();
    const bool eval_now = done % config.eval_every == 0 || done == config.trainer.num_updates;
    if (eval_now) evaluate();
    if (eval_now || (config.checkpoint_every > 0 && done % config.checkpoint_every == 0)) checkpoint();
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace

UedResult run_ued(const UedConfig& config, const std::string& run_dir, const Exec& exec,
                  const std::function<void(int64_t, const rl::RecurrentTrainer&)>& on_update) {
  return run(config, run_dir, exec, on_update, false);
}

UedResult resume_ued(const std::string& run_dir, const Exec& exec,
                     const std::function<void(int64_t, const rl::RecurrentTrainer&)>& on_update) {
  if (!std::filesystem::exists(run_dir + "/config.json"))
    throw InvalidArgument("'" + run_dir + "' is not a UED run directory (no config.json to resume from)");
  const UedConfig config = load_config<UedConfig>(run_dir + "/config.json");
  return run(config, run_dir, exec, on_update, true);
}

}  // namespace lamarck::meta
