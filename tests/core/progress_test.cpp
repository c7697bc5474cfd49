#include "lamarck/core/progress.h"

#include <gtest/gtest.h>

namespace lamarck {
namespace {

TEST(Progress, RendersCountsRateAndEta) {
  set_log_level(LogLevel::quiet);  // nothing drawn during the test
  Progress p("es", 200, "gen");
  p.advance(50, "best=0.5");
  const std::string plain = p.render(false);
  EXPECT_NE(plain.find("es  25% 50/200 gen"), std::string::npos) << plain;
  EXPECT_NE(plain.find("gen/s"), std::string::npos) << plain;
  EXPECT_NE(plain.find("eta"), std::string::npos) << plain;
  EXPECT_NE(plain.find("best=0.5"), std::string::npos) << plain;
  EXPECT_NE(p.render(true).find("[######..................]"), std::string::npos) << p.render(true);
  Progress unknown("steps", 0, "steps");
  unknown.advance(7);
  EXPECT_EQ(unknown.render(false).find("eta"), std::string::npos);
  set_log_level(LogLevel::info);
}

TEST(Progress, HumanUnits) {
  EXPECT_EQ(human_count(1234567), "1.23M");
  EXPECT_EQ(human_count(12), "12");
  EXPECT_EQ(human_duration(75), "1m15s");
  EXPECT_EQ(human_duration(3.5), "3.5s");
}

}  // namespace
}  // namespace lamarck
