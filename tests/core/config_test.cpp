#include "lamarck/core/config.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace lamarck
