// The curricula UED runs can use (curriculum.h): one line per curriculum.
#include "curricula/curricula.h"
#include "lamarck/core/error.h"
#include "lamarck/meta/ued.h"

namespace lamarck::meta {

const std::vector<CurriculumEntry>& curricula_registry() {
  static const std::vector<CurriculumEntry> entries = {
      {"dr", "domain randomisation: a fresh generated level every episode", curricula::make_domain_randomisation},
      {"plr", "prioritised level replay, learning from new and replayed levels",
       [](const UedConfig& c, int64_t s, int64_t e) { return curricula::make_prioritised_replay("plr", c, s, e); }},
      {"robust_plr", "Robust PLR: learning from replayed levels only",
       [](const UedConfig& c, int64_t s, int64_t e) { return curricula::make_prioritised_replay("robust_plr", c, s, e); }},
      {"accel", "ACCEL: Robust PLR whose replays are followed by mutations of the replayed levels",
       [](const UedConfig& c, int64_t s, int64_t e) { return curricula::make_prioritised_replay("accel", c, s, e); }},
  };
  return entries;
}

std::vector<std::string> curriculum_names() {
  std::vector<std::string> names;
  for (const CurriculumEntry& e : curricula_registry()) names.push_back(e.name);
  return names;
}

std::unique_ptr<Curriculum> make_curriculum(const UedConfig& config, int64_t seeds, int64_t envs) {
  for (const CurriculumEntry& e : curricula_registry())
    if (e.name == config.curriculum) return e.make(config, seeds, envs);
  throw InvalidArgument("unknown curriculum \"" + config.curriculum + "\"");
}

}  // namespace lamarck::meta
