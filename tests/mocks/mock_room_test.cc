#include "mocks/mock_room.h"

#include <ostream>
#include <string>
#include <vector>

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

// The hidden-field check reads the payload's top-level keys, on simdjson's fast path or
// nlohmann's (\u escapes, non-ASCII bytes, -0): both must report the same keys. Payloads that
// never spell a hidden name as "name" and have no backslash are not parsed at all.
struct HiddenCase {
  const char* name;
  const char* payload;
  std::vector<std::string> reported;  // the keys named in the failures, in order
};

void PrintTo(const HiddenCase& c, std::ostream* os) { *os << c.name; }

class HiddenFieldTest : public testing::TestWithParam<HiddenCase> {};

TEST_P(HiddenFieldTest, ReportsTheTopLevelHiddenKeys) {
  EventLoop loop;
  Sink sink;
  RoomMonitor monitor(&loop, &sink);
  auto hidden = std::make_shared<const std::set<std::string, std::less<>>>(
      std::set<std::string, std::less<>>{"internal_assessment", "score", "z\xc3\xa9"});
  MockRoom room(&monitor, 3, hidden);
  EXPECT_TRUE(room.PublishData("t", GetParam().payload).has_value());
  std::vector<std::string> details;
  for (const CheckFailure& f : sink.failures) details.push_back(f.detail);
  std::vector<std::string> expected;
  for (const std::string& key : GetParam().reported) {
    expected.push_back("topic t carried hidden field '" + key + "'");
  }
  EXPECT_EQ(details, expected);
}

INSTANTIATE_TEST_SUITE_P(
    Payloads, HiddenFieldTest,
    testing::Values(
        HiddenCase{"none", R"({"a":1,"b":{"c":[1,2]}})", {}},
        HiddenCase{"top_level", R"({"a":1,"score":3})", {"score"}},
        // The pre-filter pairs consecutive quotes: empty strings and values before the key
        // must not shift the pairs.
        HiddenCase{"after_empty_strings", R"({"a":"","b":"","score":3})", {"score"}},
        HiddenCase{"after_a_value_naming_it", R"({"a":"score","score":3})", {"score"}},
        HiddenCase{"first_key", R"({"internal_assessment":[],"b":2})", {"internal_assessment"}},
        HiddenCase{"only_as_a_value", R"({"a":"score","b":["score"]})", {}},
        HiddenCase{"sorted_by_key", R"({"score":3,"internal_assessment":"x"})",
                   {"internal_assessment", "score"}},
        HiddenCase{"duplicate_once", R"({"score":3,"score":4})", {"score"}},
        HiddenCase{"nested_not_checked", R"({"a":{"score":3},"b":[{"score":1}]})", {}},
        HiddenCase{"escaped_key", R"({"sc\u006fre":3})", {"score"}},
        HiddenCase{"non_ascii", "{\"a\":\"caf\xc3\xa9\",\"z\xc3\xa9\":1}", {"z\xc3\xa9"}},
        HiddenCase{"negative_zero", R"({"score":-0})", {"score"}},
        HiddenCase{"backslash_escape", R"({"a":"x\"y","score":"\n"})", {"score"}},
        HiddenCase{"name_as_a_value", R"({"a":"score","b":["internal_assessment"]})", {}},
        HiddenCase{"name_inside_keys", R"({"xscore":1,"score_":2,"sc":3})", {}},
        HiddenCase{"name_then_key", R"({"a":"score","score":1})", {"score"}},
        HiddenCase{"escape_elsewhere", R"({"a":"\"","score":1})", {"score"}},
        HiddenCase{"not_an_object", R"([{"score":3}])", {}},
        HiddenCase{"invalid_json", R"({"score":3)", {}},
        HiddenCase{"raw_control_byte", "{\"score\":\"a\x01\"}", {}},
        HiddenCase{"trailing_text", R"({"score":3} x)", {}}),
    [](const testing::TestParamInfo<HiddenCase>& p) { return std::string(p.param.name); });

