// lamarck envs list | bench | render: the registered environments, their batched throughput, and
// PNG frames of a rollout.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "cli/commands.h"
#include "lamarck/core/device_array.h"
#include "lamarck/core/error.h"
#include "lamarck/core/progress.h"
#include "lamarck/core/rng.h"
#include "lamarck/envs/registry.h"
#include "lamarck/envs/render.h"

namespace lamarck::cli {
namespace {

using envs::BatchEnv;
using envs::Space;

// `count` pre-drawn random action batches (drawing is not part of the measured time).
struct ActionBank {
  std::vector<std::vector<int32_t>> discrete;
  std::vector<std::vector<float>> box;
  ActionBank(const envs::Spec& spec, int64_t n, int count, uint64_t seed) {
    for (int k = 0; k < count; ++k) {
      Philox rng(derive_key(seed, 0x62656e63, 0, uint64_t(k)));
      if (spec.action.kind == Space::Kind::discrete) {
        std::vector<int32_t> a(static_cast<size_t>(n));
        for (auto& x : a) x = int32_t(rng.below(uint32_t(spec.action.n)));
        discrete.push_back(std::move(a));
      } else {
        std::vector<float> a(static_cast<size_t>(n * spec.action.size()));
        for (size_t i = 0; i < a.size(); ++i) {
          const size_t j = i % size_t(spec.action.size());
          a[i] = rng.uniform(spec.action.low[j], spec.action.high[j]);
        }
        box.push_back(std::move(a));
      }
    }
  }
  size_t size() const { return discrete.empty() ? box.size() : discrete.size(); }
};

// Actions on the env's device (host copies for the CPU).
struct DeviceActions {
  std::vector<DeviceArray<int32_t>> discrete;
  std::vector<DeviceArray<float>> box;
  DeviceActions(const ActionBank& bank, Device d) {
    for (const auto& a : bank.discrete) discrete.emplace_back(a, d);
    for (const auto& a : bank.box) box.emplace_back(a, d);
  }
  void step(BatchEnv& env, size_t k) const {
    if (!discrete.empty())
      env.step(discrete[k % discrete.size()].data());
    else
      env.step(box[k % box.size()].data());
  }
};

// Steps per second of `env` over `steps` batched steps (after a short warm-up).
// The roofline of writing observations: bytes/s of one thread's memset over a buffer of `bytes` (the size
// of the batch's observation rows, so it stays in the same level of the cache hierarchy), best of 5.
double memset_bytes_per_second(size_t bytes) {
  std::vector<char> buffer(bytes);
  double best = 0;
  for (int trial = 0; trial < 5; ++trial) {
    const auto start = std::chrono::steady_clock::now();
    int64_t rounds = 0;
    double seconds = 0;
    do {
      std::memset(buffer.data(), int(rounds & 0x7f), bytes);
      asm volatile("" : : "r"(buffer.data()) : "memory");  // keep every memset
      ++rounds;
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (seconds < 0.02);
    best = std::max(best, double(rounds) * double(bytes) / seconds);
  }
  return best;
}

double measure(BatchEnv& env, const DeviceActions& actions, int64_t steps, uint64_t seed) {
  env.reset(seed);
  for (size_t k = 0; k < 3; ++k) actions.step(env, k);
  synchronize(env.exec());
  const auto start = std::chrono::steady_clock::now();
  for (int64_t t = 0; t < steps; ++t) actions.step(env, size_t(t));
  synchronize(env.exec());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return double(steps) * double(env.num_envs()) / seconds;
}

std::vector<int32_t> parse_action_list(const std::string& text) {
  std::vector<int32_t> out;
  for (int64_t a : parse_int_list(text, "--actions", 0, INT32_MAX)) out.push_back(int32_t(a));
  return out;
}

}  // namespace

void add_envs_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* envs_cmd = app.add_subcommand("envs", "Batched environments: list, bench, render");
  envs_cmd->require_subcommand(1);

  // ---- list ----
  CLI::App* list = envs_cmd->add_subcommand("list", "List the registered environments");
  list->callback([&global] {
    Summary s("envs");
    for (const auto& name : envs::env_names()) s.add(name, envs::env_description(name));
    s.print(global.json);
  });

  // ---- bench ----
  struct BenchOptions {
    std::string env = "CartPole-v1";
    int64_t batch = 4096;
    int64_t steps = 1000;
    std::string params;
    bool no_reference = false;
  };
  auto bench_opts = std::make_shared<BenchOptions>();
  CLI::App* bench = envs_cmd->add_subcommand(
      "bench", "Batched steps/s of an env, against the plain per-instance kernel on the same device");
  bench->add_option("--env", bench_opts->env, "Env name (see `lamarck envs list`)");
  bench->add_option("--batch", bench_opts->batch, "Instances stepped per call")->transform(positive_count());
  bench->add_option("--steps", bench_opts->steps, "Batched steps to time")->transform(positive_count());
  bench->add_option("--params", bench_opts->params, "JSON overriding the env's Params");
  bench->add_flag("--no-reference", bench_opts->no_reference, "Skip the comparison loop");
  bench->callback([&global, bench_opts] {
    const BenchOptions& o = *bench_opts;
    const Exec exec = global.exec();
    auto env = envs::make_env(o.env, o.batch, exec, o.params);
    const ActionBank bank(env->spec(), o.batch, 16, 1);
    const DeviceActions actions(bank, exec.device);
    log_info("envs bench: %s, %lld envs x %lld steps on %s (%d CPU threads)", o.env.c_str(),
             static_cast<long long>(o.batch), static_cast<long long>(o.steps), device_name(exec.device),
             cpu_threads(exec));
    const double fast = measure(*env, actions, o.steps, 1);
    Summary s("envs bench");
    s.add("env", o.env);
    s.add("device", device_name(exec.device));
    s.add("threads", exec.device == Device::cpu ? int64_t(cpu_threads(exec)) : int64_t(0));
    s.add("batch", o.batch);
    s.add("steps", o.steps);
    s.add("steps_per_second", fast);
    if (exec.device == Device::cpu) {
      // observation writes against one core's memset bandwidth (per thread)
      const double obs_bytes = double(env->spec().observation.size()) * sizeof(float);
      const double roofline = memset_bytes_per_second(size_t(o.batch * env->spec().observation.size()) * sizeof(float));
      s.add("observation_bytes_per_second", fast * obs_bytes);
      s.add("memset_bytes_per_second_one_thread", roofline);
      s.add("observation_write_fraction_per_thread", fast * obs_bytes / (roofline * cpu_threads(exec)));
    }
    if (!o.no_reference) {
      // the comparison loop: the plain per-instance kernel (one env at a time, auto-reset inline)
      auto plain = envs::make_reference_env(o.env, o.batch, exec, o.params);
      const double ref = measure(*plain, actions, std::max<int64_t>(1, o.steps / 4), 1);
      s.add("reference_steps_per_second", ref);
      s.add("speedup_vs_reference", fast / ref);
    }
    s.print(global.json);
  });

