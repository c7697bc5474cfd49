#include "lamarck/core/config.h"

#include <gtest/gtest.h>

#include <array>

namespace lamarck {
namespace {

struct Optimizer {
  double lr = 0.01;
  double beta1 = 0.9;
  template <class V>
  void fields(V& v) {
    v("lr", lr).positive();
    v("beta1", beta1).range(0.0, 1.0);
  }
};

struct RunConfig {
  std::string strategy = "open_es";
  int popsize = 64;
  uint64_t seed = 0;
  bool antithetic = true;
  std::vector<std::string> envs = {"CartPole-v1"};
  Optimizer optimizer;
  template <class V>
  void fields(V& v) {
    v("strategy", strategy).one_of({"open_es", "cma_es", "snes"});
    v("popsize", popsize).at_least(2);
    v("seed", seed);
    v("antithetic", antithetic);
    v("envs", envs).non_empty();
    v("optimizer", optimizer);
  }
};

std::string error_of(const std::string& json) {
  try {
    parse_config<RunConfig>(json, "test.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, ParsesAndKeepsDefaults) {
  const RunConfig c = parse_config<RunConfig>(
      R"({"strategy": "cma_es", "popsize": 1e3, "optimizer": {"lr": 0.5}, "envs": ["a", "b"]})", "t");
  EXPECT_EQ(c.strategy, "cma_es");
  EXPECT_EQ(c.popsize, 1000);  // a whole number written as a float is accepted
  EXPECT_DOUBLE_EQ(c.optimizer.lr, 0.5);
  EXPECT_DOUBLE_EQ(c.optimizer.beta1, 0.9);  // default kept
  EXPECT_EQ(c.envs, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(c.antithetic);
}

TEST(Config, UnknownKeySuggestsTheNearest) {
  const std::string e = error_of(R"({"popsze": 10})");
  EXPECT_NE(e.find("test.json"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'popsze'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'popsize'"), std::string::npos) << e;
  const std::string nested = error_of(R"({"optimizer": {"betal": 0.5}})");
  EXPECT_NE(nested.find("unknown key 'optimizer.betal'; did you mean 'optimizer.beta1'"), std::string::npos)
      << nested;
}

TEST(Config, WrongTypeNamesPathAndTypes) {
  EXPECT_NE(error_of(R"({"popsize": "ten"})").find("popsize must be an integer, got a string 'ten'"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"popsize": 2.5})").find("popsize must be an integer, got a number 2.5"), std::string::npos);
  EXPECT_NE(error_of(R"({"optimizer": {"lr": true}})").find("optimizer.lr must be a number, got a boolean"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"envs": ["a", 3]})").find("envs[1] must be a string"), std::string::npos);
  EXPECT_NE(error_of(R"({"seed": -1})").find("seed = -1 is out of range"), std::string::npos);
  EXPECT_NE(error_of(R"([1, 2])").find("(top level) must be an object"), std::string::npos);
}

TEST(Config, OutOfRangeAndBadChoice) {
  EXPECT_NE(error_of(R"({"popsize": 1})").find("popsize = 1 is out of range: must be >= 2"), std::string::npos);
  EXPECT_NE(error_of(R"({"optimizer": {"beta1": 1.5}})").find("optimizer.beta1 = 1.5 is out of range"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"optimizer": {"lr": 0}})").find("must be > 0"), std::string::npos);
  const std::string choice = error_of(R"({"strategy": "cmaes"})");
  EXPECT_NE(choice.find("did you mean 'cma_es'"), std::string::npos) << choice;
  EXPECT_NE(choice.find("valid choices: open_es, cma_es, snes"), std::string::npos) << choice;
  EXPECT_NE(error_of(R"({"envs": []})").find("envs must not be empty"), std::string::npos);
}

std::string check_error_of(const RunConfig& c) {
  try {
    check_config(c, "built");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, CheckConfigRunsTheFieldChecksOnAConfigBuiltInCode) {
  EXPECT_EQ(check_error_of(RunConfig()), "");
  RunConfig c;
  c.popsize = 1;
  EXPECT_NE(check_error_of(c).find("built: config: popsize = 1 is out of range: must be >= 2"), std::string::npos)
      << check_error_of(c);
  c = RunConfig();
  c.strategy = "cmaes";
  EXPECT_NE(check_error_of(c).find("did you mean 'cma_es'"), std::string::npos) << check_error_of(c);
  c = RunConfig();
  c.optimizer.beta1 = 1.5;  // nested
  EXPECT_NE(check_error_of(c).find("optimizer.beta1 = 1.5 is out of range"), std::string::npos) << check_error_of(c);
  c = RunConfig();
  c.envs.clear();
  EXPECT_NE(check_error_of(c).find("envs must not be empty"), std::string::npos) << check_error_of(c);
}

TEST(Config, InvalidJsonIsReported) {
  EXPECT_NE(error_of(R"({"popsize": 10,)").find("invalid JSON"), std::string::npos);
}

TEST(Config, ResolvedConfigRoundTrips) {
  RunConfig c;
  c.popsize = 12;
  c.optimizer.lr = 0.25;
  const std::string json = config_to_json(c);
  EXPECT_NE(json.find("\"beta1\": 0.9"), std::string::npos) << json;
  const RunConfig back = parse_config<RunConfig>(json, "resolved");
  EXPECT_EQ(back.popsize, 12);
  EXPECT_DOUBLE_EQ(back.optimizer.lr, 0.25);
  EXPECT_EQ(config_to_json(back), json);
}

// A level-like struct: fixed-size arrays (a maze's walls) beside scalars.
struct Grid {
  std::array<uint8_t, 6> walls = {1, 0, 0, 1, 0, 1};
  std::array<float, 2> goal = {0.5f, 1.5f};
  int32_t size = 3;
  double noise = 0.1;
  template <class V>
  void fields(V& v) {
    v("walls", walls);
    v("goal", goal);
    v("size", size).at_least(1);
    v("noise", noise).range(0, 1);
  }
};

TEST(Config, FixedSizeArraysReadWriteAndCheckTheirLength) {
  const Grid g = parse_config<Grid>(R"({"walls": [0, 0, 1, 1, 1, 0], "goal": [2, 3]})", "grid");
  EXPECT_EQ(g.walls[2], 1);
  EXPECT_EQ(g.goal[1], 3.0f);
  EXPECT_EQ(parse_config<Grid>(config_to_json(g), "again").walls, g.walls);
  try {
    parse_config<Grid>(R"({"walls": [0, 1]})", "grid");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("walls must have exactly 6 elements, got 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_config<Grid>(R"({"walls": [0, 1, 2, 3, 4, 300]})", "grid"), ConfigError);  // > uint8
}

TEST(Config, CanonicalBytesRoundTripAndAreChecked) {
  Grid g;
  g.noise = 0.25;
  const std::string bytes = config_to_bytes(g);
  EXPECT_EQ(bytes.size(), 6u + 2 * 4u + 4u + 8u);  // no padding
  const Grid back = config_from_bytes<Grid>(bytes, "bytes");
  EXPECT_EQ(back.walls, g.walls);
  EXPECT_EQ(back.noise, 0.25);
  EXPECT_EQ(config_to_bytes(back), bytes);
  EXPECT_THROW(config_from_bytes<Grid>(bytes.substr(1), "bytes"), ConfigError);
  EXPECT_THROW(config_from_bytes<Grid>(bytes + "z", "bytes"), ConfigError);
  Grid bad = g;
  bad.noise = 2.0;  // out of its declared range: refused when read back
  EXPECT_THROW(config_from_bytes<Grid>(config_to_bytes(bad), "bytes"), ConfigError);
  // strings and vectors carry their length
  RunConfig r;
  r.envs = {"a", "bc"};
  EXPECT_EQ(config_from_bytes<RunConfig>(config_to_bytes(r), "run").envs, r.envs);
}

TEST(Config, FieldsAreListedWithTypesAndValues) {
  const std::vector<ConfigField> f = config_fields(RunConfig());
  ASSERT_EQ(f.size(), 7u);
  EXPECT_EQ(f[0].path, "strategy");
  EXPECT_EQ(f[0].value, "\"open_es\"");
  EXPECT_EQ(f[1].type, "an integer");
  EXPECT_EQ(f[4].value, "[\"CartPole-v1\"]");
  EXPECT_EQ(f[5].path, "optimizer.lr");
  EXPECT_EQ(f[6].value, "0.9");
  EXPECT_EQ(config_fields(Grid())[0].type, "an array of fixed size");
}

TEST(Config, LongNumbersReadBackExactly) {
  // 17 significant digits (what the writer emits for a double) parse to the same double
  const Optimizer o = parse_config<Optimizer>(R"({"lr": 28.274333882308138, "beta1": 0.20943951023931953})", "o");
  EXPECT_EQ(o.lr, 28.274333882308138);
  EXPECT_EQ(o.beta1, 0.20943951023931953);
}

struct Widths {
  std::vector<int64_t> hidden = {64, 64};
  template <class V>
  void fields(V& v) {
    v("hidden", hidden).non_empty().each_at_least(1);
  }
};

TEST(Config, EveryErrorIsReportedAtOnce) {
  // an unknown key, a wrong type, an out-of-range value and a bad choice: one message with all four
  const std::string json = R"({"popsiz": 4, "seed": "x", "optimizer": {"lr": -1, "beta1": 0.5}, "strategy": "cmaes"})";
  try {
    parse_config<RunConfig>(json, "run.json");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("run.json: 4 errors:"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'popsize'"), std::string::npos) << m;
    EXPECT_NE(m.find("seed must be a non-negative integer, got a string 'x'"), std::string::npos) << m;
    EXPECT_NE(m.find("optimizer.lr = -1 is out of range"), std::string::npos) << m;
    EXPECT_NE(m.find("strategy: unknown value 'cmaes'"), std::string::npos) << m;
  }
  // every element of a sequence can be range-checked
  EXPECT_THROW(parse_config<Widths>(R"({"hidden": [64, 0]})", "w"), ConfigError);
  EXPECT_THROW(parse_config<Widths>(R"({"hidden": [-64]})", "w"), ConfigError);
  EXPECT_EQ(parse_config<Widths>(R"({"hidden": [8]})", "w").hidden[0], 8);
  // one error keeps the one-line form
  EXPECT_EQ(error_of(R"({"popsize": 1})").find("errors:"), std::string::npos);
}

}  // namespace
}  // namespace lamarck
