#include "core/config/config_watcher.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "core/async/event_loop.h"
#include "mocks/in_memory_document_store.h"
#include "mocks/mock_shared_cache.h"

namespace agentsim {
namespace {

constexpr std::string_view kConfigTemplate = R"({"agent_id": "watch-v1", "version": "$VERSION",
  "enabled": true,
  "tenant_config": {"tenant_id": "acme", "tier": "pro"},
  "prompt_config": {"system_prompt": "You interview candidates.", "max_history_turns": 4},
  "schema_config": {"schema_id": "s", "fields": [
    {"field_name": "system_response", "field_type": "str", "required": true}]},
  "llm_config": {"provider": "openai", "model": "gpt-4o-mini", "temperature": 0.3,
                 "max_tokens": 100, "api_key_env": "OPENAI_API_KEY"},
  "tts_config": {"provider": "openai", "voice": "onyx", "speed": 1.0}})";

ConfigRecord Record(const std::string& version, Micros at_us) {
  std::string text(kConfigTemplate);
  text.replace(text.find("$VERSION"), 8, version);
  ConfigRecord r;
  r.agent_id = "watch-v1";
  r.version = version;
  r.tenant_id = "acme";
  r.json_text = text;
  r.created_at_us = at_us;
  return r;
}

// Records what reaches the room.
class RecordingRoom final : public Room {
 public:
  Status PublishData(std::string_view topic, std::string_view payload) override {
    data.emplace_back(std::string(topic), std::string(payload));
    return {};
  }
  Status PublishAudio(const AudioSegment&) override { return {}; }
  std::vector<std::pair<std::string, std::string>> data;
};

struct World {
  EventLoop loop;
  InMemoryDocumentStore store{&loop, Rng(1), InMemoryDocumentStoreOptions{{1.0, 1.0}, {}}};
  MockSharedCache l2{&loop, Rng(2), MockSharedCacheOptions{{1.0, 1.0}, {}}};
  ConfigurationStore configs{&store, &l2, &loop, Rng(3), ConfigurationStoreOptions{}};
  SessionManager sessions{AgentServices{&loop, &configs, nullptr, nullptr}, Rng(4),
                          Logger(MakeNullLogger(), &loop)};
  RecordingRoom room;
};

// Exact times: every store and L2 call takes 1 ms; the watcher polls at 0, 1 s, 2 s, ...
TEST(ConfigWatcherTest, InvalidatesCachesNotifiesSessionsAndStopsAtOnce) {
  World w;
  ASSERT_TRUE(w.store.Seed(Record("1.0.0", 0)));
  ConfigWatcherOptions options;
  options.poll_interval_us = kMicrosPerSecond;
  ConfigWatcher watcher(&w.store, &w.configs, &w.sessions, &w.loop, Logger(MakeNullLogger(), &w.loop),
                        options);
  std::vector<ConfigUpdateApplied> applied;
  watcher.set_listener([&](const ConfigUpdateApplied& a) { applied.push_back(a); });
  std::vector<std::string> versions_seen;

  auto driver = [](World* world, ConfigWatcher* watching,
                   std::vector<std::string>* seen) -> Task<void> {
    Result<std::uint64_t> session = co_await world->sessions.CreateSession(
        "watch-v1", "user-1", "acme", &world->room, SessionOptions{7});
    EXPECT_TRUE(session.has_value());
    auto first = co_await world->configs.GetAgentConfig("watch-v1");
    seen->push_back((*first)->version);
    co_await world->loop.SleepUntil(2'500'000);
    Status inserted = co_await world->store.Insert(Record("1.1.0", 2'500'000));
    EXPECT_TRUE(inserted.has_value());
    // Before the next poll the worker still serves 1.0.0 from its L1.
    auto stale = co_await world->configs.GetAgentConfig("watch-v1");
    seen->push_back((*stale)->version);
    co_await world->loop.SleepUntil(3'500'000);
    auto fresh = co_await world->configs.GetAgentConfig("watch-v1");
    seen->push_back((*fresh)->version);
    watching->Stop();
  };
  w.loop.Spawn(watcher.Run(), "watcher");
  w.loop.Spawn(driver(&w, &watcher, &versions_seen), "driver");
  w.loop.Run();

  EXPECT_EQ(versions_seen, (std::vector<std::string>{"1.0.0", "1.0.0", "1.1.0"}));
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].change.sequence, 1u);
  EXPECT_EQ(applied[0].change.version, "1.1.0");
  EXPECT_EQ(applied[0].change.at_us, 2'500'000);
  // Poll at 3 s: ChangesSince 1 ms, then the L2 delete 1 ms.
  EXPECT_EQ(applied[0].applied_at_us, 3'002'000);
  EXPECT_EQ(applied[0].sessions_notified, 1u);
  ASSERT_EQ(w.room.data.size(), 1u);
  EXPECT_EQ(w.room.data[0].first, "config-update");
  EXPECT_EQ(w.room.data[0].second,
            R"({"agent_id":"watch-v1","message":"Agent configuration updated. Reconnect to use new version.","type":"config_changed","version":"1.1.0"})");
  EXPECT_EQ(watcher.stats().polls, 4u);  // 0, 1, 2, 3 s
  EXPECT_EQ(watcher.stats().changes_applied, 1u);
  EXPECT_EQ(watcher.last_sequence(), 1u);
  // Stop wakes the sleeping watcher at once: the run ends when the driver does.
  EXPECT_TRUE(w.loop.UnfinishedRoots().empty());
  EXPECT_LT(w.loop.NowMicros(), 3'600'000);
}

TEST(ConfigWatcherTest, AFailedPollLosesNoChange) {
  World w;
  ASSERT_TRUE(w.store.Seed(Record("1.0.0", 0)));
  InMemoryDocumentStore flaky(&w.loop, Rng(9),
                              InMemoryDocumentStoreOptions{{1.0, 1.0}, {OutageWindow{0, 1'500'000}}});
  ASSERT_TRUE(flaky.Seed(Record("1.0.0", 0)));
  ConfigWatcherOptions options;
  options.poll_interval_us = kMicrosPerSecond;
  ConfigWatcher watcher(&flaky, &w.configs, nullptr, &w.loop, Logger(MakeNullLogger(), &w.loop),
                        options);
  std::vector<Micros> applied_at;
  watcher.set_listener([&](const ConfigUpdateApplied& a) { applied_at.push_back(a.applied_at_us); });
  auto driver = [](InMemoryDocumentStore* store, EventLoop* loop,
                   ConfigWatcher* watching) -> Task<void> {
    co_await loop->SleepUntil(1'600'000);
    Status inserted = co_await store->Insert(Record("1.1.0", 1'600'000));
    EXPECT_TRUE(inserted.has_value());
    co_await loop->SleepUntil(2'500'000);
    watching->Stop();
  };
  w.loop.Spawn(watcher.Run(), "watcher");
  w.loop.Spawn(driver(&flaky, &w.loop, &watcher), "driver");
  w.loop.Run();
  // Polls at 0 and 1 s fail (outage until 1.5 s); the poll at 2 s applies the change.
  EXPECT_EQ(watcher.stats().poll_errors, 2u);
  EXPECT_EQ(applied_at, (std::vector<Micros>{2'002'000}));
  EXPECT_TRUE(w.loop.UnfinishedRoots().empty());
}

}  // namespace
}  // namespace agentsim
