// The MinAtar family, instantiated once each for the CPU.
#include "factories.h"

namespace lamarck::envs::detail {

void add_minatar_envs(std::vector<EnvEntry>&) {}

}  // namespace lamarck::envs::detail
