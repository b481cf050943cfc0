#include "core/experiments/traffic_router.h"

#include <array>
#include <charconv>
#include <cmath>

#include "core/experiments/growthbook_hash.h"

namespace agentsim {
namespace {

constexpr double kP95 = 0.95;

// Shortest round-trip decimal (locale-independent), or fixed with `decimals` when >= 0.
std::string Number(double d, int decimals = -1) {
  std::array<char, 64> buf{};
  auto [end, ec] = decimals < 0 ? std::to_chars(buf.data(), buf.data() + buf.size(), d)
                                : std::to_chars(buf.data(), buf.data() + buf.size(), d,
                                                std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "?";
  return std::string(buf.data(), end);
}

std::string Signed(double d, int decimals) { return (d >= 0 ? "+" : "") + Number(d, decimals); }

std::string Rate(double d) { return Number(d, 4); }

bool FiniteAtLeastZero(double d) { return std::isfinite(d) && d >= 0; }

Status ValidateGuardrails(const RolloutConfig& c) {
  const std::string prefix = "rollout " + c.id + ": guardrails.";
  const RolloutGuardrails& g = c.guardrails;
  if (!FiniteAtLeastZero(g.max_fallback_rate_increase)) {
    return InvalidArgument(prefix + "max_fallback_rate_increase = " +
                           Number(g.max_fallback_rate_increase) + " is not a finite number >= 0");
  }
  if (!FiniteAtLeastZero(g.max_error_rate)) {
    return InvalidArgument(prefix + "max_error_rate = " + Number(g.max_error_rate) +
                           " is not a finite number >= 0");
  }
  if (!std::isfinite(g.max_ttfa_p95_ratio) || g.max_ttfa_p95_ratio <= 0) {
    return InvalidArgument(prefix + "max_ttfa_p95_ratio = " + Number(g.max_ttfa_p95_ratio) +
                           " is not a finite number > 0");
  }
  return {};
}

Status Validate(const RolloutConfig& c) {
  if (c.id.empty()) return InvalidArgument("rollout id is empty");
  const std::string prefix = "rollout " + c.id + ": ";
  if (c.old_agent_id.empty()) return InvalidArgument(prefix + "old_agent_id is empty");
  if (c.new_agent_id.empty()) return InvalidArgument(prefix + "new_agent_id is empty");
  if (c.old_agent_id == c.new_agent_id) {
    return InvalidArgument(prefix + "old and new agent are both " + c.old_agent_id);
  }
  if (c.stages.empty()) return InvalidArgument(prefix + "no stages");
  for (std::size_t i = 0; i < c.stages.size(); ++i) {
    const RolloutStage& s = c.stages[i];
    const std::string at = prefix + "stages[" + std::to_string(i) + "]: ";
    if (!(s.percent > 0 && s.percent <= 100)) {
      return InvalidArgument(at + "percent " + Number(s.percent) + " is outside (0, 100]");
    }
    if (i == 0) continue;
    const RolloutStage& prev = c.stages[i - 1];
    if (s.start_us <= prev.start_us) {
      return InvalidArgument(at + "start_us " + std::to_string(s.start_us) +
                             " is not after the previous stage's " + std::to_string(prev.start_us));
    }
    if (s.percent < prev.percent) {
      return InvalidArgument(at + "percent " + Number(s.percent) +
                             " is below the previous stage's " + Number(prev.percent));
    }
  }
  if (c.stages.back().percent != 100) {
    return InvalidArgument(prefix + "the last stage is at " + Number(c.stages.back().percent) +
                           "%, not 100%");
  }
  if (Status s = ValidateGuardrails(c); !s) return s;
  if (c.min_samples_per_arm < 1) {
    return InvalidArgument(
        prefix + "min_samples_per_arm = " + std::to_string(c.min_samples_per_arm) + " is below 1");
  }
  if (c.ttfa_reservoir_capacity < 1) {
    return InvalidArgument(prefix + "ttfa_reservoir_capacity is 0");
  }
  return {};
}

}  // namespace

RolloutArmSummary TrafficRouter::Arm::Summarize() const {
  RolloutArmSummary s;
  s.outcomes = outcomes;
  s.fallbacks = fallbacks;
  s.errors = errors;
  s.ttfa_samples = ttfa.seen();
  if (outcomes > 0) {
    s.fallback_rate = static_cast<double>(fallbacks) / static_cast<double>(outcomes);
    s.error_rate = static_cast<double>(errors) / static_cast<double>(outcomes);
  }
  s.ttfa_p95_us = ttfa.Percentile(kP95);
  return s;
}

Result<TrafficRouter> TrafficRouter::Create(RolloutConfig config) {
  if (Status s = Validate(config); !s) return std::unexpected(s.error());
  return TrafficRouter(std::move(config));
}

TrafficRouter::TrafficRouter(RolloutConfig config)
    : config_(std::move(config)), seed_("rollout:" + config_.id) {
  // Each stage and arm keeps its own reservoir, seeded from the rollout and its position.
  const std::uint64_t base = static_cast<std::uint64_t>(Fnv1a32(seed_)) << 32;
  stage_arms_.reserve(config_.stages.size());
  for (std::size_t i = 0; i < config_.stages.size(); ++i) {
    const std::size_t cap = config_.ttfa_reservoir_capacity;
    stage_arms_.push_back(StageArms{Arm{0, 0, 0, SampleReservoir(cap, base | (2 * i))},
                                    Arm{0, 0, 0, SampleReservoir(cap, base | (2 * i + 1))}});
  }
}

double TrafficRouter::Bucket(std::string_view user_id) const {
  return GrowthBookHash(seed_, user_id, 2).value_or(0.0);
}

double TrafficRouter::PercentAt(Micros now_us) const {
  double percent = 0;
  for (const auto& [at_us, p] : percent_changes_) {
    if (at_us > now_us) break;
    percent = p;
  }
  return percent;
}

const std::string& TrafficRouter::Route(std::string_view user_id, Micros now_us) const {
  if (user_id.empty()) return config_.old_agent_id;
  return Bucket(user_id) < PercentAt(now_us) / 100.0 ? config_.new_agent_id : config_.old_agent_id;
}

Status TrafficRouter::RecordOutcome(std::string_view agent_id, bool fallback, bool error,
                                    std::optional<Micros> ttfa_us) {
  const bool is_new = agent_id == config_.new_agent_id;
  if (!is_new && agent_id != config_.old_agent_id) {
    return NotFound("rollout " + config_.id + ": agent " + std::string(agent_id) + " is neither " +
                    config_.old_agent_id + " nor " + config_.new_agent_id);
  }
  if (ttfa_us.has_value() && *ttfa_us < 0) {
    return InvalidArgument("rollout " + config_.id + ": negative time to first audio " +
                           std::to_string(*ttfa_us) + " us");
  }
  if (current_ < 0 || status_ == RolloutStatus::kRolledBack) return {};
  StageArms& arms = stage_arms_[static_cast<std::size_t>(current_)];
  Arm& arm = is_new ? arms.new_arm : arms.old_arm;
  ++arm.outcomes;
  if (fallback) ++arm.fallbacks;
  if (error) ++arm.errors;
  if (ttfa_us.has_value()) arm.ttfa.Add(static_cast<double>(*ttfa_us));
  return {};
}

std::string TrafficRouter::StageLabel(int stage) const {
  return "stage " + std::to_string(stage + 1) + "/" + std::to_string(config_.stages.size()) + " (" +
         Number(config_.stages[static_cast<std::size_t>(stage)].percent) + "%)";
}

void TrafficRouter::Emit(Micros at_us, std::string_view kind, int stage, std::string detail,
                         std::vector<RolloutEvent>& out) {
  RolloutEvent e{at_us, std::string(kind), stage, std::move(detail)};
  events_.push_back(e);
  out.push_back(std::move(e));
}

void TrafficRouter::StartStage(int stage, Micros now_us, std::vector<RolloutEvent>& out) {
  current_ = stage;
  held_ = false;
  status_ = RolloutStatus::kRunning;
  const double percent = config_.stages[static_cast<std::size_t>(stage)].percent;
  percent_changes_.emplace_back(now_us, percent);
  Emit(now_us, kRolloutStageStarted, stage,
       StageLabel(stage) + ": " + Number(percent) + "% of users to " + config_.new_agent_id, out);
  if (static_cast<std::size_t>(stage) + 1 == config_.stages.size()) {
    status_ = RolloutStatus::kCompleted;
    Emit(now_us, kRolloutCompleted, stage, "100% of users on " + config_.new_agent_id, out);
  }
}

StageEvaluation TrafficRouter::Evaluate(int stage, Micros now_us) const {
  const StageArms& arms = stage_arms_[static_cast<std::size_t>(stage)];
  StageEvaluation e;
  e.stage = stage;
  e.at_us = now_us;
  e.old_arm = arms.old_arm.Summarize();
  e.new_arm = arms.new_arm.Summarize();
  const RolloutGuardrails& g = config_.guardrails;
  const double increase = e.new_arm.fallback_rate - e.old_arm.fallback_rate;
  if (increase > g.max_fallback_rate_increase) {
    e.breaches.push_back("fallback rate " + Signed(increase, 4) + " > " +
                         Signed(g.max_fallback_rate_increase, 4));
  }
  if (e.new_arm.error_rate > g.max_error_rate) {
    e.breaches.push_back("error rate " + Rate(e.new_arm.error_rate) + " > " +
                         Rate(g.max_error_rate));
  }
  if (e.new_arm.ttfa_p95_us > g.max_ttfa_p95_ratio * e.old_arm.ttfa_p95_us) {
    // Only reachable with new > 0, so the ratio is finite or +inf (old p95 of 0).
    e.breaches.push_back("p95 time to first audio ratio " +
                         Number(e.new_arm.ttfa_p95_us / e.old_arm.ttfa_p95_us, 3) + " > " +
                         Number(g.max_ttfa_p95_ratio, 3));
  }
  e.passed = e.breaches.empty();
  return e;
}

std::vector<RolloutEvent> TrafficRouter::EvaluateStage(Micros now_us) {
  std::vector<RolloutEvent> out;
  while (status_ == RolloutStatus::kPending || status_ == RolloutStatus::kRunning) {
    const int next = current_ + 1;
    if (now_us < config_.stages[static_cast<std::size_t>(next)].start_us) break;
    if (current_ < 0) {
      StartStage(next, now_us, out);
      continue;
    }
    const StageArms& arms = stage_arms_[static_cast<std::size_t>(current_)];
    const std::int64_t min = config_.min_samples_per_arm;
    if (arms.old_arm.outcomes < min || arms.new_arm.outcomes < min) {
      if (!held_) {
        held_ = true;
        Emit(now_us, kRolloutStageHeld, current_,
             StageLabel(current_) + ": waiting for " + std::to_string(min) + " outcomes per arm (" +
                 config_.old_agent_id + " " + std::to_string(arms.old_arm.outcomes) + ", " +
                 config_.new_agent_id + " " + std::to_string(arms.new_arm.outcomes) + ")",
             out);
      }
      break;
    }
    StageEvaluation e = Evaluate(current_, now_us);
    const int stage = current_;
    evaluations_.push_back(e);
    if (!e.passed) {
      std::string detail = StageLabel(stage) + ": ";
      for (const std::string& b : e.breaches) detail += b + "; ";
      detail += "all users to " + config_.old_agent_id;
      status_ = RolloutStatus::kRolledBack;
      percent_changes_.emplace_back(now_us, 0.0);
      Emit(now_us, kRolloutRolledBack, stage, std::move(detail), out);
      break;
    }
    const RolloutGuardrails& g = config_.guardrails;
    const double ratio = e.old_arm.ttfa_p95_us > 0 ? e.new_arm.ttfa_p95_us / e.old_arm.ttfa_p95_us
                                                   : 1.0;  // both 0 when passed with old 0
    Emit(now_us, kRolloutGuardrailPassed, stage,
         StageLabel(stage) + ": fallback rate " +
             Signed(e.new_arm.fallback_rate - e.old_arm.fallback_rate, 4) +
             " <= " + Signed(g.max_fallback_rate_increase, 4) + ", error rate " +
             Rate(e.new_arm.error_rate) + " <= " + Rate(g.max_error_rate) +
             ", p95 time to first audio ratio " + Number(ratio, 3) +
             " <= " + Number(g.max_ttfa_p95_ratio, 3),
         out);
    StartStage(next, now_us, out);
  }
  return out;
}

std::optional<Micros> TrafficRouter::NextBoundaryUs() const {
  if (status_ == RolloutStatus::kRolledBack || status_ == RolloutStatus::kCompleted) {
    return std::nullopt;
  }
  return config_.stages[static_cast<std::size_t>(current_ + 1)].start_us;
}

Result<RolloutArmSummary> TrafficRouter::Summary(int stage, std::string_view agent_id) const {
  if (stage < 0 || static_cast<std::size_t>(stage) >= stage_arms_.size()) {
    return InvalidArgument("rollout " + config_.id + ": no stage " + std::to_string(stage));
  }
  const StageArms& arms = stage_arms_[static_cast<std::size_t>(stage)];
  if (agent_id == config_.old_agent_id) return arms.old_arm.Summarize();
  if (agent_id == config_.new_agent_id) return arms.new_arm.Summarize();
  return NotFound("rollout " + config_.id + ": agent " + std::string(agent_id) +
                  " is not in the rollout");
}

}  // namespace agentsim
