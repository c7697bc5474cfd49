// Internal: how env families register themselves with registry.cpp.
#pragma once

#include <functional>
#include <type_traits>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/core/config.h"
#include "lamarck/envs/batch_env.h"
#include "lamarck/envs/batched.h"
#include "lamarck/envs/env_list.h"
#include "lamarck/envs/render.h"

namespace lamarck::envs::detail {

struct EnvEntry {
  std::string name;
  std::string description;
  std::function<std::unique_ptr<BatchEnv>(int64_t num_envs, const Exec& exec, const std::string& params_json,
                                          bool reference_path)>
      make;
  std::function<std::string(const std::string& params_json)> params;  // resolved Params as JSON
  bool cpu_only = false;  // a CpuBatched env (its simulation is not plain data): no CUDA
  std::function<Image(const Spec& spec, const float* obs)> draw;  // one frame from an observation row
  // Levels with a text form (the maze's prefab strings): text -> the level's fields as JSON, and back
  // (from a level's JSON as BatchEnv::get_level gives it); and a level drawn whole. Empty: none.
  std::function<std::string(const std::string& text)> level_from_text;
  std::function<std::string(const std::string& level_json)> level_to_text;
  std::function<Image(const std::string& level_json)> draw_level;
};

// The entry with its frames drawn by `draw` (render.h primitives).
inline EnvEntry with_drawing(EnvEntry e, std::function<Image(const Spec&, const float*)> draw) {
  e.draw = std::move(draw);
  return e;
}

// Each family appends its entries (classic.cpp, minatar.cpp, box2d.cpp, maze.cpp).
void add_classic_envs(std::vector<EnvEntry>& out);
void add_minatar_envs(std::vector<EnvEntry>& out);
void add_box2d_envs(std::vector<EnvEntry>& out);
void add_maze_envs(std::vector<EnvEntry>& out);

// The entry of env type Env under `name`, with `defaults` as the Params that params_json overrides, batched
// by Batch: Batched<Env> (POD state: CPU and CUDA) or CpuBatched<Env> (CPU only).
template <class Env, class Batch = Batched<Env>>
EnvEntry make_entry(const std::string& name, const std::string& description,
                    const typename Env::Params& defaults = typename Env::Params()) {
  using Params = typename Env::Params;
  static_assert(!std::is_same_v<Batch, Batched<Env>> || is_listed_batched_env<Env>(),
                "a Batched env must be listed in lamarck/envs/env_list.h (its CUDA launchers come from there)");
  EnvEntry e;
  e.name = name;
  e.description = description;
  e.make = [name, defaults](int64_t n, const Exec& exec, const std::string& json,
                            bool reference_path) -> std::unique_ptr<BatchEnv> {
    const Params p = params_from_json<Params>(json, name, defaults);
    auto env = std::make_unique<Batch>(n, exec, p);
    env->set_name(name);
    env->set_reference_path(reference_path);
    return env;
  };
  e.params = [name, defaults](const std::string& json) {
    return config_to_json(params_from_json<Params>(json, name, defaults));
  };
  e.cpu_only = !std::is_same_v<Batch, Batched<Env>>;
  return e;
}

}  // namespace lamarck::envs::detail
