// The curricula behind curricula_registry() (curriculum.h).
#pragma once

#include <memory>

#include "lamarck/meta/curriculum.h"

namespace lamarck::meta::curricula {

std::unique_ptr<Curriculum> make_domain_randomisation(const UedConfig& c, int64_t seeds, int64_t envs);
// kind: "plr" (learns from every rollout), "robust_plr" (from replayed levels only), "accel" (Robust PLR
// whose update after a replay mutates the replayed levels)
std::unique_ptr<Curriculum> make_prioritised_replay(const std::string& kind, const UedConfig& c, int64_t seeds, int64_t envs);

}  // namespace lamarck::meta::curricula
