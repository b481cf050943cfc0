#include "sim/scenario_routing.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "core/config/config_validator.h"
#include "core/json/object_reader.h"
#include "sim/experiment_tracker.h"
#include "sim/file_source.h"
#include "sim/scenario.h"
#include "sim/workload/timeline_actions.h"

namespace agentsim {
namespace {

// A number as the shortest text that reads back as it ("10", "550", "1e-07").
std::string Shown(double value) { return fmt::format("{}", value); }

Micros SecondsToMicros(double s) { return static_cast<Micros>(std::llround(s * 1e6)); }

// The array at `pointer`, or nullptr when absent (an error when present but not an array).
const nlohmann::json* OptionalArray(const JsonDocument& doc, const std::string& pointer,
                                    std::string_view shape, std::vector<std::string>* errors) {
  const nlohmann::json* value = nullptr;
  try {
    nlohmann::json::json_pointer ptr(pointer);
    if (doc.root().contains(ptr)) value = &doc.root().at(ptr);
  } catch (const nlohmann::json::exception&) {
    return nullptr;
  }
  if (value != nullptr && !value->is_array()) {
    errors->push_back(doc.Describe(
        pointer, "expected an array of " + std::string(shape) + ", got " + DescribeJson(*value)));
    return nullptr;
  }
  return value;
}

bool KnownAgent(const Scenario& s, const std::string& agent_id) {
  return std::any_of(s.agents.begin(), s.agents.end(), [&](const ScenarioAgent& a) {
    return a.config->agent_id == agent_id;
  });
}

std::string KnownAgents(const Scenario& s) {
  std::string out;
  for (const ScenarioAgent& a : s.agents) out += (out.empty() ? "" : ", ") + a.config->agent_id;
  return out;
}

void RequireAgent(ObjectReader& r, std::string_view key, const Scenario& s,
                  const std::optional<std::string>& agent_id) {
  if (agent_id && !KnownAgent(s, *agent_id)) {
    r.Fail(key, "unknown agent_id \"" + *agent_id + "\"; expected one of the scenario's agents: " +
                    KnownAgents(s));
  }
}

void ReadExperiments(const JsonDocument& doc, Scenario& s, std::vector<std::string>* errors) {
  const nlohmann::json* list =
      OptionalArray(doc, "/experiments", "{\"key\", \"variants\", ...}", errors);
  if (list == nullptr) return;
  ABTestManager check;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string at = "/experiments/" + std::to_string(i);
    ObjectReader r(doc, at, errors);
    r.AllowOnly({"key", "variants", "coverage", "namespace", "hash_seed"});
    ExperimentConfig e;
    e.key = r.String("key", Required::kYes).value_or("");
    if (auto v = r.Number("coverage", Required::kNo, 0, 1)) e.coverage = *v;
    if (auto v = r.String("hash_seed", Required::kNo)) e.seed = *v;
    ObjectReader ns(doc, at + "/namespace", errors, /*required=*/false);
    if (ns.present()) {
      ns.AllowOnly({"id", "start", "end"});
      ExperimentNamespace range;
      range.id = ns.String("id", Required::kYes).value_or("");
      range.start = ns.Number("start", Required::kYes, 0, 1).value_or(0);
      range.end = ns.Number("end", Required::kYes, 0, 1).value_or(1);
      e.namespace_range = range;
    }
    const nlohmann::json* variants =
        OptionalArray(doc, at + "/variants", "{\"agent_id\", \"weight\"}", errors);
    if (variants == nullptr) {
      r.Fail("variants", "expected an array of at least 2 {\"agent_id\", \"weight\"}");
      continue;
    }
    const std::size_t errors_before = errors->size();
    for (std::size_t v = 0; v < variants->size(); ++v) {
      ObjectReader vr(doc, at + "/variants/" + std::to_string(v), errors);
      vr.AllowOnly({"agent_id", "weight"});
      auto agent = vr.String("agent_id", Required::kYes);
      RequireAgent(vr, "agent_id", s, agent);
      auto weight = vr.Number("weight", Required::kNo, 0, 1);
      // GrowthBook's default: equal weights.
      e.variants.push_back(ExperimentVariant{
          agent.value_or(""), weight.value_or(1.0 / static_cast<double>(variants->size()))});
    }
    if (errors->size() != errors_before) continue;
    if (Status added = check.AddExperiment(e); !added) {
      r.Fail("", added.error().message);
      continue;
    }
    s.routing.experiments.push_back(std::move(e));
  }
}

void ReadRollout(const JsonDocument& doc, Scenario& s, std::vector<std::string>* errors) {
  ObjectReader r(doc, "/rollout", errors, /*required=*/false);
  if (!r.present()) return;
  r.AllowOnly({"id", "old_agent_id", "new_agent_id", "stages", "guardrails",
               "min_samples_per_arm"});
  RolloutConfig c;
  const std::size_t errors_before = errors->size();
  c.id = r.String("id", Required::kYes).value_or("");
  auto old_agent = r.String("old_agent_id", Required::kYes);
  RequireAgent(r, "old_agent_id", s, old_agent);
  auto new_agent = r.String("new_agent_id", Required::kYes);
  RequireAgent(r, "new_agent_id", s, new_agent);
  c.old_agent_id = old_agent.value_or("");
  c.new_agent_id = new_agent.value_or("");
  if (auto v = r.Integer("min_samples_per_arm", Required::kNo, 1, 1'000'000'000)) {
    c.min_samples_per_arm = *v;
  }
  ObjectReader g(doc, "/rollout/guardrails", errors, /*required=*/false);
  if (g.present()) {
    g.AllowOnly({"max_fallback_rate_increase", "max_error_rate", "max_ttfa_p95_ratio"});
    if (auto v = g.Number("max_fallback_rate_increase", Required::kNo, 0, 1)) {
      c.guardrails.max_fallback_rate_increase = *v;
    }
    if (auto v = g.Number("max_error_rate", Required::kNo, 0, 1)) c.guardrails.max_error_rate = *v;
    if (auto v = g.Number("max_ttfa_p95_ratio", Required::kNo, 1e-6, 1e6)) {
      c.guardrails.max_ttfa_p95_ratio = *v;
    }
  }
  const nlohmann::json* stages =
      OptionalArray(doc, "/rollout/stages", "{\"at_s\", \"percent\"}", errors);
  if (stages == nullptr) {
    r.Fail("stages", "expected an array of {\"at_s\", \"percent\"} ending at 100");
    return;
  }
  // The stages' order is checked here, at the key and in the scenario's seconds, as written
  // (TrafficRouter's own check below would name only the rollout and give microseconds). Stages
  // start on whole microseconds: two times within the same microsecond are one instant.
  std::optional<std::size_t> prev;  // the last stage read whole (its values: c.stages.back())
  std::optional<double> prev_at;
  auto written = [&](std::size_t i, const char* key, double value) {
    return doc.NumberText("/rollout/stages/" + std::to_string(i) + "/" + key)
        .value_or(Shown(value));
  };
  for (std::size_t i = 0; i < stages->size(); ++i) {
    ObjectReader st(doc, "/rollout/stages/" + std::to_string(i), errors);
    st.AllowOnly({"at_s", "percent"});
    auto at = st.Number("at_s", Required::kYes, 0, 1e9);
    auto percent = st.PositiveNumber("percent", Required::kYes, 100);
    if (at && prev && *at <= *prev_at) {
      st.Fail("at_s", "expected a time after the previous stage's at_s " +
                          written(*prev, "at_s", *prev_at) + ", got " + written(i, "at_s", *at));
    } else if (at && prev && SecondsToMicros(*at) <= c.stages.back().start_us) {
      st.Fail("at_s", "expected a time at least 1 µs after the previous stage's at_s " +
                          written(*prev, "at_s", *prev_at) +
                          " (stages start on whole microseconds), got " + written(i, "at_s", *at));
    }
    if (percent && prev && *percent < c.stages.back().percent) {
      st.Fail("percent", "expected at least the previous stage's percent (" +
                             written(*prev, "percent", c.stages.back().percent) +
                             "): a rollout never shrinks, got " + written(i, "percent", *percent));
    } else if (percent && i + 1 == stages->size() && *percent != 100) {
      st.Fail("percent", "expected 100 in the last stage (the rollout ends on the new agent), got " +
                             written(i, "percent", *percent));
    }
    if (!at || !percent) continue;
    c.stages.push_back(RolloutStage{SecondsToMicros(*at), *percent});
    prev = i;
    prev_at = at;
  }
  if (errors->size() != errors_before) return;
  if (Result<TrafficRouter> router = TrafficRouter::Create(c); !router) {
    r.Fail("", router.error().message);
    return;
  }
  s.routing.rollout = std::move(c);
}

void ReadOutcomes(const JsonDocument& doc, Scenario& s, std::vector<std::string>* errors) {
  const nlohmann::json* list =
      OptionalArray(doc, "/outcomes", "{\"name\", \"type\", ...}", errors);
  if (list == nullptr) return;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string at = "/outcomes/" + std::to_string(i);
    ObjectReader r(doc, at, errors);
    r.AllowOnly({"name", "type", "base_rate", "mean", "sd", "effects"});
    OutcomeMetricSpec m;
    m.name = r.String("name", Required::kYes).value_or("");
    for (std::string_view builtin : {kMetricTurnLatencyMs, kMetricTtfaMs, kMetricFallbackRate,
                                     kMetricSessionCompleted}) {
      if (m.name == builtin) {
        r.Fail("name", "\"" + m.name + "\" is a metric agentsim records itself; choose another name");
      }
    }
    for (const OutcomeMetricSpec& other : s.routing.outcomes) {
      if (other.name == m.name) r.Fail("name", "outcome \"" + m.name + "\" is defined twice");
    }
    auto type = r.Enum("type", Required::kYes, {"proportion", "numeric"});
    if (type == "numeric") {
      m.kind = OutcomeMetricSpec::Kind::kNumeric;
      m.mean = r.Number("mean", Required::kYes, -1e12, 1e12).value_or(0);
      m.sd = r.Number("sd", Required::kYes, 1e-12, 1e12).value_or(1);
      if (r.Get("base_rate") != nullptr) r.Fail("base_rate", "base_rate is for proportions");
    } else if (type) {
      m.base_rate = r.Number("base_rate", Required::kYes, 0, 1).value_or(0.5);
      if (r.Get("mean") != nullptr) r.Fail("mean", "mean is for numeric outcomes");
      if (r.Get("sd") != nullptr) r.Fail("sd", "sd is for numeric outcomes");
    }
    ObjectReader effects(doc, at + "/effects", errors, /*required=*/false);
    if (effects.present()) {
      for (const auto& [agent, value] : doc.root().at(nlohmann::json::json_pointer(at))
                                            .at("effects")
                                            .items()) {
        if (!KnownAgent(s, agent)) {
          effects.Fail(agent, "unknown agent_id; expected one of the scenario's agents: " +
                                  KnownAgents(s));
        } else if (auto v = effects.Number(agent, Required::kYes, -1e12, 1e12)) {
          m.effects[agent] = *v;
        }
      }
    }
    s.routing.outcomes.push_back(std::move(m));
  }
}

void ReadHotReload(const JsonDocument& doc, Scenario& s, std::vector<std::string>* errors) {
  ObjectReader r(doc, "/hot_reload", errors, /*required=*/false);
  if (!r.present()) return;
  r.AllowOnly({"watch", "policy", "poll_interval_ms"});
  HotReloadSpec& h = s.routing.hot_reload;
  if (auto v = r.Bool("watch", Required::kNo)) h.watch = *v;
  if (auto v = r.Enum("policy", Required::kNo, {"next_turn", "until_reconnect"})) {
    h.policy = *v == "next_turn" ? ConfigReloadPolicy::kNextTurn
                                 : ConfigReloadPolicy::kUntilReconnect;
  }
  if (auto v = r.Number("poll_interval_ms", Required::kNo, 1, 1e9)) {
    h.poll_interval_us = static_cast<Micros>(std::llround(*v * 1000.0));
  }
}

// {"start_outage" | "end_outage": {"backend": "llm" | "tts" | "store" | "shared_cache",
// "provider": NAME (llm and tts only; absent: every provider)}} at `at`.
bool ReadOutageAction(const JsonDocument& doc, const std::string& at, bool start,
                      TimelineEventSpec& e, std::vector<std::string>* errors) {
  const std::size_t before = errors->size();
  ObjectReader o(doc, at + (start ? "/start_outage" : "/end_outage"), errors);
  o.AllowOnly({"backend", "provider"});
  e.kind = start ? TimelineEventSpec::Kind::kStartOutage : TimelineEventSpec::Kind::kEndOutage;
  e.outage_backend =
      o.Enum("backend", Required::kYes, {"llm", "tts", "store", "shared_cache"}).value_or("");
  e.outage_provider = o.String("provider", Required::kNo).value_or("");
  if (!e.outage_provider.empty() && (e.outage_backend == "store" ||
                                     e.outage_backend == "shared_cache")) {
    o.Fail("provider", "expected no provider: the " + e.outage_backend + " has none");
  }
  return errors->size() == before;
}

// The configs the scenario can run: its agents' and those its timeline publishes (file order).
std::vector<const AgentConfig*> AgentConfigs(const Scenario& s) {
  std::vector<const AgentConfig*> out;
  for (const ScenarioAgent& a : s.agents) out.push_back(a.config.get());
  for (const TimelineEventSpec& p : s.routing.timeline) {
    if (p.config) out.push_back(p.config.get());
  }
  return out;
}

// The providers an outage of `backend` ("llm" or "tts") can hit, sorted: llm_config.provider and
// fallback_providers[].provider (or tts_config.provider) of every config the scenario can run,
// and the names under backends.<backend>.providers.
std::set<std::string> CallableProviders(const Scenario& s, std::string_view backend) {
  std::set<std::string> out;
  const bool llm = backend == "llm";
  for (const AgentConfig* c : AgentConfigs(s)) {
    if (!llm) {
      out.insert(c->tts.provider);
      continue;
    }
    out.insert(c->llm.provider);
    for (const LlmFallback& f : c->llm.fallback_providers) out.insert(f.provider);
  }
  for (const auto& [name, faults] : llm ? s.llm.provider_faults : s.tts.provider_faults) {
    out.insert(name);
  }
  out.erase("");
  return out;
}

// An outage's provider (event `e`, read at `pointer`) must be one the scenario can call: one
// naming no such provider would have no effect.
void CheckOutageProvider(const JsonDocument& doc, const std::string& pointer, const Scenario& s,
                         const TimelineEventSpec& e, std::vector<std::string>* errors) {
  const std::set<std::string> known = CallableProviders(s, e.outage_backend);
  if (known.contains(e.outage_provider)) return;
  const std::vector<std::string> names(known.begin(), known.end());
  std::string list;
  for (const std::string& name : names) list += (list.empty() ? "" : ", ") + name;
  const std::string hint = ClosestName(e.outage_provider, names);
  ObjectReader o(doc, pointer, errors);
  const std::string article = e.outage_backend == "llm" ? "an " : "a ";
  o.Fail("provider", "expected " + article + e.outage_backend + " provider the scenario calls (" +
                         list + "), got \"" + e.outage_provider + "\"" +
                         (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
}

void ReadTimeline(const JsonDocument& doc, const FileSource& files, Scenario& s,
                  std::vector<std::string>* errors) {
  const nlohmann::json* list = OptionalArray(
      doc, "/timeline",
      "{\"at_s\", and one of \"publish_config\", \"enable_config\", \"disable_config\", "
      "\"set_arrival_rate\", \"set_feature_flag\", \"start_outage\", \"end_outage\"}",
      errors);
  if (list == nullptr) return;
  // enable/disable/set_feature_flag and outages with a provider: (index, pointer).
  std::vector<std::pair<std::size_t, std::string>> targets;
  std::vector<std::pair<std::size_t, std::string>> outages;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string at = "/timeline/" + std::to_string(i);
    ObjectReader r(doc, at, errors);
    r.AllowOnly({"at_s", "publish_config", "enable_config", "disable_config", "start_outage",
                 "end_outage", "set_arrival_rate", "set_feature_flag"});
    TimelineEventSpec e;
    e.at_us = SecondsToMicros(r.Number("at_s", Required::kYes, 0, 1e9).value_or(0));
    const int actions = (r.Get("publish_config") ? 1 : 0) + (r.Get("enable_config") ? 1 : 0) +
                        (r.Get("disable_config") ? 1 : 0) + (r.Get("start_outage") ? 1 : 0) +
                        (r.Get("end_outage") ? 1 : 0) + (r.Get("set_arrival_rate") ? 1 : 0) +
                        (r.Get("set_feature_flag") ? 1 : 0);
    if (actions != 1) {
      r.Fail("", "expected exactly one of \"publish_config\" (a config file), \"enable_config\" "
                 "or \"disable_config\" ({\"agent_id\", \"version\"}), \"start_outage\" or "
                 "\"end_outage\" ({\"backend\", \"provider\"}), \"set_arrival_rate\" "
                 "({\"rate\", \"time_unit_s\"}) or \"set_feature_flag\" ({\"agent_id\", "
                 "\"flag\", \"value\"})");
      continue;
    }
    if (r.Get("set_arrival_rate") || r.Get("set_feature_flag")) {
      const std::string key = r.Get("set_arrival_rate") ? "set_arrival_rate" : "set_feature_flag";
      if (ReadWorkloadTimelineAction(doc, at, key, s.workload, e, errors)) {
        // set_feature_flag's agent is checked with enable/disable targets below.
        if (e.kind == TimelineEventSpec::Kind::kSetFeatureFlag) {
          targets.emplace_back(s.routing.timeline.size(), at + "/" + key);
        }
        s.routing.timeline.push_back(std::move(e));
      }
      continue;
    }
    if (r.Get("start_outage") || r.Get("end_outage")) {
      const bool start = r.Get("start_outage") != nullptr;
      if (ReadOutageAction(doc, at, start, e, errors)) {
        // The provider is checked once the whole timeline is read (below): a config the
        // timeline publishes may bring it.
        if (!e.outage_provider.empty()) {
          outages.emplace_back(s.routing.timeline.size(),
                               at + (start ? "/start_outage" : "/end_outage"));
        }
        s.routing.timeline.push_back(std::move(e));
      }
      continue;
    }
    if (auto path = r.String("publish_config", Required::kNo)) {
      e.kind = TimelineEventSpec::Kind::kPublishConfig;
      e.config_path = *path;
      Result<std::string> text = files.Read(*path);
      if (!text) {
        r.Fail("publish_config", text.error().message);
        continue;
      }
      std::optional<JsonDocument> config_doc =
          ParseValidAgentConfig(files.DisplayPath(*path), *text, errors);
      if (!config_doc) continue;
      Result<AgentConfig> config = ParseAgentConfig(*config_doc);
      if (!config) {
        errors->push_back(config.error().message);
        continue;
      }
      e.json_text = std::move(*text);
      e.agent_id = config->agent_id;
      e.version = config->version;
      e.config = std::make_shared<const AgentConfig>(std::move(*config));
    } else {
      const bool enable = r.Get("enable_config") != nullptr;
      const std::string key = enable ? "enable_config" : "disable_config";
      e.kind = enable ? TimelineEventSpec::Kind::kEnableConfig
                      : TimelineEventSpec::Kind::kDisableConfig;
      ObjectReader target(doc, at + "/" + key, errors);
      target.AllowOnly({"agent_id", "version"});
      e.agent_id = target.String("agent_id", Required::kYes).value_or("");
      e.version = target.String("version", Required::kYes).value_or("");
      // Checked once the whole timeline is read (below): it may name an agent that the
      // timeline publishes before it in time.
      targets.emplace_back(s.routing.timeline.size(), at + "/" + key);
    }
    s.routing.timeline.push_back(std::move(e));
  }
  const std::vector<TimelineEventSpec>& events = s.routing.timeline;
  for (const auto& [index, pointer] : targets) {
    const TimelineEventSpec& e = events[index];
    if (e.agent_id.empty() || KnownAgent(s, e.agent_id)) continue;
    bool published_before = false;
    for (std::size_t j = 0; j < events.size(); ++j) {
      const TimelineEventSpec& p = events[j];
      if (p.config && p.agent_id == e.agent_id &&
          (p.at_us < e.at_us || (p.at_us == e.at_us && j < index))) {
        published_before = true;
      }
    }
    if (!published_before) {
      ObjectReader target(doc, pointer, errors);
      target.Fail("agent_id", "unknown agent_id \"" + e.agent_id +
                                  "\"; expected one of the scenario's agents (" + KnownAgents(s) +
                                  ") or one the timeline publishes before this event");
    }
  }
  for (const auto& [index, pointer] : targets) {
    const TimelineEventSpec& e = events[index];
    if (e.kind != TimelineEventSpec::Kind::kSetFeatureFlag) continue;
    std::set<std::string> flags;
    bool agent_found = false;
    for (const AgentConfig* config : AgentConfigs(s)) {
      if (config->agent_id != e.agent_id) continue;
      agent_found = true;
      for (const auto& [flag, value] : config->feature_flags) flags.insert(flag);
    }
    // An unknown agent was reported above.
    if (agent_found) CheckFeatureFlag(doc, pointer, e, flags, errors);
  }
  for (const auto& [index, pointer] : outages) {
    CheckOutageProvider(doc, pointer, s, events[index], errors);
  }
  std::stable_sort(s.routing.timeline.begin(), s.routing.timeline.end(),
                   [](const TimelineEventSpec& a, const TimelineEventSpec& b) {
                     return a.at_us < b.at_us;
                   });
}

}  // namespace

std::string_view TimelineEventKindName(TimelineEventSpec::Kind kind) {
  switch (kind) {
    case TimelineEventSpec::Kind::kPublishConfig: return "publish_config";
    case TimelineEventSpec::Kind::kEnableConfig: return "enable_config";
    case TimelineEventSpec::Kind::kDisableConfig: return "disable_config";
    case TimelineEventSpec::Kind::kStartOutage: return "start_outage";
    case TimelineEventSpec::Kind::kEndOutage: return "end_outage";
    case TimelineEventSpec::Kind::kSetArrivalRate: return "set_arrival_rate";
    case TimelineEventSpec::Kind::kSetFeatureFlag: return "set_feature_flag";
  }
  return "publish_config";
}

void ReadRouting(const JsonDocument& doc, const FileSource& files, Scenario& s,
                 std::vector<std::string>* errors) {
  ReadExperiments(doc, s, errors);
  ReadRollout(doc, s, errors);
  ReadOutcomes(doc, s, errors);
  ReadHotReload(doc, s, errors);
  ReadTimeline(doc, files, s, errors);
}

}  // namespace agentsim
