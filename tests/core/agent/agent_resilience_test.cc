// The agent's LLM calls through retries, breakers and fallback providers, and text-only delivery
// when TTS fails, against the simulator's mock backends and their fault models.
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/agent/agent.h"
#include "core/agent/session_manager.h"
#include "core/async/event_loop.h"
#include "mocks/in_memory_document_store.h"
#include "mocks/mock_llm.h"
#include "mocks/mock_room.h"
#include "mocks/mock_tts.h"

namespace agentsim {
namespace {

using ::testing::ElementsAre;

constexpr const char* kConfig = R"({
  "agent_id": "support-resilient-v1", "version": "1.0.0",
  "tenant_config": {"tenant_id": "acme"},
  "prompt_config": {"system_prompt": "Be helpful."},
  "schema_config": {"schema_id": "s", "fields": [
    {"field_name": "system_response", "field_type": "str"}]},
  "llm_config": {"provider": "openai", "model": "gpt-4o",
    "fallback_providers": [{"provider": "anthropic", "model": "claude-3-5-haiku"}],
    "retry": {"max_attempts": 2, "base_delay_ms": 100, "max_delay_ms": 1000,
              "deadline_ms": 5000, "call_timeout_ms": 2000}},
  "tts_config": {"provider": "cartesia", "voice": "v"}
})";

// Hands out the shared mocks, as sim/sim_client_factory does.
class Clients : public ClientFactory {
 public:
  Clients(LlmClient* llm, TtsClient* tts) : llm_(llm), tts_(tts) {}
  Result<LlmClient*> CreateLlm(const LlmConfig& config) override {
    ++stats_.llm_clients_created;
    providers.push_back(config.provider);
    return llm_;
  }
  Result<TtsClient*> CreateTts(const TtsConfig&) override {
    ++stats_.tts_clients_created;
    return tts_;
  }
  const Stats& stats() const override { return stats_; }
  std::vector<std::string> providers;

 private:
  LlmClient* llm_;
  TtsClient* tts_;
  Stats stats_;
};

