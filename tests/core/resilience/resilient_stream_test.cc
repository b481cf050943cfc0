// A streamed call through CompleteResilient: the observer starts over with each attempt after the
// first, and an attempt cut by its timeout delivers nothing more, though its call runs on
// detached and outlives the observer (it used to write into a destroyed observer: a crash in
// resilience.json with --seed 1).
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/async/event_loop.h"
#include "core/resilience/resilient_llm.h"

namespace agentsim {
namespace {

using ::testing::ElementsAre;

// Call n streams the chunks "<n>a", "<n>b", "<n>c", the first `first_chunk_us[n]` after it is
// made, then 100 ms apart.
class StreamingLlm : public LlmClient {
 public:
  explicit StreamingLlm(EventLoop* loop) : loop_(loop) {}
  std::vector<Micros> first_chunk_us;

  Task<Result<LlmResponse>> Complete(LlmRequest request) override {
    const int n = calls_++;
    co_await loop_->Sleep(first_chunk_us.at(static_cast<std::size_t>(n)));
    LlmResponse r;
    r.first_token_at_us = loop_->NowMicros();
    for (const char* part : {"a", "b", "c"}) {
      if (part[0] != 'a') co_await loop_->Sleep(100'000);
      const std::string chunk = std::to_string(n) + part;
      r.text += chunk;
      if (request.stream != nullptr) request.stream->OnChunk(chunk, loop_->NowMicros());
    }
    r.completed_at_us = loop_->NowMicros();
    r.output_tokens = 3;
    co_return r;
  }

 private:
  EventLoop* loop_;
  int calls_ = 0;
};

// Records "restart" and "<chunk>@<µs>" into a log that outlives it.
class RecordingObserver final : public LlmStreamObserver {
 public:
  explicit RecordingObserver(std::vector<std::string>* log) : log_(log) {}
  void OnChunk(std::string_view chunk, Micros at_us) override {
    log_->push_back(std::string(chunk) + "@" + std::to_string(at_us));
  }
  void OnRestart() override { log_->push_back("restart"); }

 private:
  std::vector<std::string>* log_;
};

// The observer lives in this frame only: it is gone when the call returns.
Task<void> StreamedCall(ResilientLlmContext context, LlmClient* client,
                        std::vector<std::string>* log, ResilientLlmResult* out) {
  RecordingObserver observer(log);
  LlmRequest request;
  request.user_text = "hello";
  request.seed = 7;
  request.stream = &observer;
  LlmClientLookup lookup = [client](std::size_t) -> Result<LlmClient*> { return client; };
  std::vector<LlmRoute> routes = {LlmRoute{"alpha", "a-1"}};
  co_await CompleteResilient(context, std::move(routes), lookup, request,
                             ResilientLlmOutput::Into(*out));
}

struct StreamCase {
  const char* name;
  Micros call_timeout_us;
  std::vector<Micros> first_chunk_us;
  std::vector<std::string> log;
  std::string text;  // the answer kept ("" when none)
};

class ResilientStreamTest : public ::testing::TestWithParam<StreamCase> {};

TEST_P(ResilientStreamTest, ObserverSeesOnlyTheAttemptsItWaitsFor) {
  const StreamCase& c = GetParam();
  EventLoop loop;
  Rng rng(42);
  StreamingLlm llm(&loop);
  llm.first_chunk_us = c.first_chunk_us;
  ResilientLlmContext context;
  context.clock = &loop;
  context.policy.max_attempts = 3;
  context.policy.base_delay_us = 0;
  context.policy.max_delay_us = 0;
  context.policy.call_timeout_us = c.call_timeout_us;
  context.deadline_at_us = TurnDeadlineAt(context.policy, 0);
  context.rng = &rng;
  std::vector<std::string> log;
  ResilientLlmResult out;
  loop.Spawn(StreamedCall(context, &llm, &log, &out), "call");
  loop.Run();  // runs the cut calls on to their end too
  EXPECT_TRUE(loop.failures().empty());
  EXPECT_EQ(log, c.log);
  EXPECT_EQ(out.response.has_value() ? out.response->text : std::string(), c.text);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ResilientStreamTest,
    ::testing::Values(
        // The first attempt answers within its timeout: one stream, no restart.
        StreamCase{"answered", 500'000, {100'000}, {"0a@100000", "0b@200000", "0c@300000"},
                   "0a0b0c"},
        // Cut before its first chunk (at 500 ms): the retry's chunks only; the cut call's
        // chunks at 600-800 ms reach nobody (the observer is gone after 800 ms).
        StreamCase{"cut_before_streaming", 500'000, {600'000, 100'000},
                   {"restart", "1a@600000", "1b@700000", "1c@800000"}, "1a1b1c"},
        // Cut in the middle of its stream: what came before the cut, a restart, the retry.
        StreamCase{"cut_while_streaming", 500'000, {400'000, 50'000},
                   {"0a@400000", "restart", "1a@550000", "1b@650000", "1c@750000"}, "1a1b1c"},
        // Every attempt cut: three streams started, none finished; the retries' late chunks
        // reach nobody.
        StreamCase{"all_cut", 300'000, {250'000, 400'000, 400'000},
                   {"0a@250000", "restart", "restart"}, ""}),
    [](const ::testing::TestParamInfo<StreamCase>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace agentsim
