// lamarck: the command-line tool. `lamarck --help` lists the subcommands.
#include <omp.h>

#include <algorithm>
#include <filesystem>
#include <new>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "lamarck/core/error.h"
#include "lamarck/core/progress.h"
#include "lamarck/learned_objectives/rl_rules.h"

namespace {

// CLI11 answers an unknown subcommand with "A subcommand is required"; name it instead, with the nearest
// valid one. The first argument that is neither an option nor a global option's value is the subcommand.
void check_subcommand_name(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
    for (const std::string& alias : sub->get_aliases()) names.push_back(alias);
  }
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--device" || arg == "--threads") {
      ++i;  // the option's value
      continue;
    }
    if (!arg.empty() && arg[0] == '-') continue;
    if (std::find(names.begin(), names.end(), arg) == names.end())
      lamarck::throw_unknown_choice("subcommand", arg, names);
    return;
  }
}

}  // namespace

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

  // every update rule, fixed and learned, by name for every subcommand (train --config, meta-train, ...)
  objectives::register_rl_rules();

  cli::add_version_command(app, global);
  cli::add_es_command(app, global);
  cli::add_envs_command(app, global);
  cli::add_rl_command(app, global);
  cli::add_learned_objectives_command(app, global);
  cli::add_meta_command(app, global);
  cli::add_ued_command(app, global);

  try {
    check_subcommand_name(app, argc, argv);
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const InvalidArgument& e) {
    std::fprintf(stderr, "lamarck: error: %s\nRun with --help for more information.\n", e.what());
    return 2;
  } catch (const Error& e) {
    std::fprintf(stderr, "lamarck: error: %s\n", e.what());
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {  // e.g. an --out that cannot be created
    std::fprintf(stderr, "lamarck: error: %s\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "lamarck: error: out of memory (try smaller batches or fewer seeds)\n");
    return 3;
  } catch (const std::exception& e) {  // anything else a library threw: a clear line, never an abort
    std::fprintf(stderr, "lamarck: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
