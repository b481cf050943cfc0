#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/config/agent_config.h"
#include "core/schema/dynamic_schema.h"
#include "mocks/mock_llm.h"
#include "sim/file_source.h"

namespace agentsim {
namespace {

struct Chunk {
  std::string text;
  Micros at_us;
};

class RecordingStream final : public LlmStreamObserver {
 public:
  void OnChunk(std::string_view chunk, Micros at_us) override {
    chunks.push_back(Chunk{std::string(chunk), at_us});
  }
  std::vector<Chunk> chunks;
};

Task<void> StreamCall(MockLlm* llm, LlmRequest request, Result<LlmResponse>* out) {
  *out = co_await llm->Complete(request);
}

// Streaming changes neither the text nor the instants of the first and last token; the chunks
// are the text in four-byte tokens, the first at first_token_at_us and the last at
// completed_at_us.
TEST(MockLlmStreamTest, StreamedChunksMatchTheUnstreamedCall) {
  DiskFileSource files(AGENTSIM_SOURCE_DIR "/scenarios/configs");
  auto text = files.Read("interview-strict-v1.json");
  ASSERT_TRUE(text.has_value());
  auto config = ParseAgentConfig("interview-strict-v1.json", *text);
  ASSERT_TRUE(config.has_value());
  for (int max_tokens : {512, 10}) {
    Result<LlmResponse> results[2];
    RecordingStream stream;
    for (int streamed = 0; streamed < 2; ++streamed) {
      EventLoop loop;
      MockLlm llm(&loop, Rng(7), MockLlmOptions{}, &ResponseCorpus::BuiltIn());
      LlmRequest request;
      request.response_schema = &config->schema;
      request.max_tokens = max_tokens;
      request.seed = 42;
      if (streamed == 1) request.stream = &stream;
      loop.Spawn(StreamCall(&llm, request, &results[streamed]), "call");
      loop.Run();
      EXPECT_EQ(loop.live_roots(), 0u);
    }
    ASSERT_TRUE(results[0].has_value());
    ASSERT_TRUE(results[1].has_value());
    const LlmResponse& plain = *results[0];
    const LlmResponse& streamed = *results[1];
    EXPECT_EQ(streamed.text, plain.text);
    EXPECT_EQ(streamed.first_token_at_us, plain.first_token_at_us);
    EXPECT_EQ(streamed.completed_at_us, plain.completed_at_us);
    ASSERT_EQ(static_cast<int>(stream.chunks.size()), plain.output_tokens);
    std::string joined;
    Micros last = 0;
    for (const Chunk& c : stream.chunks) {
      joined += c.text;
      EXPECT_LE(c.text.size(), 4u);
      EXPECT_GE(c.at_us, last);
      last = c.at_us;
    }
    EXPECT_EQ(joined, plain.text);
    EXPECT_EQ(stream.chunks.front().at_us, plain.first_token_at_us);
    EXPECT_EQ(stream.chunks.back().at_us, plain.completed_at_us);
    // Exact instants for this seed (µs): the first token, the last one, and the token count.
    const Micros want_done = max_tokens == 512 ? 1254649 : 462837;
    EXPECT_EQ(plain.first_token_at_us, 361033);
    EXPECT_EQ(plain.completed_at_us, want_done);
    EXPECT_EQ(plain.output_tokens, max_tokens == 512 ? 80 : 10);
  }
}

}  // namespace
}  // namespace agentsim
