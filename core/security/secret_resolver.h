// Secrets (seed: "Secrets Management"): configurations never hold a secret, only the name of the
// environment variable that does ("api_key_env": "OPENAI_API_KEY"). A SecretResolver port turns
// that name into a Secret when a backend is built; core never reads the environment itself
// (MapSecretResolver serves the simulator and tests; a getenv-based one lives outside core).
//
// A Secret never prints its value: operator<<, fmt ("{}") and so spdlog write "[redacted]". The
// value is reachable only through Reveal(), which makes every use greppable. This guards against
// accidental logging, not against memory disclosure: the value is not wiped on destruction.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/util/error.h"

namespace agentsim {

// What a Secret prints as, everywhere.
inline constexpr std::string_view kRedacted = "[redacted]";

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}

  // The value, for the one call that needs it (e.g. an Authorization header). Never log it.
  const std::string& Reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

// Writes "[redacted]" (also what GoogleTest prints for a Secret).
inline std::ostream& operator<<(std::ostream& os, const Secret&) { return os << kRedacted; }

// SecretResolver port. Thread rules: implementations say; MapSecretResolver is immutable after
// construction and so safe to share.
class SecretResolver {
 public:
  virtual ~SecretResolver() = default;
  // The secret held by environment variable `env_name`. Errors: kNotFound naming the variable
  // (never a value), e.g. "secret environment variable OPENAI_API_KEY is not set".
  virtual Result<Secret> Resolve(std::string_view env_name) = 0;
};

}  // namespace agentsim

// fmt::format("{}", secret) == "[redacted]"; string format specs apply ("{:>12}").
template <>
struct fmt::formatter<agentsim::Secret> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const agentsim::Secret&, FormatContext& ctx) const -> decltype(ctx.out()) {
    return fmt::formatter<std::string_view>::format(agentsim::kRedacted, ctx);
  }
};
