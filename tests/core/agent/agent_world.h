// What the single-session agent tests share: a loop with a config store whose reads take 4 ms,
// the interview-strict-v1 config of scenarios/configs (tenant acme-hr), a room monitor that keeps
// every data message, and a structured answer that satisfies that config's schema.
#pragma once

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "core/async/event_loop.h"
#include "core/config/configuration_store.h"
#include "mocks/in_memory_document_store.h"
#include "mocks/mock_room.h"
#include "sim/file_source.h"

namespace agentsim::agent_test_clients {

// A valid interview_v1 answer (every field, internal_assessment hidden).
inline constexpr const char* kInterviewAnswer =
    R"({"system_response":"Tell me about your last project.","voice_instructions":"Warm.",)"
    R"("internal_assessment":"Strong opener.","credibility_score":72,)"
    R"("interview_stage":"introduction","sentiment":"positive"})";

// interview-strict-v1 1.0.0 of tenant acme-hr, as a store record.
inline ConfigRecord InterviewStrictRecord() {
  DiskFileSource files(AGENTSIM_SOURCE_DIR "/scenarios/configs");
  auto text = files.Read("interview-strict-v1.json");
  EXPECT_TRUE(text.has_value());
  ConfigRecord record;
  record.agent_id = "interview-strict-v1";
  record.version = "1.0.0";
  record.tenant_id = "acme-hr";
  record.json_text = text.value_or("");
  return record;
}

inline InMemoryDocumentStoreOptions FourMsStore() {
  InMemoryDocumentStoreOptions o;
  o.latency_ms = LogNormalSpec{4.0, 4.0};
  return o;
}

struct AgentWorld {
  EventLoop loop;
  InMemoryDocumentStore store{&loop, Rng(1), FourMsStore()};
  ConfigurationStore configs{&store, nullptr, &loop, Rng(3), ConfigurationStoreOptions{}};
  RoomMonitor monitor{&loop, nullptr, /*keep_messages=*/true};
};

}  // namespace agentsim::agent_test_clients
