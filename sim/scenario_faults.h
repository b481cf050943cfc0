// Fault models and resilience settings of a scenario (docs/scenario-format.md, "Faults and
// resilience"):
//   backends.llm.faults / backends.tts.faults        defaults for every provider
//   backends.llm.providers.<name> / .tts.providers   per provider (request.provider)
//   resilience: {breaker: {...}, budget: {...}}      per worker and provider (core/resilience)
// Fault object keys (mocks/backend_faults.h): error_rate, timeout_rate, hang_ms,
// rate_limit_rate, retry_after_ms, rate_limit_per_second, rate_limit_burst, stall_rate,
// stall_ms, outages [{start_s, end_s}].
//   backends.room.faults: {disconnect_per_publish, session_disconnect_rate,
//                          disconnect_after_ms: {median, p95}}   (mocks/mock_room.h)
//   chaos: {enabled, site_probability, fire_probability, sites: [names], error_after_ms,
//           hang_ms, retry_after_ms, stall_ms, slow_ms}           (mocks/chaos.h)
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json/json_document.h"
#include "core/resilience/resilience_registry.h"
#include "mocks/backend_faults.h"
#include "mocks/chaos.h"
#include "mocks/mock_room.h"

namespace agentsim {

// Reads an optional array of outage windows [{start_s, end_s}] at `pointer` (absent: empty).
std::vector<OutageWindow> ReadOutageList(const JsonDocument& doc, const std::string& pointer,
                                         std::vector<std::string>* errors);
// Reads the fault object at `pointer` (absent: `fallback`). Every problem goes to `errors`.
BackendFaults ReadBackendFaults(const JsonDocument& doc, const std::string& pointer,
                                std::vector<std::string>* errors, BackendFaults fallback = {});
// Reads the object of provider -> fault object at `pointer` (absent: empty).
std::map<std::string, BackendFaults, std::less<>> ReadProviderFaults(
    const JsonDocument& doc, const std::string& pointer, std::vector<std::string>* errors);
// Reads "chaos" (absent: disabled). Errors: a site name not in mocks/chaos_sites.h, an empty
// "sites" (omit it for every site), a site listed twice.
ChaosOptions ReadChaos(const JsonDocument& doc, std::vector<std::string>* errors);
// Reads the room fault object at `pointer` (absent: no disconnects).
RoomFaults ReadRoomFaults(const JsonDocument& doc, const std::string& pointer,
                          std::vector<std::string>* errors);
// Reads "resilience" (absent: nullopt: no breakers or budgets; configs still retry).
std::optional<ResilienceOptions> ReadResilience(const JsonDocument& doc,
                                                std::vector<std::string>* errors);

}  // namespace agentsim
