// lamarck: the command-line tool. `lamarck --help` lists the subcommands.
#include <omp.h>

#include <cstdio>

#include "cli/commands.h"
#include "lamarck/core/error.h"
#include "lamarck/core/progress.h"

int main(int argc, char** argv) {
  using namespace lamarck;
  CLI::App app{"lamarck: discovering learning algorithms by evolution"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: `lamarck version --json`
  cli::GlobalOptions global;
  app.add_flag("--json", global.json, "Print the final summary as one JSON object on stdout");
  app.add_flag("-q,--quiet", global.quiet, "No progress or log lines on stderr");
  app.add_flag("-v,--verbose", global.verbose, "Debug log lines on stderr");
  app.add_option("--device", global.device, "Where to run: cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}));
  app.add_option("--threads", global.threads, "CPU threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  app.parse_complete_callback([&global] {
    if (global.quiet) set_log_level(LogLevel::quiet);
    else if (global.verbose) set_log_level(LogLevel::debug);
    if (global.threads > 0) omp_set_num_threads(global.threads);
  });

  cli::add_version_command(app, global);
#ifdef LAMARCK_CLI_HAS_ES
  cli::add_es_command(app, global);
#endif
#ifdef LAMARCK_CLI_HAS_ENVS
  cli::add_envs_command(app, global);
#endif
#ifdef LAMARCK_CLI_HAS_RL
  cli::add_rl_command(app, global);
#endif
#ifdef LAMARCK_CLI_HAS_LEARNED_OBJECTIVES
  cli::add_learned_objectives_command(app, global);
#endif
#ifdef LAMARCK_CLI_HAS_META
  cli::add_meta_command(app, global);
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const Error& e) {
    std::fprintf(stderr, "lamarck: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
