// Tests of the discovered-objective file: JSON and binary round trips (bit-exact weights), and refusal
// of corrupted, truncated, wrong-kind and mismatched files with a message that says why.
#include "lamarck/learned_objectives/objective_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "lamarck/core/error.h"
#include "lamarck/core/rng.h"
#include "lamarck/core/serialize.h"

namespace lamarck::objectives {
namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "lmk_obj_" + std::to_string(::getpid()) + "_" + name;
}

Rule random_rule(RuleKind kind, uint64_t seed) {
  Rule rule;
  rule.kind = kind;
  rule.constants.clip_eps = 0.25f;
  Philox rng(key_from_seed(seed));
  for (int64_t i = 0; i < rule_num_params(kind); ++i) rule.theta.push_back(0.01f * rng.normal());
  return rule;
}

Provenance test_provenance() {
  Provenance p;
  p.source = "meta-train";
  p.config = "{\"generations\": 3}";
  p.generation = 17;
  p.candidate = "mean";
  p.has_fitness = true;
  p.fitness = 1.0625;
  return p;
}

void expect_same(const Rule& a, const Rule& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.constants.clip_eps, b.constants.clip_eps);
  ASSERT_EQ(a.theta.size(), b.theta.size());
  if (!a.theta.empty()) {  // the fixed rules have no parameters (and memcmp of null pointers is undefined)
    EXPECT_EQ(0, std::memcmp(a.theta.data(), b.theta.data(), sizeof(float) * a.theta.size()));
  }
}

std::string expect_refused(const std::string& path) {
  try {
    load_objective(path);
  } catch (const FileError& e) {
    return e.what();
  }
  ADD_FAILURE() << path << " was accepted";
  return "";
}

TEST(ObjectiveFile, JsonAndBinaryRoundTrip) {
  for (RuleKind kind : {RuleKind::lpo, RuleKind::ta_lpo, RuleKind::dpo, RuleKind::ppo_clip}) {
    const Rule rule = random_rule(kind, 31);
    for (const std::string ext : {".json", ".lmk"}) {
      const std::string path = temp_path(std::string(rule_name(kind)) + ext);
      save_objective(path, make_objective(rule, test_provenance()));
      const DiscoveredObjective o = load_objective(path);
      expect_same(rule, to_rule(o));
      EXPECT_EQ(o.provenance.generation, 17);
      EXPECT_EQ(o.provenance.fitness, 1.0625);
      EXPECT_EQ(o.provenance.config, "{\"generations\": 3}");
      EXPECT_FALSE(o.provenance.lamarck_version.empty());
      EXPECT_EQ(o.features, rule_features(kind));
      expect_same(rule, load_rule(path));
      std::remove(path.c_str());
    }
  }
}

TEST(ObjectiveFile, JsonIsReadable) {
  const std::string path = temp_path("readable.json");
  save_objective(path, make_objective(random_rule(RuleKind::ta_lpo, 32), test_provenance()));
  const std::string text = read_file(path);
  for (const char* needle : {"\"kind\": \"discovered_objective\"", "\"version\": 1", "\"rule\": \"ta_lpo\"",
                             "\"log_horizon\"", "\"generation\": 17", "\"lamarck_version\""})
    EXPECT_NE(text.find(needle), std::string::npos) << needle;
  std::remove(path.c_str());
}

TEST(ObjectiveFile, CorruptedBinaryIsRefused) {
  const std::string path = temp_path("corrupt.lmk");
  save_objective(path, make_objective(random_rule(RuleKind::lpo, 33)));
  std::string bytes = read_file(path);
  bytes[bytes.size() - 100] ^= 0x10;
  write_file_atomic(path, bytes);
  EXPECT_NE(expect_refused(path).find("checksum"), std::string::npos);
  write_file_atomic(path, read_file(path).substr(0, 200));
  EXPECT_NE(expect_refused(path).find("truncated"), std::string::npos);
  std::remove(path.c_str());
}

TEST(ObjectiveFile, CorruptedJsonIsRefused) {
  const std::string path = temp_path("corrupt.json");
  save_objective(path, make_objective(random_rule(RuleKind::lpo, 34)));
  const std::string text = read_file(path);
  write_file_atomic(path, text.substr(0, text.size() / 2));
  EXPECT_NE(expect_refused(path).find("not valid JSON"), std::string::npos);
  std::remove(path.c_str());
}

TEST(ObjectiveFile, MismatchedContentIsRefused) {
  const std::string path = temp_path("mismatch.json");
  DiscoveredObjective o = make_objective(random_rule(RuleKind::lpo, 35));
  // weights of LPO under the TA-LPO name: wrong feature list
  o.rule = "ta_lpo";
  save_json(path, kObjectiveKind, kObjectiveVersion, o);
  EXPECT_NE(expect_refused(path).find("features"), std::string::npos);
  // right features, wrong weight count
  o.features = rule_features(RuleKind::ta_lpo);
  save_json(path, kObjectiveKind, kObjectiveVersion, o);
  EXPECT_NE(expect_refused(path).find("weights"), std::string::npos);
  // unknown rule
  o = make_objective(random_rule(RuleKind::lpo, 35));
  o.rule = "lpg";
  save_json(path, kObjectiveKind, kObjectiveVersion, o);
  EXPECT_NE(expect_refused(path).find("lpg"), std::string::npos);
  // another kind of lamarck file
  save_json(path, "es_state", 1, o);
  EXPECT_NE(expect_refused(path).find("es_state"), std::string::npos);
  // a newer format version
  save_json(path, kObjectiveKind, kObjectiveVersion + 1, make_objective(random_rule(RuleKind::lpo, 35)));
  EXPECT_NE(expect_refused(path).find("version"), std::string::npos);
  std::remove(path.c_str());
  EXPECT_THROW(load_objective(temp_path("missing.json")), FileError);
}

TEST(ObjectiveFile, NonFiniteWeightsAreRefusedOnSave) {
  Rule rule = random_rule(RuleKind::lpo, 36);
  rule.theta[5] = std::nanf("");
  EXPECT_THROW(make_objective(rule), FileError);
}

TEST(ObjectiveFile, BuiltInNames) {
  EXPECT_EQ(rule_from_name_or_file("ppo").kind, RuleKind::ppo_clip);
  EXPECT_EQ(rule_from_name_or_file("dpo").kind, RuleKind::dpo);
  const Rule lpo = rule_from_name_or_file("lpo");
  EXPECT_EQ(lpo.theta.size(), 1152u);
  EXPECT_THROW(rule_from_name_or_file("no_such_file.json"), FileError);
}

}  // namespace
}  // namespace lamarck::objectives
