#include "lamarck/core/error.h"

#include <gtest/gtest.h>

namespace lamarck {
namespace {

TEST(Error, EditDistance) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3);
  EXPECT_EQ(edit_distance("", "abc"), 3);
  EXPECT_EQ(edit_distance("same", "same"), 0);
}

TEST(Error, ClosestMatch) {
  const std::vector<std::string> envs = {"CartPole-v1", "Acrobot-v1", "MinAtar/Breakout"};
  EXPECT_EQ(closest_match("CartPole-v0", envs), "CartPole-v1");
  EXPECT_EQ(closest_match("breakout", envs), "MinAtar/Breakout");
  EXPECT_EQ(closest_match("zzzzzzzzzz", envs), "");
  // a typo beats a substring
  EXPECT_EQ(closest_match("num_env", {"env", "algo", "num_envs"}), "num_envs");
}

TEST(Error, UnknownChoiceMessageListsChoices) {
  const std::string m = unknown_choice_message("strategy", "cmaes", {"cma_es", "open_es"});
  EXPECT_EQ(m, "unknown strategy 'cmaes'; did you mean 'cma_es'? (valid choices: cma_es, open_es)");
  EXPECT_THROW(throw_unknown_choice("x", "y", {"z"}), InvalidArgument);
}

TEST(ErrorDeathTest, AssertAbortsWithLocation) {
  EXPECT_DEATH(LMK_ASSERT(1 + 1 == 3, "arithmetic is broken"), "assertion failed at .*error_test.cpp");
}

}  // namespace
}  // namespace lamarck
