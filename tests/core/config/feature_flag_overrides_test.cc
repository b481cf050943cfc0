#include "core/config/feature_flag_overrides.h"

#include <gtest/gtest.h>

namespace agentsim {
namespace {

TEST(FeatureFlagOverridesTest, OverridesOneAgentsFlagUntilSetAgain) {
  FeatureFlagOverrides o;
  EXPECT_TRUE(o.empty());
  EXPECT_EQ(o.Get("a", "f"), std::nullopt);
  o.Set("a", "f", true);
  EXPECT_FALSE(o.empty());
  EXPECT_EQ(o.Get("a", "f"), true);
  EXPECT_EQ(o.Get("b", "f"), std::nullopt);  // another agent
  EXPECT_EQ(o.Get("a", "g"), std::nullopt);  // another flag
  o.Set("a", "f", false);
  EXPECT_EQ(o.Get("a", "f"), false);
}

TEST(FeatureFlagOverridesTest, AppliesToTheConfigsFlagsInByteOrder) {
  FeatureFlagOverrides o;
  o.Set("a", "enable_sentiment_analysis", true);
  o.Set("a", "new_flag", false);
  o.Set("b", "enable_voice_analytics", false);
  const std::map<std::string, bool> config = {{"enable_sentiment_analysis", false},
                                              {"enable_voice_analytics", true}};
  EXPECT_EQ(o.Apply("a", config), (std::map<std::string, bool>{
                                      {"enable_sentiment_analysis", true},
                                      {"enable_voice_analytics", true},
                                      {"new_flag", false}}));
  EXPECT_EQ(o.Apply("c", config), config);
}

}  // namespace
}  // namespace agentsim
