// lamarck version: the version, the backends compiled in, CUDA architectures and OpenMP threads.
#include <omp.h>

#include "cli/commands.h"
#include "lamarck/core/version.h"

namespace lamarck::cli {

void add_version_command(CLI::App& app, const GlobalOptions& global) {
  CLI::App* cmd = app.add_subcommand("version", "Print the version, compiled backends and thread count");
  cmd->callback([&global] {
    Summary s("lamarck");
    s.add("version", kVersion);
    s.add("backends", kWithCuda ? "cpu (OpenMP), cuda (Thrust)" : "cpu (OpenMP)");
    s.add("cuda_architectures", kWithCuda ? cuda_architectures() : std::string("none"));
    s.add("cuda_devices", cuda_device_count());
    s.add("openmp_threads", global.threads > 0 ? global.threads : omp_get_max_threads());
    s.add("compiler", std::string("g++ ") + __VERSION__);
    s.print(global.json);
  });
}

}  // namespace lamarck::cli
