// MapSecretResolver: a SecretResolver over a fixed map from environment-variable name to value,
// for the simulator and tests (no process environment is read).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "core/security/secret_resolver.h"
#include "core/util/error.h"

namespace agentsim {

class MapSecretResolver final : public SecretResolver {
 public:
  // `values`: name -> secret value. An empty value is a set (empty) secret, not a missing one.
  explicit MapSecretResolver(std::map<std::string, std::string> values);

  // Errors: kNotFound "secret environment variable NAME is not set".
  Result<Secret> Resolve(std::string_view env_name) override;

 private:
  std::map<std::string, Secret, std::less<>> secrets_;
};

}  // namespace agentsim