MockLlmOptions OpenAiDown() {
  MockLlmOptions o;
  o.ttft_ms = LogNormalSpec{100.0, 100.0};
  o.per_token_ms = LogNormalSpec{10.0, 10.0};
  o.malformed_rate = 0.0;
  o.provider_faults["openai"].outages = {OutageWindow{0, 3'600 * kMicrosPerSecond}};
  return o;
}

MockTtsOptions FixedTts() {
  MockTtsOptions o;
  o.ttfb_ms = LogNormalSpec{200.0, 200.0};
  return o;
}

// "provider#attempt delay outcome" per attempt, with the call index.
std::vector<std::string> Describe(const std::vector<LlmAttempt>& attempts) {
  std::vector<std::string> out;
  for (const LlmAttempt& a : attempts) {
    out.push_back(std::to_string(a.call) + ":" + a.provider + "#" + std::to_string(a.attempt) +
                  " delay=" + std::to_string(a.delay_us) + " " +
                  std::string(AttemptOutcomeName(a.outcome)) +
                  " at=" + std::to_string(a.started_at_us) +
                  " for=" + std::to_string(a.duration_us));
  }
  return out;
}

class AgentResilienceTest : public ::testing::Test {
 protected:
  AgentResilienceTest(MockLlmOptions llm = OpenAiDown(), MockTtsOptions tts = FixedTts(),
                      ResilienceRegistry* registry = nullptr)
      : store_(&loop_, Rng(1), InMemoryDocumentStoreOptions{}),
        configs_(&store_, nullptr, &loop_, Rng(3), ConfigurationStoreOptions{}),
        llm_(&loop_, Rng(4), std::move(llm), &ResponseCorpus::BuiltIn()),
        tts_(&loop_, Rng(5), std::move(tts)),
        clients_(&llm_, &tts_),
        monitor_(&loop_, nullptr, /*keep_messages=*/true),
        registry_(registry) {
    ConfigRecord record;
    record.agent_id = "support-resilient-v1";
    record.version = "1.0.0";
    record.tenant_id = "acme";
    record.json_text = kConfig;
    EXPECT_TRUE(store_.Seed(record).has_value());
    hidden_ = std::make_shared<std::set<std::string, std::less<>>>();
    room_ = std::make_unique<MockRoom>(&monitor_, 1, hidden_);
  }

  std::vector<TurnRecord> RunTurns(int turns) {
    AgentServices services;
    services.clock = &loop_;
    services.configs = &configs_;
    services.clients = &clients_;
    services.resilience = registry_;
    sessions_ = std::make_unique<SessionManager>(services, Rng(2),
                                                 Logger(MakeNullLogger(), &loop_));
    std::vector<TurnRecord> records;
    loop_.Spawn(Drive(this, turns, &records), "drive");
    loop_.Run();
    EXPECT_TRUE(loop_.failures().empty());
    EXPECT_TRUE(loop_.UnfinishedRoots().empty());
    return records;
  }

  static Task<void> Drive(AgentResilienceTest* t, int turns, std::vector<TurnRecord>* out) {
    auto id = co_await t->sessions_->CreateSession("support-resilient-v1", "user-1", "acme",
                                                   t->room_.get());
    if (!id) throw std::runtime_error(id.error().ToString());
    Agent* agent = t->sessions_->Find(*id);
    for (int i = 0; i < turns; ++i) {
      TurnRecord r = co_await agent->HandleTurn("Where is my order?", t->loop_.NowMicros());
      out->push_back(std::move(r));
    }
    t->history_size_ = agent->history().size();
  }

  EventLoop loop_;
  InMemoryDocumentStore store_;
  ConfigurationStore configs_;
  MockLlm llm_;
  MockTts tts_;
  Clients clients_;
  RoomMonitor monitor_;
  ResilienceRegistry* registry_;
  std::unique_ptr<SessionManager> sessions_;
  std::shared_ptr<std::set<std::string, std::less<>>> hidden_;
  std::unique_ptr<MockRoom> room_;
  std::size_t history_size_ = 0;
};

TEST_F(AgentResilienceTest, OutageOfThePrimaryIsRetriedThenServedByTheFallback) {
  std::vector<TurnRecord> records = RunTurns(1);
  ASSERT_EQ(records.size(), 1u);
  const TurnRecord& r = records[0];
  EXPECT_EQ(r.outcome, TurnOutcome::kStructured);
  EXPECT_EQ(r.reason, "ok");
  EXPECT_EQ(r.llm_calls, 1);
  EXPECT_EQ(r.llm_provider, "anthropic");
  EXPECT_FALSE(r.text_only);
  EXPECT_THAT(Describe(r.llm_attempts),
              ElementsAre("0:openai#0 delay=0 error at=10720 for=100000",
                          "0:openai#1 delay=63715 error at=174435 for=100000",
                          "0:anthropic#0 delay=0 ok at=274435 for=300000"));
  // The fallback's client is created on first use, once.
  EXPECT_THAT(clients_.providers, ElementsAre("openai", "anthropic"));
  EXPECT_EQ(llm_.stats().outages, 2u);
}

class AgentTtsDownTest : public AgentResilienceTest {
 protected:
  static MockLlmOptions AllUp() {
    MockLlmOptions o = OpenAiDown();
    o.provider_faults.clear();
    return o;
  }
  static MockTtsOptions TtsDown() {
    MockTtsOptions o = FixedTts();
    o.provider_faults["cartesia"].error_rate = 1.0;
    return o;
  }
  AgentTtsDownTest() : AgentResilienceTest(AllUp(), TtsDown()) {}
};

TEST_F(AgentTtsDownTest, TtsFailureDeliversTheTextWithoutAudio) {
  std::vector<TurnRecord> records = RunTurns(2);
  ASSERT_EQ(records.size(), 2u);
  for (const TurnRecord& r : records) {
    EXPECT_EQ(r.outcome, TurnOutcome::kStructured);
    EXPECT_EQ(r.reason, "tts_error");
    EXPECT_TRUE(r.text_only);
    EXPECT_EQ(r.llm_provider, "openai");
    EXPECT_EQ(r.published_fields, 1);
    EXPECT_EQ(r.audio_duration_us, 0);
    EXPECT_EQ(r.timings.time_to_first_audio_us, -1);
    EXPECT_THAT(Describe(r.llm_attempts), ElementsAre(::testing::StartsWith("0:openai#0 delay=0 ok")));
  }
  // The text reached the room and the history; no audio did.
  EXPECT_EQ(monitor_.messages().size(), 2u);
  EXPECT_EQ(monitor_.stats().audio_segments, 0u);
  EXPECT_EQ(history_size_, 4u);
  EXPECT_EQ(tts_.stats().errors, 2u);
}

class AgentBreakerTest : public AgentResilienceTest {
 protected:
  static ResilienceOptions Options() {
    ResilienceOptions o;
    o.breaker.failure_threshold = 2;
    o.breaker.cooldown_us = 60 * kMicrosPerSecond;
    return o;
  }
  AgentBreakerTest() : AgentResilienceTest(OpenAiDown(), FixedTts(), &registry_storage_) {}
  ResilienceRegistry registry_storage_{Options()};
};

TEST_F(AgentBreakerTest, BreakerSharedByTheWorkerSkipsTheProviderInOutage) {
  std::vector<TurnRecord> records = RunTurns(2);
  ASSERT_EQ(records.size(), 2u);
  // Turn 0's two failures opened openai's breaker; turn 1 goes straight to the fallback.
  EXPECT_THAT(Describe(records[0].llm_attempts),
              ElementsAre(::testing::StartsWith("0:openai#0 delay=0 error"),
                          ::testing::StartsWith("0:openai#1 delay="),
                          ::testing::StartsWith("0:anthropic#0 delay=0 ok")));
  EXPECT_THAT(Describe(records[1].llm_attempts),
              ElementsAre("0:openai#0 delay=0 breaker_open at=1807768 for=0",
                          "0:anthropic#0 delay=0 ok at=1807768 for=300000"));
  EXPECT_EQ(records[1].llm_provider, "anthropic");
  ASSERT_EQ(registry_storage_.Transitions().size(), 1u);
  EXPECT_EQ(registry_storage_.Transitions()[0].provider, "openai");
}

}  // namespace
}  // namespace agentsim