  // ---- render ----
  struct RenderOptions {
    std::string env = "MinAtar/Breakout";
    int64_t steps = 50;
    std::string out = "frames";
    uint64_t seed = 0;
    std::string actions;
    std::string params;
    std::string level;
    std::string gif;
    int gif_delay = 10;
  };
  auto render_opts = std::make_shared<RenderOptions>();
  CLI::App* render = envs_cmd->add_subcommand("render", "PNG frames (and optionally an animated GIF) of a random (or given) rollout of one env");
  render->add_option("--env", render_opts->env, "Env name (see `lamarck envs list`)");
  render->add_option("--steps", render_opts->steps, "Steps to render")->transform(positive_count());
  render->add_option("--out", render_opts->out, "Output directory (created)");
  render->add_option("--seed", render_opts->seed, "Seed of the env and the random actions");
  render->add_option("--actions", render_opts->actions,
                     "Comma-separated discrete actions to play (repeated as needed); default random");
  render->add_option("--params", render_opts->params, "JSON overriding the env's Params");
  render->add_option("--level", render_opts->level,
                     "The level to play, as text (envs with a text form: the maze's prefab string, rows joined by "
                     "'|', or a holdout name such as Labyrinth)");
  render->add_option("--gif", render_opts->gif, "Also write the frames as one animated GIF to this file");
  render->add_option("--gif-delay", render_opts->gif_delay, "GIF frame delay in hundredths of a second")
      ->check(CLI::Range(1, 65535));
  render->callback([&global, render_opts] {
    const RenderOptions& o = *render_opts;
    auto env = envs::make_env(o.env, 1, Exec{Device::cpu, 1}, o.params);
    if (!o.level.empty()) env->set_levels({0}, {envs::level_from_text(o.env, o.level)});
    const envs::Spec& spec = env->spec();
    const std::vector<int32_t> given = parse_action_list(o.actions);
    if (!given.empty() && spec.action.kind != Space::Kind::discrete)
      throw InvalidArgument("--actions: " + o.env + " has a continuous action space");
    for (int32_t a : given)
      if (a < 0 || a >= spec.action.n)
        throw InvalidArgument("--actions: action " + std::to_string(a) + " is outside [0, " +
                              std::to_string(spec.action.n) + ") for " + o.env);
    std::filesystem::create_directories(o.out);
    if (!o.gif.empty() && std::filesystem::path(o.gif).has_parent_path())
      std::filesystem::create_directories(std::filesystem::path(o.gif).parent_path());
    env->reset(o.seed);
    Philox rng(derive_key(o.seed, 0x72656e64, 0, 0));
    int64_t episodes = 0;
    double total_reward = 0;
    Progress progress("render", o.steps, "frames");
    auto frame_path = [&](int64_t t) {
      char name[32];
      std::snprintf(name, sizeof(name), "frame_%05lld.png", static_cast<long long>(t));
      return (std::filesystem::path(o.out) / name).string();
    };
    envs::GifEncoder gif(o.gif_delay);
    auto emit = [&](int64_t t, const float* obs) {
      const envs::Image frame = envs::render_observation(spec, obs);
      envs::write_png(frame_path(t), frame);
      if (!o.gif.empty()) gif.add_frame(frame);
    };
    emit(0, env->observations());
    for (int64_t t = 0; t < o.steps; ++t) {
      if (spec.action.kind == Space::Kind::discrete) {
        const int32_t a = given.empty() ? int32_t(rng.below(uint32_t(spec.action.n))) : given[size_t(t) % given.size()];
        env->step(&a);
      } else {
        float a = rng.uniform(spec.action.low[0], spec.action.high[0]);
        env->step(&a);
      }
      total_reward += env->rewards()[0];
      const bool ended = env->terminated()[0] || env->truncated()[0];
      episodes += ended;
      // the frame shows where the episode ended; the next frame starts the new one
      const float* obs = ended ? env->final_observations() : env->observations();
      emit(t + 1, obs);
      progress.advance();
    }
    progress.finish();
    if (!o.gif.empty()) gif.write(o.gif);
    Summary s("envs render");
    s.add("env", o.env);
    s.add("frames", o.steps + 1);
    s.add("out", o.out);
    if (!o.gif.empty()) s.add("gif", o.gif);
    s.add("episodes_ended", episodes);
    s.add("total_reward", total_reward);
    s.print(global.json);
  });
}

}  // namespace lamarck::cli
