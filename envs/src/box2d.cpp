// The Box2D family: CPU-only envs stepped by CpuBatched (cpu_batched.h).
#include "factories.h"
#include "lamarck/envs/box2d/push_box.h"
#include "lamarck/envs/cpu_batched.h"

namespace lamarck::envs::detail {

void add_box2d_envs(std::vector<EnvEntry>& out) {
  out.push_back(make_entry<PushBox, CpuBatched<PushBox>>(
      "Box2D/PushBox", "Box2D: push a box along the ground to a target and stop it there (CPU only; tests the path)"));
}

}  // namespace lamarck::envs::detail
