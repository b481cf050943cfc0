#include "mocks/mock_room.h"

#include <gtest/gtest.h>

#include "core/async/event_loop.h"

namespace agentsim {
namespace {

class Sink : public RecordSink {
 public:
  void OnTurn(const TurnRecord&) override {}
  void OnSession(const SessionRecord&) override {}
  void OnCheckFailure(const CheckFailure& f) override { failures.push_back(f); }
  std::vector<CheckFailure> failures;
};

TEST(MockRoomTest, PublishingAHiddenFieldFailsTheCheck) {
  EventLoop loop;
  Sink sink;
  RoomMonitor monitor(&loop, &sink);
  auto hidden = std::make_shared<const std::set<std::string, std::less<>>>(
      std::set<std::string, std::less<>>{"internal_assessment"});
  MockRoom room(&monitor, 7, hidden);
  EXPECT_TRUE(room.PublishData(kStructuredOutputTopic, R"({"system_response":"hi"})"));
  EXPECT_TRUE(sink.failures.empty());
  EXPECT_TRUE(room.PublishData(kStructuredOutputTopic,
                               R"({"system_response":"hi","internal_assessment":"weak"})"));
  ASSERT_EQ(sink.failures.size(), 1u);
  EXPECT_EQ(sink.failures[0].check, "hidden_field_published");
  EXPECT_EQ(sink.failures[0].subject, "session 7");
  EXPECT_EQ(sink.failures[0].detail,
            "topic agent.structured_output carried hidden field 'internal_assessment'");
  EXPECT_EQ(monitor.failures().size(), 1u);
  EXPECT_EQ(monitor.stats().data_messages, 2u);
}

TEST(MockRoomTest, CountsAudio) {
  EventLoop loop;
  RoomMonitor monitor(&loop, nullptr);
  MockRoom room(&monitor, 1, std::make_shared<const std::set<std::string, std::less<>>>());
  EXPECT_TRUE(room.PublishAudio(AudioSegment{10, 2'000'000, 96'000}));
  EXPECT_TRUE(room.PublishAudio(AudioSegment{20, 500'000, 24'000}));
  EXPECT_EQ(monitor.stats().audio_segments, 2u);
  EXPECT_EQ(monitor.stats().audio_duration_us, 2'500'000);
}

}  // namespace
}  // namespace agentsim
