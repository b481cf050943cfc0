#include "mocks/in_memory_document_store.h"

namespace agentsim {

Task<Result<std::string>> InMemoryDocumentStore::GetConfig(std::string agent_id) {
  ++reads_;
  co_await loop_->Sleep(options_.latency_ms.SampleMillisAsMicros(rng_));
  auto it = documents_.find(agent_id);
  if (it == documents_.end()) co_return NotFound("no config for agent " + agent_id);
  co_return it->second;
}

Task<Status> InMemoryDocumentStore::PutConfig(std::string agent_id, std::string json_text) {
  co_await loop_->Sleep(options_.latency_ms.SampleMillisAsMicros(rng_));
  documents_[std::move(agent_id)] = std::move(json_text);
  co_return Status{};
}

void InMemoryDocumentStore::Insert(std::string agent_id, std::string json_text) {
  documents_[std::move(agent_id)] = std::move(json_text);
}

}  // namespace agentsim
