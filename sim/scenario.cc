#include "sim/scenario.h"

#include <cmath>
#include <set>

#include "core/config/config_validator.h"
#include "core/json/json_document.h"
#include "core/util/strings.h"
#include "core/json/object_reader.h"
#include "sim/scenario_faults.h"
#include "sim/workload/file_reader.h"
#include "sim/workload/workload_json.h"

namespace agentsim {
namespace {

std::optional<LogNormalSpec> ReadLogNormal(const JsonDocument& doc, const std::string& pointer,
                                           std::vector<std::string>* errors,
                                           LogNormalSpec fallback) {
  ObjectReader r(doc, pointer, errors, /*required=*/false);
  if (!r.present()) return fallback;
  r.AllowOnly({"median", "p95"});
  auto median = r.Number("median", Required::kYes, 1e-6, 1e9);
  auto p95 = r.Number("p95", Required::kYes, 1e-6, 1e9);
  if (!median || !p95) return std::nullopt;
  if (*p95 < *median) {
    r.Fail("p95", "expected p95 >= median (" + nlohmann::json(*median).dump() + ")");
    return std::nullopt;
  }
  return LogNormalSpec{*median, *p95};
}

// Population tenants (workload.population.tenants) must each have an agent in the scenario
// (their sessions go to those agents); a tier given there sets the tenant's tier for quotas.
void CheckPopulationTenants(const JsonDocument& doc, Scenario& s,
                            std::vector<std::string>* errors) {
  std::set<std::string> agent_tenants;
  for (const ScenarioAgent& a : s.agents) agent_tenants.insert(a.config->tenant.tenant_id);
  std::string known;
  for (const std::string& t : agent_tenants) known += (known.empty() ? "" : ", ") + t;
  for (std::size_t i = 0; i < s.workload.tenants.size(); ++i) {
    const TenantShare& t = s.workload.tenants[i];
    ObjectReader r(doc, "/workload/population/tenants/" + std::to_string(i), errors);
    if (!agent_tenants.contains(t.tenant_id)) {
      std::string hint;
      for (const std::string& candidate : agent_tenants) {
        if (hint.empty()) hint = DidYouMean(t.tenant_id, {candidate});
      }
      r.Fail("tenant_id", "unknown tenant \"" + t.tenant_id + "\": no agent of the scenario " +
                              "belongs to it" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                              "; the agents' tenants are " + known);
      continue;
    }
    if (t.tier.empty()) continue;
    if (!s.tiers.contains(t.tier)) {
      std::string tiers;
      for (const auto& [name, q] : s.tiers) tiers += (tiers.empty() ? "" : ", ") + name;
      r.Fail("tier", "unknown tier \"" + t.tier + "\"; expected one of " + tiers);
      continue;
    }
    s.tenant_tiers[t.tenant_id] = t.tier;
  }
}

void ReadConfigStore(const JsonDocument& doc, Scenario& s, std::vector<std::string>* errors) {
  ObjectReader r(doc, "/config_store", errors, /*required=*/false);
  r.AllowOnly({"l1_ttl_ms", "l1_capacity", "l2_ttl_ms", "negative_ttl_ms", "ttl_jitter",
               "pool_size", "pool_acquire_timeout_ms", "stats_window_s"});
  ConfigurationStoreOptions& o = s.config_store;
  auto ms = [](double v) { return static_cast<Micros>(std::llround(v * 1000.0)); };
  if (auto v = r.Number("l1_ttl_ms", Required::kNo, 0, 1e10)) o.l1_ttl_us = ms(*v);
  if (auto v = r.Integer("l1_capacity", Required::kNo, 1, 100'000'000)) {
    o.l1_capacity = static_cast<std::size_t>(*v);
  }
  if (auto v = r.Number("l2_ttl_ms", Required::kNo, 0, 1e10)) o.l2_ttl_us = ms(*v);
  if (auto v = r.Number("negative_ttl_ms", Required::kNo, 0, 1e10)) o.negative_ttl_us = ms(*v);
  if (auto v = r.Number("ttl_jitter", Required::kNo, 0, 0.99)) o.ttl_jitter = *v;
  if (auto v = r.Integer("pool_size", Required::kNo, 1, 1'000'000)) {
    o.pool_size = static_cast<std::size_t>(*v);
  }
  if (auto v = r.Number("pool_acquire_timeout_ms", Required::kNo, 0, 1e10)) {
    o.pool_acquire_timeout_us = ms(*v);
  }
  if (auto v = r.Number("stats_window_s", Required::kNo, 0.001, 1e7)) {
    o.stats_window_us = static_cast<Micros>(std::llround(*v * 1e6));
  }
}

void ReadTenancy(const JsonDocument& doc, Scenario& s, std::vector<std::string>* errors) {
  s.tiers = DefaultTierQuotas();
  ObjectReader quotas(doc, "/quotas", errors, /*required=*/false);
  if (quotas.present()) {
    for (const auto& [tier, value] : doc.root().at("quotas").items()) {
      ObjectReader q(doc, "/quotas/" + EscapePointerToken(tier), errors);
      q.AllowOnly({"max_sessions", "max_agents", "max_llm_calls_per_day"});
      TierQuota quota = s.tiers.contains(tier) ? s.tiers[tier] : TierQuota{};
      if (auto v = q.Integer("max_sessions", Required::kNo, 0, INT64_MAX)) quota.max_sessions = *v;
      if (auto v = q.Integer("max_agents", Required::kNo, 0, INT64_MAX)) quota.max_agents = *v;
      if (auto v = q.Integer("max_llm_calls_per_day", Required::kNo, 0, INT64_MAX)) {
        quota.max_llm_calls_per_day = *v;
      }
      s.tiers[tier] = quota;
    }
  }
  std::map<std::string, std::string> tier_source;  // tenant -> the config that set its tier
  for (const ScenarioAgent& a : s.agents) {
    const std::string& tenant = a.config->tenant.tenant_id;
    auto [it, inserted] = s.tenant_tiers.emplace(tenant, a.config->tenant.tier);
    if (inserted) {
      tier_source[tenant] = a.config_path;
    } else if (it->second != a.config->tenant.tier && doc.root().find("tenants") == doc.root().end()) {
      errors->push_back(doc.Describe("/agents", "tenant " + tenant + " has tier " + it->second +
                                                    " in " + tier_source[tenant] + " but " +
                                                    a.config->tenant.tier + " in " +
                                                    a.config_path + "; set it in \"tenants\""));
    }
  }
  const auto tenants = doc.root().find("tenants");
  if (tenants != doc.root().end()) {
    if (!tenants->is_array()) {
      errors->push_back(doc.Describe("/tenants", "expected an array of {\"tenant_id\", \"tier\"}"));
      return;
    }
    std::map<std::string, std::size_t> seen;  // tenant_id -> index
    for (std::size_t i = 0; i < tenants->size(); ++i) {
      ObjectReader t(doc, "/tenants/" + std::to_string(i), errors);
      t.AllowOnly({"tenant_id", "tier"});
      auto id = t.String("tenant_id", Required::kYes);
      auto tier = t.String("tier", Required::kYes);
      // A second entry would silently overwrite the first's tier.
      bool duplicate = false;
      if (id) {
        if (auto [it, inserted] = seen.emplace(*id, i); !inserted) {
          t.Fail("tenant_id", "duplicate tenant_id \"" + *id + "\" (first at /tenants/" +
                                  std::to_string(it->second) + ")");
          duplicate = true;
        }
      }
      if (tier && !s.tiers.contains(*tier)) {
        std::string known;
        for (const auto& [name, q] : s.tiers) known += (known.empty() ? "" : ", ") + name;
        t.Fail("tier", "unknown tier \"" + *tier + "\"; expected one of " + known);
      } else if (id && tier && !duplicate) {
        s.tenant_tiers[*id] = *tier;
      }
    }
  }
  if (auto v = ObjectReader(doc, "", errors).Bool("quotas_enabled", Required::kNo)) {
    s.quotas_enabled = *v;
  }
}

void ReadSecrets(const JsonDocument& doc, Scenario& s, std::vector<std::string>* errors) {
  ObjectReader r(doc, "/secrets", errors, /*required=*/false);
  if (!r.present()) return;
  for (const auto& [name, value] : doc.root().at("secrets").items()) {
    if (!value.is_string()) {
      r.Fail(name, "expected a string (the secret's value), got " + DescribeJson(value));
      continue;
    }
    s.secrets[name] = value.get<std::string>();
  }
}

void ReadBackends(const JsonDocument& doc, Scenario& s, std::vector<std::string>* errors) {
  ObjectReader backends(doc, "/backends", errors, /*required=*/false);
  backends.AllowOnly({"llm", "tts", "store", "shared_cache", "room"});
  ObjectReader room(doc, "/backends/room", errors, false);
  room.AllowOnly({"faults"});
  s.room_faults = ReadRoomFaults(doc, "/backends/room/faults", errors);
  ObjectReader llm(doc, "/backends/llm", errors, false);
  llm.AllowOnly({"ttft_ms", "per_token_ms", "optional_field_rate", "malformed_rate",
                 "malformed_weights", "error_rate", "faults", "providers"});
  s.llm.faults = ReadBackendFaults(doc, "/backends/llm/faults", errors);
  s.llm.provider_faults = ReadProviderFaults(doc, "/backends/llm/providers", errors);
  if (auto v = ReadLogNormal(doc, "/backends/llm/ttft_ms", errors, s.llm.ttft_ms)) {
    s.llm.ttft_ms = *v;
  }
  if (auto v = ReadLogNormal(doc, "/backends/llm/per_token_ms", errors, s.llm.per_token_ms)) {
    s.llm.per_token_ms = *v;
  }
  if (auto v = llm.Number("optional_field_rate", Required::kNo, 0, 1)) {
    s.llm.optional_field_rate = *v;
  }
  if (auto v = llm.Number("malformed_rate", Required::kNo, 0, 1)) s.llm.malformed_rate = *v;
  if (auto v = llm.Number("error_rate", Required::kNo, 0, 1)) s.llm.error_rate = *v;
  ObjectReader weights(doc, "/backends/llm/malformed_weights", errors, false);
  weights.AllowOnly({"not_json", "missing_required", "wrong_type", "fenced", "prose_wrapped",
                     "trailing_comma", "string_encoded_numbers", "wrong_case_enum", "truncated",
                     "refusal", "empty", "whitespace_only", "multiple_objects", "raw_newline",
                     "invalid_escape"});
  double malformation_total = 0;
  for (int m = 0; m < kOutputMalformationCount; ++m) {
    const std::string_view name = OutputMalformationName(static_cast<OutputMalformation>(m));
    if (auto v = weights.Number(name, Required::kNo, 0, 1e6)) {
      s.llm.malformation_weights[static_cast<std::size_t>(m)] = *v;
      malformation_total += *v;
    }
  }
  if (auto v = weights.Number("not_json", Required::kNo, 0, 1e6)) s.llm.not_json_weight = *v;
  if (auto v = weights.Number("missing_required", Required::kNo, 0, 1e6)) {
    s.llm.missing_required_weight = *v;
  }
  if (auto v = weights.Number("wrong_type", Required::kNo, 0, 1e6)) s.llm.wrong_type_weight = *v;
  if (s.llm.not_json_weight + s.llm.missing_required_weight + s.llm.wrong_type_weight +
          malformation_total <= 0) {
    weights.Fail("", "expected at least one positive weight");
  }

  ObjectReader tts(doc, "/backends/tts", errors, false);
  tts.AllowOnly({"ttfb_ms", "chars_per_second", "realtime_factor", "error_rate", "faults",
                 "providers"});
  s.tts.faults = ReadBackendFaults(doc, "/backends/tts/faults", errors);
  s.tts.provider_faults = ReadProviderFaults(doc, "/backends/tts/providers", errors);
  if (auto v = ReadLogNormal(doc, "/backends/tts/ttfb_ms", errors, s.tts.ttfb_ms)) {
    s.tts.ttfb_ms = *v;
  }
  if (auto v = tts.Number("chars_per_second", Required::kNo, 0.1, 1000)) {
    s.tts.chars_per_second = *v;
  }
  if (auto v = tts.Number("realtime_factor", Required::kNo, 0, 100)) s.tts.realtime_factor = *v;
  if (auto v = tts.Number("error_rate", Required::kNo, 0, 1)) s.tts.error_rate = *v;

  ObjectReader store(doc, "/backends/store", errors, false);
  store.AllowOnly({"latency_ms", "outages"});
  if (auto v = ReadLogNormal(doc, "/backends/store/latency_ms", errors, s.store.latency_ms)) {
    s.store.latency_ms = *v;
  }
  s.store.outages = ReadOutageList(doc, "/backends/store/outages", errors);

  ObjectReader cache(doc, "/backends/shared_cache", errors, false);
  cache.AllowOnly({"enabled", "latency_ms", "outages"});
  if (auto v = cache.Bool("enabled", Required::kNo)) s.shared_cache_enabled = *v;
  if (auto v = ReadLogNormal(doc, "/backends/shared_cache/latency_ms", errors,
                             s.shared_cache.latency_ms)) {
    s.shared_cache.latency_ms = *v;
  }
  s.shared_cache.outages = ReadOutageList(doc, "/backends/shared_cache/outages", errors);
}

// Loads the agent configs; problems in a config file are reported with that file's locations.
void ReadAgents(const JsonDocument& doc, const FileSource& files, Scenario& s,
                std::vector<std::string>* errors) {
  const auto it = doc.root().find("agents");
  if (it == doc.root().end() || !it->is_array() || it->empty()) {
    errors->push_back(doc.Describe("/agents", "expected a non-empty array of {\"config\": PATH, "
                                              "\"weight\": NUMBER}"));
    return;
  }
  for (std::size_t i = 0; i < it->size(); ++i) {
    ObjectReader r(doc, "/agents/" + std::to_string(i), errors);
    r.AllowOnly({"config", "weight"});
    auto path = r.String("config", Required::kYes);
    auto weight = r.Number("weight", Required::kNo, 0, 1e9);
    if (!path) continue;
    ScenarioAgent agent;
    agent.config_path = *path;
    agent.weight = weight.value_or(1.0);
    Result<std::string> text = files.Read(*path);
    if (!text) {
      r.Fail("config", text.error().message);
      continue;
    }
    agent.json_text = *text;
    // The same checks as `agentsim validate`, so a run never uses a config the store would refuse.
    std::optional<JsonDocument> config_doc =
        ParseValidAgentConfig(files.DisplayPath(*path), *text, errors);
    if (!config_doc) continue;
    Result<AgentConfig> config = ParseAgentConfig(*config_doc);
    if (!config) {
      errors->push_back(config.error().message);
      continue;
    }
    for (const ScenarioAgent& other : s.agents) {
      if (other.config->agent_id == config->agent_id) {
        r.Fail("config", "agent_id '" + config->agent_id + "' is already defined by " +
                             other.config_path);
      }
    }
    agent.config = std::make_shared<const AgentConfig>(std::move(*config));
    s.agents.push_back(std::move(agent));
  }
  double total = 0;
  for (const ScenarioAgent& a : s.agents) total += a.weight;
  if (!s.agents.empty() && total <= 0) {
    errors->push_back(doc.Describe("/agents", "expected at least one agent with weight > 0"));
  }
}

void ReadUtterances(const JsonDocument& doc, const FileSource& files,
                    const ScenarioOverrides& overrides, Scenario& s,
                    std::vector<std::string>* errors) {
  if (overrides.transcripts_path) {
    s.utterances.kind = UtteranceSource::Kind::kTranscripts;
    s.utterances.path = *overrides.transcripts_path;
    Result<std::vector<Conversation>> loaded =
        LoadTranscripts(*overrides.transcripts_path, &s.utterances.transcript_load);
    if (!loaded) {
      errors->push_back("--transcripts: " + loaded.error().message);
    } else {
      s.utterances.conversations = std::move(*loaded);
    }
    return;
  }
  ObjectReader r(doc, "/utterances", errors);
  r.AllowOnly({"source", "path"});
  auto source = r.Enum("source", Required::kYes, {"corpus", "transcripts"});
  auto path = r.String("path", Required::kYes);
  if (!source || !path) return;
  s.utterances.path = *path;
  if (*source == "corpus") {
    s.utterances.kind = UtteranceSource::Kind::kCorpus;
    Result<std::string> text = files.Read(*path);
    if (!text) {
      r.Fail("path", text.error().message);
      return;
    }
    Result<InterviewCorpus> corpus = ParseInterviewCorpus(files.DisplayPath(*path), *text);
    if (!corpus) {
      // Located in the corpus file; each line also at the "path" that names it.
      r.FailEachLine("path", corpus.error().message);
      return;
    }
    s.utterances.corpus = std::move(*corpus);
    return;
  }
  s.utterances.kind = UtteranceSource::Kind::kTranscripts;
  std::optional<std::string> disk = files.DiskPath(*path);
  if (!disk) {
    r.Fail("path", "transcripts must be files on disk (this scenario is embedded); use "
                   "--transcripts FILE_OR_DIR");
    return;
  }
  Result<std::vector<Conversation>> loaded = LoadTranscripts(*disk, &s.utterances.transcript_load);
  if (!loaded) {
    r.Fail("path", loaded.error().message);
    return;
  }
  s.utterances.conversations = std::move(*loaded);
}

}  // namespace

Result<Scenario> LoadScenario(const FileSource& files, const std::string& relative_path,
                              const ScenarioOverrides& overrides) {
  Result<std::string> text = files.Read(relative_path);
  if (!text) return std::unexpected(text.error());
  // A repeated key is reported with the scenario's other problems, which are checked with the
  // key's last value.
  std::vector<std::string> errors;
  Result<JsonDocument> parsed = JsonDocument::ParseListingDuplicates(
      files.DisplayPath(relative_path), *text, /*allow_comments=*/true, &errors);
  if (!parsed) return std::unexpected(parsed.error());
  const JsonDocument& doc = *parsed;

  Scenario s;
  s.source_path = files.DisplayPath(relative_path);
  ObjectReader top(doc, "", &errors);
  if (!top.present()) return InvalidArgument(JoinLines(errors));
  // "$schema" names docs/scenario.schema.json for editors; it must be a string, and is ignored.
  top.AllowOnly({"$schema", "name", "description", "seed", "agents", "workload", "utterances",
                 "backends",
                 "response_corpus", "workers", "config_store", "tenants", "quotas",
                 "quotas_enabled", "secrets", "experiments", "rollout", "outcomes",
                 "hot_reload", "timeline", "thresholds", "resilience", "chaos"});
  (void)top.String("$schema", Required::kNo, /*non_empty=*/false);
  s.name = top.String("name", Required::kYes).value_or("");
  s.description = top.String("description", Required::kNo, false).value_or("");
  if (auto seed = top.Unsigned("seed", Required::kNo, UINT64_MAX)) s.seed = *seed;
  ReadAgents(doc, files, s, &errors);
  ReadWorkloadSpec(doc, ReadFromFileSource(files), &s.workload, &s.routing.random_user_ids,
                   &errors);
  ReadUtterances(doc, files, overrides, s, &errors);
  ReadBackends(doc, s, &errors);
  ReadConfigStore(doc, s, &errors);
  ReadTenancy(doc, s, &errors);
  CheckPopulationTenants(doc, s, &errors);
  ReadSecrets(doc, s, &errors);
  ReadRouting(doc, files, s, &errors);
  s.resilience = ReadResilience(doc, &errors);
  s.chaos = ReadChaos(doc, &errors);
  s.thresholds = ParseThresholds(doc, "/thresholds", &errors);
  if (auto workers = top.Integer("workers", Required::kNo, 1, 10'000)) s.workers = *workers;

  if (auto corpus_path = top.String("response_corpus", Required::kNo)) {
    Result<std::string> corpus_text = files.Read(*corpus_path);
    if (!corpus_text) {
      top.Fail("response_corpus", corpus_text.error().message);
    } else if (auto corpus =
                   ResponseCorpus::Parse(files.DisplayPath(*corpus_path), *corpus_text)) {
      s.response_corpus = std::make_shared<const ResponseCorpus>(std::move(*corpus));
    } else {
      top.FailEachLine("response_corpus", corpus.error().message);
    }
  }
  if (!s.response_corpus) {
    s.response_corpus = std::shared_ptr<const ResponseCorpus>(&ResponseCorpus::BuiltIn(),
                                                              [](const ResponseCorpus*) {});
  }
  if (s.utterances.kind == UtteranceSource::Kind::kTranscripts && errors.empty() &&
      s.utterances.conversations.empty()) {
    errors.push_back(s.source_path + ": the transcripts hold no conversation with a user turn");
  }
  if (!errors.empty()) return InvalidArgument(JoinLines(errors));
  return s;
}

}  // namespace agentsim
