// Shared by the ConfigurationStore write-path tests (configuration_store_{writes,access,
// evolution}_test.cc): shipped configs to start from, principals, and a fixture over
// InMemoryDocumentStore with zero latency that runs each write to completion on the loop.
// A named namespace with inline definitions: one fixture class for every test file (gtest
// requires one fixture per test suite).
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/async/event_loop.h"
#include "core/config/configuration_store.h"
#include "core/security/audit_log.h"
#include "mocks/in_memory_document_store.h"

namespace agentsim::store_writes_test {

using nlohmann::json;
using ::testing::ElementsAre;

inline constexpr LogNormalSpec kNoLatency{0.0, 0.0};
inline constexpr const char* kAgent = "interview-strict-v1";

inline const Principal kAna{"ana", Role::kAdmin, "acme-hr"};
inline const Principal kDev{"dev", Role::kDeveloper, "acme-hr"};
inline const Principal kVic{"vic", Role::kViewer, "acme-hr"};
inline const Principal kGus{"gus", Role::kAdmin, "globex-support"};
inline const Principal kGlobexViewer{"gail", Role::kViewer, "globex-support"};

// A shipped config (scenarios/configs/<name>.json; comments allowed there), parsed.
inline json ShippedConfig(const std::string& name) {
  std::ifstream in(AGENTSIM_SOURCE_DIR "/scenarios/configs/" + name + ".json");
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str(), nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
}

// scenarios/configs/interview-strict-v1.json (1.0.0, tenant acme-hr) as a base to change.
inline json Strict() { return ShippedConfig(kAgent); }

inline json StrictVersion(const std::string& version) {
  json doc = Strict();
  doc["version"] = version;
  return doc;
}

// The credibility_score field (index 3) with `le` set.
inline json StrictWithLe(const std::string& agent_id, const std::string& version, int le) {
  json doc = Strict();
  doc["agent_id"] = agent_id;
  doc["version"] = version;
  json& field = doc["schema_config"]["fields"][3];
  EXPECT_EQ(field["field_name"], "credibility_score");
  field["constraints"]["le"] = le;
  return doc;
}

inline std::string StatusText(const Status& s) { return s ? "OK" : s.error().ToString(); }
template <typename T>
inline std::string ResultText(const Result<T>& r) {
  return r ? "OK" : r.error().ToString();
}

// "<sequence> <user>(<role>) <tenant> <action> <agent_id> <version> <outcome>[: <detail>]"
inline std::string AuditLine(const AuditEntry& e) {
  return std::to_string(e.sequence) + " " + e.user_id + "(" + e.role + ") " + e.tenant_id + " " +
         e.action + " " + e.agent_id + " " + e.version + " " + e.outcome +
         (e.detail.empty() ? "" : ": " + e.detail);
}

template <typename T>
Task<void> Capture(Task<T> task, std::optional<T>* out) {
  auto value = co_await std::move(task);
  out->emplace(std::move(value));
}

enum class Op { kCreate, kUpdate, kDeprecate, kList };

class ConfigurationStoreWritesTest : public ::testing::Test {
 protected:
  // `who` creates 1.1.0, disables 1.0.0, deprecates 1.0.0 or lists the versions: "OK" or the
  // error.
  std::string Apply(Op op, const Principal& who) {
    switch (op) {
      case Op::kCreate:
        return ResultText(Create(who, StrictVersion("1.1.0")));
      case Op::kUpdate:
        return StatusText(Update(who, "1.0.0", {{"enabled", false}}));
      case Op::kDeprecate:
        return StatusText(Deprecate(who, "1.0.0"));
      case Op::kList:
        return ResultText(List(who));
    }
    return "unknown op";
  }

  static ConfigurationStoreOptions Options() {
    ConfigurationStoreOptions o;
    o.l1_ttl_us = 300 * kMicrosPerSecond;  // a stale L1 entry would survive the whole test
    return o;
  }

  // Runs `task` on the loop to completion.
  template <typename T>
  T Run(Task<T> task) {
    std::optional<T> out;
    loop_.Spawn(Capture(std::move(task), &out), "write");
    loop_.Run();
    EXPECT_TRUE(loop_.UnfinishedRoots().empty());
    return std::move(*out);
  }

  Result<ConfigRecord> Create(const Principal& who, const json& doc) {
    return Run(store_.CreateAgentConfig(who, doc.dump(2)));
  }
  Status Update(const Principal& who, const std::string& version, json changes,
                const std::string& agent_id = kAgent) {
    return Run(store_.UpdateAgentConfig(who, agent_id, version, std::move(changes)));
  }
  Status Deprecate(const Principal& who, const std::string& version,
                   const std::string& agent_id = kAgent) {
    return Run(store_.DeprecateAgentConfig(who, agent_id, version));
  }
  Result<std::vector<ConfigRecord>> List(const Principal& who,
                                         const std::string& agent_id = kAgent) {
    return Run(store_.ListVersions(who, agent_id));
  }
  // The version GetAgentConfig serves now, or the error.
  std::string Current(const std::string& agent_id = kAgent) {
    Result<std::shared_ptr<const AgentConfig>> config = Run(store_.GetAgentConfig(agent_id));
    return config ? (*config)->version : config.error().ToString();
  }
  ConfigRecord Stored(const std::string& version, const std::string& agent_id = kAgent) {
    Result<ConfigRecord> r = Run(l3_.GetVersion(agent_id, version));
    EXPECT_TRUE(r) << r.error().ToString();
    return r ? *r : ConfigRecord{};
  }
  std::vector<AuditEntry> AuditEntries() { return Run(l3_.ReadAudit()).value(); }
  std::vector<std::string> AuditLines() {
    std::vector<std::string> out;
    for (const AuditEntry& e : AuditEntries()) out.push_back(AuditLine(e));
    return out;
  }
  std::string LastAuditLine() {
    std::vector<AuditEntry> entries = AuditEntries();
    return entries.empty() ? "(none)" : AuditLine(entries.back());
  }

  EventLoop loop_;
  InMemoryDocumentStore l3_{&loop_, Rng(1), {kNoLatency, {}}};
  AuditLog audit_{&l3_, &loop_};
  ConfigurationStore store_{&l3_, nullptr, &loop_, Rng(2), Options(), nullptr, &audit_};
};

}  // namespace agentsim::store_writes_test
