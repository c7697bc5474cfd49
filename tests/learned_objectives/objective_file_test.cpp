// Tests of the discovered-objective file: JSON and binary round trips (bit-exact weights), and refusal
// of corrupted, truncated, wrong-kind and mismatched files with a message that says why.
#include "lamarck/learned_objectives/objective_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <regex>
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
  for (const char* needle : {"\"kind\": \"discovered_objective\"", "\"version\": 2", "\"rule\": \"ta_lpo\"",
                             "\"log_horizon\"", "\"generation\": 17", "\"lamarck_version\"",
                             "\"weights_checksum\": \"0x"})
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

// A JSON file's weights are checksummed: one changed digit is refused, while its constants stay editable
// by hand; a version-1 file (no checksum) still loads.
TEST(ObjectiveFile, JsonWeightsAreChecksummed) {
  const std::string path = temp_path("checksum.json");
  const Rule rule = random_rule(RuleKind::lpo, 36);
  save_objective(path, make_objective(rule));
  const std::string text = read_file(path);
  // the first weight's first nonzero digit after the point, changed
  const size_t weights = text.find("\"weights\"");
  const size_t digit = text.find_first_of("123456789", text.find('.', weights));
  std::string damaged = text;
  damaged[digit] = damaged[digit] == '9' ? '8' : char(damaged[digit] + 1);
  write_file_atomic(path, damaged);
  EXPECT_NE(expect_refused(path).find("weights_checksum"), std::string::npos);
  // an edited constant loads
  std::string edited = text;
  const std::string clip_text = "\"clip_eps\": 0.25";
  const size_t clip = edited.find(clip_text);
  ASSERT_NE(clip, std::string::npos);
  edited.replace(clip, clip_text.size(), "\"clip_eps\": 0.3");
  write_file_atomic(path, edited);
  EXPECT_FLOAT_EQ(load_rule(path).constants.clip_eps, 0.3f);
  // version 1: no checksum field
  std::string v1 = std::regex_replace(text, std::regex(",\\s*\"weights_checksum\": \"0x[0-9a-f]+\""), "");
  v1 = std::regex_replace(v1, std::regex("\"version\": 2"), "\"version\": 1");
  ASSERT_EQ(v1.find("weights_checksum"), std::string::npos);
  write_file_atomic(path, v1);
  expect_same(rule, load_rule(path));
  // version 2 without it is refused
  write_file_atomic(path, std::regex_replace(v1, std::regex("\"version\": 1"), "\"version\": 2"));
  expect_refused(path);
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