TEST(MockRoomTest, CountsAudio) {
  EventLoop loop;
  RoomMonitor monitor(&loop, nullptr);
  MockRoom room(&monitor, 1, std::make_shared<const std::set<std::string, std::less<>>>());
  EXPECT_TRUE(room.PublishAudio(AudioSegment{10, 2'000'000, 96'000}));
  EXPECT_TRUE(room.PublishAudio(AudioSegment{20, 500'000, 24'000}));
  EXPECT_EQ(monitor.stats().audio_segments, 2u);
  EXPECT_EQ(monitor.stats().audio_duration_us, 2'500'000);
}

TEST(MockRoomTest, ADisconnectAtAPublishRefusesItAndEveryLaterOne) {
  EventLoop loop;
  RoomMonitor monitor(&loop, nullptr);
  FaultControl control(&loop);
  RoomFaults faults;
  faults.disconnect_per_publish = 1.0;
  MockRoom room(&monitor, 4, std::make_shared<const std::set<std::string, std::less<>>>());
  room.EnableFaults(&faults, &control, Rng(1));
  int callbacks = 0;
  room.set_on_disconnect([&] { ++callbacks; });
  loop.RunUntil(2'000'000);
  Status first = room.PublishData(kStructuredOutputTopic, R"({"a":1})");
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(room.PublishAudio(AudioSegment{10, 1'000, 48}).has_value());
  EXPECT_TRUE(room.disconnected());
  EXPECT_EQ(room.disconnected_at_us(), 2'000'000);
  EXPECT_EQ(callbacks, 1);
  EXPECT_EQ(monitor.stats().data_messages, 0u);
  EXPECT_EQ(monitor.stats().audio_segments, 0u);
  EXPECT_EQ(monitor.stats().disconnects, 1u);
  EXPECT_EQ(monitor.stats().publishes_refused, 2u);
  ASSERT_EQ(control.log().size(), 1u);
  EXPECT_EQ(control.log()[0].backend, "room");
  EXPECT_EQ(control.log()[0].provider, "session 4");
  EXPECT_EQ(FaultKindName(control.log()[0].kind), "disconnect");
  EXPECT_EQ(control.log()[0].site, "");
  EXPECT_EQ(control.log()[0].at_us, 2'000'000);
}

TEST(MockRoomTest, ADrawnDisconnectTakesEffectAtTheFirstCheckAfterItsInstant) {
  EventLoop loop;
  RoomMonitor monitor(&loop, nullptr);
  FaultControl control(&loop);
  RoomFaults faults;
  faults.session_disconnect_rate = 1.0;
  faults.disconnect_after_ms = LogNormalSpec{1000.0, 1000.0};  // exactly 1 s
  MockRoom room(&monitor, 9, std::make_shared<const std::set<std::string, std::less<>>>());
  room.EnableFaults(&faults, &control, Rng(1));
  EXPECT_TRUE(room.PublishData(kStructuredOutputTopic, R"({"a":1})").has_value());
  EXPECT_TRUE(room.CheckConnection());
  loop.RunUntil(3'000'000);
  EXPECT_FALSE(room.CheckConnection());
  EXPECT_EQ(room.disconnected_at_us(), 1'000'000);
  ASSERT_EQ(control.log().size(), 1u);
  EXPECT_EQ(control.log()[0].at_us, 1'000'000);
  EXPECT_EQ(monitor.stats().data_messages, 1u);
}

TEST(MockRoomTest, TheChaosSiteDisconnects) {
  EventLoop loop;
  RoomMonitor monitor(&loop, nullptr);
  ChaosOptions o;
  o.enabled = true;
  o.site_probability = 1.0;
  o.fire_probability = 1.0;
  o.sites = {"room.disconnect"};
  FaultControl control(&loop, Chaos(o, Rng(1).Fork("chaos")));
  RoomFaults none;
  MockRoom room(&monitor, 2, std::make_shared<const std::set<std::string, std::less<>>>());
  room.EnableFaults(&none, &control, Rng(1));
  EXPECT_FALSE(room.PublishAudio(AudioSegment{10, 1'000, 48}).has_value());
  ASSERT_EQ(control.log().size(), 1u);
  EXPECT_EQ(control.log()[0].site, "room.disconnect");
}

TEST(MockRoomTest, WithoutFaultsNothingDisconnects) {
  EventLoop loop;
  RoomMonitor monitor(&loop, nullptr);
  MockRoom room(&monitor, 1, std::make_shared<const std::set<std::string, std::less<>>>());
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(room.PublishData("t", "{}").has_value());
  EXPECT_TRUE(room.CheckConnection());
  EXPECT_EQ(monitor.stats().disconnects, 0u);
}

}  // namespace
}  // namespace agentsim
