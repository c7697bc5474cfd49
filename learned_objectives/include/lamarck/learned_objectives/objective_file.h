// The discovered-objective file: what meta-training produces and any trainer loads.
//
// Two forms of the same content, through core/serialize.h (kind "discovered_objective", format version 2):
//   *.json  readable cereal JSON: {"lamarck": {kind, version, writer}, "data": {rule, features, hidden,
//           constants, weights, provenance, weights_checksum}}
//   other   compact checksummed binary (e.g. *.lmk)
// Loading checks the tag (kind, version), then the content against the rule it names: the feature list,
// the hidden width and the number of weights must be those of that rule, every number finite, and the
// weights must match weights_checksum (FNV-1a 64 of their float32 bytes, as hex), so that a changed digit
// in a JSON file's weights is refused rather than loaded; the constants stay editable by hand. Version 1
// (no checksum: files written before it, or by hand) still loads. A corrupted, truncated or mismatched
// file is refused with a FileError that says what is wrong.
//
//   objectives::Rule rule = objectives::load_rule("run/objective_mean.json");   // one line
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "lamarck/learned_objectives/rule_batch.h"

namespace lamarck::objectives {

constexpr const char* kObjectiveKind = "discovered_objective";
constexpr uint32_t kObjectiveVersion = 2;  // 2: weights_checksum; 1 still loads

// Where an objective came from.
struct Provenance {
  std::string source = "manual";  // "meta-train", "manual", ...
  std::string config;             // the resolved meta-training config (JSON text), "" when none
  int64_t generation = -1;        // the ES generation it was taken from, -1 when none
  std::string candidate = "";     // "mean", "best", ...
  bool has_fitness = false;
  double fitness = 0.0;           // normalised fitness (1 = baseline level) when has_fitness
  std::string lamarck_version;    // filled on save

  template <class Archive>
  void serialize(Archive& ar) {
    ar(cereal::make_nvp("source", source), cereal::make_nvp("config", config),
       cereal::make_nvp("generation", generation), cereal::make_nvp("candidate", candidate),
       cereal::make_nvp("has_fitness", has_fitness), cereal::make_nvp("fitness", fitness),
       cereal::make_nvp("lamarck_version", lamarck_version));
  }
};

struct DiscoveredObjective {
  std::string rule = "lpo";            // rule_name()
  std::vector<std::string> features;   // rule_features(rule), in weight order
  int64_t hidden = kDriftHidden;       // the rule's network width (rule_info().hidden; 0 for closed forms)
  double clip_eps = 0.2, dpo_alpha = 2.0, dpo_beta = 0.6;
  std::vector<float> weights;          // (rule_num_params): W1 (in, hidden) row-major, then w2 (hidden)
  Provenance provenance;
  std::string weights_checksum;        // weights_checksum_of(weights); filled on save, "" in version 1

  template <class Archive>
  void serialize(Archive& ar) {
    serialize_v1(ar);
    ar(cereal::make_nvp("weights_checksum", weights_checksum));
  }
  template <class Archive>
  void serialize_v1(Archive& ar) {
    ar(cereal::make_nvp("rule", rule), cereal::make_nvp("features", features), cereal::make_nvp("hidden", hidden),
       cereal::make_nvp("clip_eps", clip_eps), cereal::make_nvp("dpo_alpha", dpo_alpha),
       cereal::make_nvp("dpo_beta", dpo_beta), cereal::make_nvp("weights", weights),
       cereal::make_nvp("provenance", provenance));
  }
};

// "0x" + 16 hex digits of FNV-1a 64 over the weights' float32 bytes.
std::string weights_checksum_of(const std::vector<float>& weights);

// An objective for `rule` with its parameters (theta may be empty for the fixed rules).
DiscoveredObjective make_objective(const Rule& rule, Provenance provenance = {});
// The rule an objective describes (validated as on load).
Rule to_rule(const DiscoveredObjective& objective, const std::string& where = "objective");
// Throws FileError naming `where` when the content does not match its rule.
void validate(const DiscoveredObjective& objective, const std::string& where);

// JSON when path ends in ".json", binary otherwise. Atomic writes.
void save_objective(const std::string& path, const DiscoveredObjective& objective);
void save_objective_json(const std::string& path, const DiscoveredObjective& objective);
void save_objective_binary(const std::string& path, const DiscoveredObjective& objective);
// Either form (recognised by its first bytes), validated.
DiscoveredObjective load_objective(const std::string& path);
// load_objective + to_rule: the one-line way to get a trainer's rule from a file.
Rule load_rule(const std::string& path);
// A rule of the table by name ("ppo_clip" or "ppo", "dpo", "lpo", "ta_lpo", ...: default constants, zero
// parameters), or else a file path.
Rule rule_from_name_or_file(const std::string& name_or_path);

}  // namespace lamarck::objectives
