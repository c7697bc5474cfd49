// The subcommands of `lamarck`. Each layer's live in cmd_<layer>.cpp and add themselves to the app.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/summary.h"

namespace lamarck::cli {

void add_version_command(CLI::App& app, const GlobalOptions& global);
void add_es_command(CLI::App& app, const GlobalOptions& global);
void add_envs_command(CLI::App& app, const GlobalOptions& global);
void add_rl_command(CLI::App& app, const GlobalOptions& global);
void add_learned_objectives_command(CLI::App& app, const GlobalOptions& global);
void add_meta_command(CLI::App& app, const GlobalOptions& global);
void add_ued_command(CLI::App& app, const GlobalOptions& global);

// UED runs and studies (cmd_ued.cpp): `lamarck plot` hands them to run_ued_plot.
bool is_ued_dir(const std::string& dir);
void run_ued_plot(const std::string& dir, bool quiet);

}  // namespace lamarck::cli
