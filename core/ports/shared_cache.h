// SharedCache port (L2): a cache shared by every worker (Redis in the seed), holding config
// documents as text with a TTL. The simulator's is mocks/mock_shared_cache.h (latency, outages).
#pragma once

#include <optional>
#include <string>

#include "core/async/task.h"
#include "core/ports/clock.h"
#include "core/util/error.h"

namespace agentsim {

class SharedCache {
 public:
  virtual ~SharedCache() = default;
  // The value, or nullopt when absent or expired. Errors: kUnavailable (cache down).
  virtual Task<Result<std::optional<std::string>>> Get(std::string key) = 0;
  // Stores `value` for `ttl_us` (seed: SETEX). Errors: kUnavailable.
  virtual Task<Status> Set(std::string key, std::string value, Micros ttl_us) = 0;
  // Removes `key` (absent is not an error). Errors: kUnavailable.
  virtual Task<Status> Delete(std::string key) = 0;
};

}  // namespace agentsim
