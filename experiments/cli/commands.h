// The subcommands of `lamarck`. Each lives in cmd_<name>.cpp and adds itself to the app; the CMake list
// in experiments/CMakeLists.txt compiles cmd_<layer>.cpp when that layer's library exists.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/summary.h"

namespace lamarck::cli {

void add_version_command(CLI::App& app, const GlobalOptions& global);
#ifdef LAMARCK_CLI_HAS_ES
void add_es_command(CLI::App& app, const GlobalOptions& global);
#endif
#ifdef LAMARCK_CLI_HAS_ENVS
void add_envs_command(CLI::App& app, const GlobalOptions& global);
#endif
#ifdef LAMARCK_CLI_HAS_RL
void add_rl_command(CLI::App& app, const GlobalOptions& global);
#endif
#ifdef LAMARCK_CLI_HAS_LEARNED_OBJECTIVES
void add_learned_objectives_command(CLI::App& app, const GlobalOptions& global);
#endif
#ifdef LAMARCK_CLI_HAS_META
void add_meta_command(CLI::App& app, const GlobalOptions& global);
#endif

}  // namespace lamarck::cli
