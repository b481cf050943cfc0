// The chaos mode's fault sites (docs/faults.md): every place a BUGGIFY-style fault can be
// injected, named once here. The name is the key of the site's Rng stream (so adding a site
// never moves another's draws), the `chaos.sites` entry of a scenario and the `site` column of
// the report's injected_fault and chaos_site tables. Order: the chaos_site table's row order.
//
//   site                 opportunity                          what firing does
//   llm.error            every LLM call                       kUnavailable after error_after_ms
//   llm.timeout          every LLM call                       hangs hang_ms, then kDeadlineExceeded
//   llm.rate_limit       every LLM call                       kResourceExhausted, Retry-After
//                                                             retry_after_ms
//   llm.malformed        every non-streaming structured call  the output is malformed (one of the
//                        that succeeded                       12 kinds of mocks/malformed_output.h)
//   llm.stall            every LLM call                       first token stall_ms late
//   tts.error            every TTS call                       kUnavailable after error_after_ms
//   tts.timeout          every TTS call                       hangs hang_ms, then kDeadlineExceeded
//   tts.stall            every TTS call                       first byte stall_ms late
//   room.disconnect      every publish (data or audio)        the session's connection drops
//   store.outage         every document store (L3) call       kUnavailable after error_after_ms
//   store.slow           every document store (L3) call       slow_ms extra latency
//   shared_cache.outage  every shared cache (L2) call         kUnavailable after error_after_ms
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace agentsim {

enum class ChaosSite {
  kLlmError,
  kLlmTimeout,
  kLlmRateLimit,
  kLlmMalformed,
  kLlmStall,
  kTtsError,
  kTtsTimeout,
  kTtsStall,
  kRoomDisconnect,
  kStoreOutage,
  kStoreSlow,
  kSharedCacheOutage,
};

inline constexpr std::array<std::string_view, 12> kChaosSiteNames = {
    "llm.error",      "llm.timeout",     "llm.rate_limit",  "llm.malformed",
    "llm.stall",      "tts.error",       "tts.timeout",     "tts.stall",
    "room.disconnect", "store.outage",   "store.slow",      "shared_cache.outage",
};
inline constexpr std::size_t kChaosSiteCount = kChaosSiteNames.size();

inline constexpr std::string_view ChaosSiteName(ChaosSite site) {
  return kChaosSiteNames[static_cast<std::size_t>(site)];
}

// The site named `name`, or nullopt.
inline std::optional<ChaosSite> ChaosSiteByName(std::string_view name) {
  for (std::size_t i = 0; i < kChaosSiteCount; ++i) {
    if (kChaosSiteNames[i] == name) return static_cast<ChaosSite>(i);
  }
  return std::nullopt;
}

}  // namespace agentsim
