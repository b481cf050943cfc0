#include "core/security/map_secret_resolver.h"

#include <utility>

namespace agentsim {

MapSecretResolver::MapSecretResolver(std::map<std::string, std::string> values) {
  for (auto& [name, value] : values) secrets_.emplace(name, Secret(std::move(value)));
}

Result<Secret> MapSecretResolver::Resolve(std::string_view env_name) {
  auto it = secrets_.find(env_name);
  if (it == secrets_.end()) {
    return NotFound("secret environment variable " + std::string(env_name) + " is not set");
  }
  return it->second;
}

}  // namespace agentsim
