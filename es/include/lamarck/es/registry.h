// The registry of strategies: names, one-line descriptions, construction by name (with a nearest-name
// error), and checkpoint files of any strategy's state.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lamarck/es/strategy.h"

namespace lamarck::es {

struct StrategyInfo {
  std::string name;
  std::string description;
  std::unique_ptr<Strategy> (*make)(const Settings&);
};

const std::vector<StrategyInfo>& strategies();
std::vector<std::string> strategy_names();
// Throws InvalidArgument for an unknown name ("did you mean ...", valid choices).
std::unique_ptr<Strategy> make_strategy(const std::string& name, const Settings& settings);

// Checkpoint files (binary, kind "es_state", checksummed, atomic write). A resumed run continues
// bit-identically to an uninterrupted one.
void save_checkpoint(const std::string& path, const Strategy& strategy);
// Rebuilds the strategy from the file (its name and settings are stored in it) on `exec`.
std::unique_ptr<Strategy> load_checkpoint(const std::string& path, const Exec& exec = Exec{});
// The same for a StrategyBatch (kind "es_batch_state": strategy name, settings, instances, member states).
void save_batch_checkpoint(const std::string& path, const StrategyBatch& batch);
std::unique_ptr<StrategyBatch> load_batch_checkpoint(const std::string& path, const Exec& exec = Exec{});

}  // namespace lamarck::es
