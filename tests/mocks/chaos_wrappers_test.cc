// The fault-injecting wrappers (mocks/chaos_clients.h, mocks/chaos_stores.h): timeline outages
// and chaos sites, each logged with its site; calls without faults pass through unchanged.
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "core/async/event_loop.h"
#include "core/schema/dynamic_schema.h"
#include "mocks/chaos_clients.h"
#include "mocks/chaos_stores.h"
#include "mocks/mock_shared_cache.h"

namespace agentsim {
namespace {

// Answers every call after 100 ms with a fixed JSON object.
class FixedLlm final : public LlmClient {
 public:
  explicit FixedLlm(EventLoop* loop) : loop_(loop) {}
  Task<Result<LlmResponse>> Complete(LlmRequest) override {
    ++calls;
    co_await loop_->Sleep(100 * kMicrosPerMilli);
    LlmResponse r;
    r.text = R"({"answer":"a b c","score":5})";
    r.first_token_at_us = loop_->NowMicros();
    r.completed_at_us = loop_->NowMicros();
    co_return r;
  }
  int calls = 0;

 private:
  EventLoop* loop_;
};

struct Outcome {
  Result<LlmResponse> response = Unavailable("not run");
  Micros ended_at_us = -1;
};

Task<void> Call(LlmClient* llm, const DynamicSchema* schema, Outcome* out, EventLoop* loop) {
  LlmRequest request;
  request.provider = "openai";
  request.response_schema = schema;
  out->response = co_await llm->Complete(request);
  out->ended_at_us = loop->NowMicros();
}

ChaosOptions Only(std::string site) {
  ChaosOptions o;
  o.enabled = true;
  o.site_probability = 1.0;
  o.fire_probability = 1.0;
  o.sites = {std::move(site)};
  return o;
}

struct LlmCase {
  std::string site;          // chaos site on (fires always); "" none; "timeline" an outage
  std::optional<ErrorCode> code;  // nullopt: success expected
  Micros ended_at_us;
  std::string logged_kind;   // "" nothing logged
  bool inner_called;
};
void PrintTo(const LlmCase& c, std::ostream* os) { *os << (c.site.empty() ? "none" : c.site); }

class ChaosLlmTest : public testing::TestWithParam<LlmCase> {};

TEST_P(ChaosLlmTest, InjectsTheSitesFault) {
  const LlmCase& c = GetParam();
  EventLoop loop;
  std::optional<Chaos> chaos;
  if (!c.site.empty() && c.site != "timeline") chaos.emplace(Only(c.site), Rng(1).Fork("chaos"));
  FaultControl control(&loop, std::move(chaos));
  if (c.site == "timeline") control.StartOutage("llm", "openai");
  FixedLlm inner(&loop);
  ChaosLlm llm(&inner, &control, &loop);
  Result<DynamicSchema> schema = DynamicSchema::Compile(nlohmann::json::parse(
      R"({"schema_id":"t","fields":[{"field_name":"answer","field_type":"str","required":true},
          {"field_name":"score","field_type":"int","required":true}]})"));
  ASSERT_TRUE(schema.has_value()) << schema.error().message;
  Outcome out;
  loop.Spawn(Call(&llm, &*schema, &out, &loop), "call");
  loop.Run();
  EXPECT_EQ(out.ended_at_us, c.ended_at_us);
  EXPECT_EQ(inner.calls, c.inner_called ? 1 : 0);
  if (!c.code) {
    ASSERT_TRUE(out.response.has_value()) << out.response.error().ToString();
    EXPECT_EQ(out.response->text == R"({"answer":"a b c","score":5})",
              c.logged_kind != "malformed");
  } else {
    ASSERT_FALSE(out.response.has_value());
    EXPECT_EQ(out.response.error().code, *c.code) << out.response.error().ToString();
  }
  if (c.logged_kind.empty()) {
    EXPECT_TRUE(control.log().empty());
  } else {
    ASSERT_EQ(control.log().size(), 1u);
    const InjectedFault& f = control.log()[0];
    EXPECT_EQ(FaultKindName(f.kind), c.logged_kind);
    EXPECT_EQ(f.backend, "llm");
    EXPECT_EQ(f.provider, "openai");
    EXPECT_EQ(f.site, c.site);
    EXPECT_EQ(f.at_us, c.logged_kind == "malformed" ? 100'000 : 0);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Sites, ChaosLlmTest,
    testing::Values(LlmCase{"", std::nullopt, 100'000, "", true},
                    LlmCase{"timeline", ErrorCode::kUnavailable, 200'000, "outage", false},
                    LlmCase{"llm.error", ErrorCode::kUnavailable, 200'000, "error", false},
                    LlmCase{"llm.timeout", ErrorCode::kDeadlineExceeded, 30'000'000, "timeout",
                            false},
                    LlmCase{"llm.rate_limit", ErrorCode::kResourceExhausted, 200'000,
                            "rate_limited", false},
                    LlmCase{"llm.stall", std::nullopt, 3'100'000, "stall", true},
                    LlmCase{"llm.malformed", std::nullopt, 100'000, "malformed", true},
                    LlmCase{"tts.error", std::nullopt, 100'000, "", true}));

TEST(ChaosLlmTest, RateLimitCarriesRetryAfter) {
  EventLoop loop;
  ChaosOptions o = Only("llm.rate_limit");
  o.retry_after_us = 750'000;
  FaultControl control(&loop, Chaos(o, Rng(1).Fork("chaos")));
  FixedLlm inner(&loop);
  ChaosLlm llm(&inner, &control, &loop);
  Outcome out;
  loop.Spawn(Call(&llm, nullptr, &out, &loop), "call");
  loop.Run();
  ASSERT_FALSE(out.response.has_value());
  EXPECT_EQ(out.response.error().retry_after_us, 750'000);
  EXPECT_EQ(out.response.error().message, "mock LLM: rate limited (retry after 750 ms; chaos)");
}

Task<void> GetKey(SharedCache* cache, std::string key,
                  Result<std::optional<std::string>>* out) {
  *out = co_await cache->Get(std::move(key));
}

TEST(ChaosSharedCacheTest, TimelineOutageRefusesAndScriptedOutageIsLogged) {
  EventLoop loop;
  MockSharedCacheOptions options;
  options.latency_ms = LogNormalSpec{1.0, 1.0};
  options.outages = {OutageWindow{5'000'000, 6'000'000}};
  MockSharedCache inner(&loop, Rng(2), options);
  inner.Seed("k", "v", 60 * kMicrosPerSecond);
  FaultControl control(&loop);
  ChaosSharedCache cache(&inner, &control, &loop, options.outages);

  Result<std::optional<std::string>> a = Unavailable("not run");
  loop.Spawn(GetKey(&cache, "k", &a), "a");
  loop.Run();
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->value_or(""), "v");
  EXPECT_TRUE(control.log().empty());

  control.StartOutage("shared_cache", "");
  Result<std::optional<std::string>> b = Unavailable("not run");
  loop.Spawn(GetKey(&cache, "k", &b), "b");
  loop.Run();
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(inner.stats().gets, 1u);  // refused before the cache
  EXPECT_TRUE(control.EndOutage("shared_cache", ""));

  loop.RunUntil(5'500'000);
  Result<std::optional<std::string>> c = Unavailable("not run");
  loop.Spawn(GetKey(&cache, "k", &c), "c");
  loop.Run();
  ASSERT_FALSE(c.has_value());  // the mock's own scripted outage
  EXPECT_EQ(inner.stats().errors, 1u);

  ASSERT_EQ(control.log().size(), 2u);
  EXPECT_EQ(control.log()[0].site, "timeline");
  EXPECT_EQ(control.log()[0].backend, "shared_cache");
  EXPECT_EQ(FaultKindName(control.log()[0].kind), "outage");
  EXPECT_EQ(control.log()[1].site, "");
  EXPECT_EQ(control.log()[1].at_us, 5'500'000);
}

}  // namespace
}  // namespace agentsim
