// Envs by name: `make_env("CartPole-v1", N)` builds a BatchEnv of N instances; `env_names()` lists
// every registered name. An unknown name throws InvalidArgument naming the closest valid one.
//
// MinAtar names: "MinAtar/<Game>" uses gymnax's conventions (minimal action set, no sticky actions,
// 1000-step cap, 2500 for Freeway) -- the default, used by the PPO/LPO baselines; "MinAtar/<Game>-ref"
// uses the reference MinAtar's (full 6-action set, sticky actions p = 0.1, no cap). Both are Params
// defaults and can be overridden field by field through params_json.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lamarck/core/backend.h"
#include "lamarck/envs/batch_env.h"

namespace lamarck::envs {

// params_json: optional JSON object overriding fields of the env's Params, e.g. {"gravity": 12.0};
// validated (unknown keys with the nearest valid key, types, ranges).
std::unique_ptr<BatchEnv> make_env(const std::string& name, int64_t num_envs, const Exec& exec = {},
                                   const std::string& params_json = "");

// The same env stepped by the plain per-instance kernel instead of the fast path (the CPU's chunked loop,
// CUDA's strided observations): for tests and the comparison loop of `lamarck envs bench`; identical
// results.
std::unique_ptr<BatchEnv> make_reference_env(const std::string& name, int64_t num_envs, const Exec& exec = {},
                                             const std::string& params_json = "");

std::vector<std::string> env_names();
// The envs that run on `device` (the CPU runs them all; Box2D and MuJoCo envs are CPU-only).
std::vector<std::string> env_names(Device device);

// One line about the env (family, reference), for `lamarck envs list`.
std::string env_description(const std::string& name);

// The env's Params with params_json applied, as pretty JSON (every field).
std::string env_params_json(const std::string& name, const std::string& params_json = "");

// Levels as text, for envs whose levels have one (the maze's prefab strings, maze/levels.h, or a holdout's
// canonical name such as "Labyrinth"): the level's fields as JSON (what BatchEnv::set_levels takes; only the level's own fields, so other overrides such
// as max_episode_steps stay), and a level (JSON from get_level) as text. InvalidArgument for malformed
// text, naming the row and column, and for envs without a text form.
bool env_has_level_text(const std::string& name);
std::string level_from_text(const std::string& name, const std::string& text);
std::string level_to_text(const std::string& name, const std::string& level_json);

}  // namespace lamarck::envs
