#include "lamarck/envs/registry.h"

#include "factories.h"
#include "lamarck/core/error.h"

namespace lamarck::envs {
namespace {

const std::vector<detail::EnvEntry>& entries() {
  static const std::vector<detail::EnvEntry> table = [] {
    std::vector<detail::EnvEntry> out;
    detail::add_classic_envs(out);
    detail::add_minatar_envs(out);
    detail::add_box2d_envs(out);
    detail::add_maze_envs(out);
    return out;
  }();
  return table;
}

const detail::EnvEntry& find(const std::string& name) {
  for (const auto& e : entries())
    if (e.name == name) return e;
  throw_unknown_choice("env", name, env_names());
}

}  // namespace

std::unique_ptr<BatchEnv> make_env(const std::string& name, int64_t num_envs, const Exec& exec,
                                   const std::string& params_json) {
  return find(name).make(num_envs, exec, params_json, false);
}

std::unique_ptr<BatchEnv> make_reference_env(const std::string& name, int64_t num_envs, const Exec& exec,
                                             const std::string& params_json) {
  return find(name).make(num_envs, exec, params_json, true);
}

std::vector<std::string> env_names() {
  std::vector<std::string> names;
  for (const auto& e : entries()) names.push_back(e.name);
  return names;
}

std::vector<std::string> env_names(Device device) {
  std::vector<std::string> names;
  for (const auto& e : entries())
    if (device == Device::cpu || !e.cpu_only) names.push_back(e.name);
  return names;
}

std::string env_description(const std::string& name) { return find(name).description; }

Image render_observation(const Spec& spec, const float* obs) {
  const detail::EnvEntry& e = find(spec.name);
  if (!e.draw) throw InvalidArgument("render: no drawing for env '" + spec.name + "'");
  return e.draw(spec, obs);
}

std::string env_params_json(const std::string& name, const std::string& params_json) {
  return find(name).params(params_json);
}

bool env_has_level_text(const std::string& name) { return bool(find(name).level_from_text); }

std::string level_from_text(const std::string& name, const std::string& text) {
  const detail::EnvEntry& e = find(name);
  if (!e.level_from_text) throw InvalidArgument(name + " has no text form of its levels (give levels as JSON)");
  return e.level_from_text(text);
}

std::string level_to_text(const std::string& name, const std::string& level_json) {
  const detail::EnvEntry& e = find(name);
  if (!e.level_to_text) throw InvalidArgument(name + " has no text form of its levels");
  return e.level_to_text(level_json);
}

Image render_level(const std::string& name, const std::string& level_json) {
  const detail::EnvEntry& e = find(name);
  if (!e.draw_level) throw InvalidArgument("render: " + name + " has no level drawing");
  return e.draw_level(level_json);
}

}  // namespace lamarck::envs
