#include "core/security/secret_resolver.h"

#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "core/security/map_secret_resolver.h"

namespace agentsim {
namespace {

constexpr char kValue[] = "sk-abc123-very-secret";

MapSecretResolver MakeResolver() {
  return MapSecretResolver({{"OPENAI_API_KEY", kValue}, {"EMPTY_KEY", ""}});
}

TEST(SecretResolverTest, ResolvesAKnownVariable) {
  MapSecretResolver resolver = MakeResolver();
  Result<Secret> secret = resolver.Resolve("OPENAI_API_KEY");
  ASSERT_TRUE(secret.has_value()) << secret.error().ToString();
  EXPECT_EQ(secret->Reveal(), kValue);
  EXPECT_FALSE(secret->empty());
}

TEST(SecretResolverTest, AnEmptyValueIsSetNotMissing) {
  MapSecretResolver resolver = MakeResolver();
  Result<Secret> secret = resolver.Resolve("EMPTY_KEY");
  ASSERT_TRUE(secret.has_value());
  EXPECT_TRUE(secret->empty());
  EXPECT_EQ(secret->Reveal(), "");
}

TEST(SecretResolverTest, MissingVariableIsNotFoundNamingIt) {
  MapSecretResolver resolver = MakeResolver();
  for (std::string name : {"ANTHROPIC_API_KEY", "openai_api_key", ""}) {
    Result<Secret> secret = resolver.Resolve(name);
    ASSERT_FALSE(secret.has_value()) << name;
    EXPECT_EQ(secret.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(secret.error().message, "secret environment variable " + name + " is not set");
    EXPECT_EQ(secret.error().message.find(kValue), std::string::npos);
  }
}

TEST(SecretResolverTest, WorksThroughThePort) {
  std::unique_ptr<SecretResolver> port = std::make_unique<MapSecretResolver>(MakeResolver());
  Result<Secret> secret = port->Resolve("OPENAI_API_KEY");
  ASSERT_TRUE(secret.has_value());
  EXPECT_EQ(secret->Reveal(), kValue);
}

TEST(SecretResolverTest, FmtPrintsRedacted) {
  Secret secret(kValue);
  EXPECT_EQ(fmt::format("{}", secret), "[redacted]");
  EXPECT_EQ(fmt::format("key={} end", secret), "key=[redacted] end");
  EXPECT_EQ(fmt::format("[{:>12}]", secret), "[  [redacted]]");
  EXPECT_EQ(fmt::format("{}", Secret()), "[redacted]");
}

TEST(SecretResolverTest, SpdlogPrintsRedacted) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("secret_test", sink);
  logger.set_pattern("%l %v");
  Secret secret(kValue);
  logger.info("resolved api key {} for {}", secret, "openai");
  logger.flush();
  EXPECT_EQ(out.str(), "info resolved api key [redacted] for openai\n");
  EXPECT_EQ(out.str().find(kValue), std::string::npos);
}

TEST(SecretResolverTest, StreamPrintsRedacted) {
  std::ostringstream out;
  out << "key=" << Secret(kValue) << ";";
  EXPECT_EQ(out.str(), "key=[redacted];");
  EXPECT_EQ(out.str().find(kValue), std::string::npos);
}

TEST(SecretResolverTest, GoogleTestPrintsRedacted) {
  EXPECT_EQ(::testing::PrintToString(Secret(kValue)), "[redacted]");
}

}  // namespace
}  // namespace agentsim
