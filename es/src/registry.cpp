// The strategy registry and checkpoint files. Adding a strategy: one file pair and one line here.
#include "lamarck/es/registry.h"

#include "lamarck/core/error.h"
#include "lamarck/core/serialize.h"
#include "lamarck/es/ars.h"
#include "lamarck/es/cma_es.h"
#include "lamarck/es/deep_ga.h"
#include "lamarck/es/open_es.h"
#include "lamarck/es/pgpe.h"
#include "lamarck/es/sep_cma_es.h"
#include "lamarck/es/simple_ga.h"
#include "lamarck/es/snes.h"
#include "state_io.h"

namespace lamarck::es {

const std::vector<StrategyInfo>& strategies() {
  static const std::vector<StrategyInfo> table = {
      {"open_es", "OpenAI-ES: antithetic Gaussian, centred ranks, SGD/Adam/ClipUp mean", make_open_es},
      {"snes", "separable natural ES: mean and per-coordinate sigma by natural gradient", make_snes},
      {"pgpe", "PGPE: antithetic, adapted per-coordinate sigma, ClipUp mean", make_pgpe},
      {"cma_es", "CMA-ES with active covariance update (pycma defaults)", make_cma_es},
      {"ipop_cma_es", "CMA-ES restarted with doubling population (IPOP)", make_ipop_cma_es},
      {"bipop_cma_es", "CMA-ES with BIPOP restarts (large and small populations)", make_bipop_cma_es},
      {"sep_cma_es", "separable (diagonal) CMA-ES, O(D) per sample", make_sep_cma_es},
      {"ars", "augmented random search: top-b antithetic directions", make_ars},
      {"simple_ga", "GA: truncation, uniform crossover, Gaussian mutation", make_simple_ga},
      {"deep_ga", "Deep GA: seed-chain genomes, truncation, elitism with re-evaluation", make_deep_ga},
  };
  return table;
}

std::vector<std::string> strategy_names() {
  std::vector<std::string> names;
  for (const auto& s : strategies()) names.push_back(s.name);
  return names;
}

std::unique_ptr<Strategy> make_strategy(const std::string& name, const Settings& settings) {
  for (const auto& s : strategies())
    if (s.name == name) return s.make(settings);
  throw_unknown_choice("strategy", name, strategy_names());
}

namespace {
constexpr const char* kKind = "es_state";
constexpr uint32_t kVersion = 1;
struct CheckpointFile {
  std::string name;
  Settings settings;
  std::string state;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(name, settings, state);
  }
};
constexpr const char* kBatchKind = "es_batch_state";
struct BatchCheckpointFile {
  std::string name;
  Settings settings;
  int64_t instances = 0;
  std::string state;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(name, settings, instances, state);
  }
};
}  // namespace

void save_batch_checkpoint(const std::string& path, const StrategyBatch& batch) {
  BatchCheckpointFile file{batch.name(), batch.settings(), batch.instances(), batch.state_bytes()};
  save_binary(path, kBatchKind, kVersion, file);
}

std::unique_ptr<StrategyBatch> load_batch_checkpoint(const std::string& path, const Exec& exec) {
  BatchCheckpointFile file;
  load_binary(path, kBatchKind, kVersion, file);
  if (file.instances < 1) throw FileError("'" + path + "': a strategy batch of " + std::to_string(file.instances) + " instances");
  file.settings.exec = exec;
  auto batch = std::make_unique<StrategyBatch>(file.name, file.settings, file.instances);
  batch->restore_bytes(file.state);
  return batch;
}

void save_checkpoint(const std::string& path, const Strategy& strategy) {
  CheckpointFile file{strategy.name(), strategy.settings(), strategy.state_bytes()};
  save_binary(path, kKind, kVersion, file);
}

std::unique_ptr<Strategy> load_checkpoint(const std::string& path, const Exec& exec) {
  CheckpointFile file;
  load_binary(path, kKind, kVersion, file);
  file.settings.exec = exec;
  auto strategy = make_strategy(file.name, file.settings);
  strategy->restore_bytes(file.state);
  return strategy;
}

}  // namespace lamarck::es
