// TrafficRouter: a staged blue-green rollout from an old agent to a new one with guardrails and
// automatic rollback (seed: "Blue-Green Deployment", 10% -> 20% -> 50% -> 100% of
// interview-agent-v1 -> interview-agent-v2, with step 3 "monitor metrics" made explicit).
//
// Routing. A user is on the new agent while GrowthBookHash("rollout:" + id, user_id, 2) <
// percent / 100. The hash of a user does not change, so inclusion is monotone: a user who is in
// at 10% stays in at 20%, 50% and 100%, and nobody flips back and forth between versions. The
// seed is "rollout:" + id, never an experiment's (ABTestManager refuses hash seeds that start
// with "rollout:"), so rollout inclusion and experiment buckets are independent: a rollout does
// not put the users of one experiment variant on the new agent more than the other's.
//
// Stages. stages[k] = (start_us, percent): percent of users on the new agent from start_us on.
// Before stages[0] nobody is; the first stage starts without evaluation. At each later boundary
// the outcomes recorded during the stage that ends are compared, new agent against old:
//   fallback: new fallback rate - old fallback rate <= max_fallback_rate_increase  (fractions)
//   error:    new error rate <= max_error_rate                                     (fraction)
//   latency:  new p95 time to first audio <= max_ttfa_p95_ratio * old p95           (µs)
// (rates are events / outcomes of the arm, in double; equality passes; an arm without time to
// first audio samples has p95 0). All pass: a "guardrail_passed" event, then "stage_started" for
// the next stage, and when that is the last stage (always 100%, never evaluated) also
// "completed". Any fails: "rolled_back", and from then on every user is on the old
// agent (percent 0); the rollout is over. Until both arms have min_samples_per_arm outcomes the
// stage is held ("stage_held", once): it goes on, and the boundary is evaluated at the first
// EvaluateStage call that finds enough outcomes, so later stages may start late.
//
// p95 uses k6's interpolation over a SampleReservoir per stage and arm: exact up to
// ttfa_reservoir_capacity samples, a deterministic uniform sample beyond (memory is bounded by
// stages * 2 * capacity doubles).
//
// Time is virtual µs passed in by the caller; nothing here reads a clock or draws random numbers.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/experiments/sample_reservoir.h"
#include "core/ports/clock.h"
#include "core/util/error.h"

namespace agentsim {

struct RolloutStage {
  Micros start_us = 0;  // virtual time from which the stage may start
  double percent = 0;   // share of users on the new agent, in (0, 100]
};

struct RolloutGuardrails {
  double max_fallback_rate_increase = 0.02;  // new minus old fallback rate; 0.02 = 2 points
  double max_error_rate = 0.05;              // new agent's errors / outcomes
  double max_ttfa_p95_ratio = 1.2;           // new p95 / old p95 time to first audio
};

struct RolloutConfig {
  std::string id;  // the hash seed is "rollout:" + id
  std::string old_agent_id;
  std::string new_agent_id;
  std::vector<RolloutStage> stages;  // start_us increasing, percent non-decreasing, last 100
  RolloutGuardrails guardrails;
  std::int64_t min_samples_per_arm = 100;      // outcomes per arm before a stage is evaluated
  std::size_t ttfa_reservoir_capacity = 4096;  // samples kept per stage and arm for the p95
};

// Event kinds, written by the simulator as timeline events.
inline constexpr std::string_view kRolloutStageStarted = "stage_started";
inline constexpr std::string_view kRolloutStageHeld = "stage_held";
inline constexpr std::string_view kRolloutGuardrailPassed = "guardrail_passed";
inline constexpr std::string_view kRolloutRolledBack = "rolled_back";
inline constexpr std::string_view kRolloutCompleted = "completed";

struct RolloutEvent {
  Micros at_us = 0;  // now_us of the EvaluateStage call that decided it
  std::string kind;  // one of the kRollout... names
  int stage = 0;     // 0-based index of the stage started, held, evaluated or completed
  std::string detail;
  friend bool operator==(const RolloutEvent&, const RolloutEvent&) = default;
};

// Outcomes of one arm (old or new agent) during one stage.
struct RolloutArmSummary {
  std::int64_t outcomes = 0;
  std::int64_t fallbacks = 0;
  std::int64_t errors = 0;
  std::uint64_t ttfa_samples = 0;  // outcomes that reported a time to first audio
  double fallback_rate = 0;        // fallbacks / outcomes; 0 without outcomes
  double error_rate = 0;           // errors / outcomes; 0 without outcomes
  double ttfa_p95_us = 0;          // 0 without samples
};

// The comparison made at a stage boundary (also for a rollback).
struct StageEvaluation {
  int stage = 0;  // the stage that ended
  Micros at_us = 0;
  RolloutArmSummary old_arm;
  RolloutArmSummary new_arm;
  bool passed = false;
  std::vector<std::string> breaches;  // one line per failed guardrail
};

enum class RolloutStatus { kPending, kRunning, kRolledBack, kCompleted };

class TrafficRouter {
 public:
  // Errors: kInvalidArgument naming the field, for an empty id or agent id, equal agent ids, no
  // stages, a percent outside (0, 100] or below the previous stage's, start times not strictly
  // increasing, a last stage below 100%, a negative or non-finite guardrail (ratio <= 0),
  // min_samples_per_arm < 1 or ttfa_reservoir_capacity < 1.
  static Result<TrafficRouter> Create(RolloutConfig config);

  // The agent serving `user_id` at `now_us`: the new agent when the user's hash is below the
  // percent in effect at now_us, else the old one. The percent in effect is the one set by the
  // last stage start or rollback with at_us <= now_us (0 before the first), so Route is a pure
  // function of its arguments and the decisions made so far; it never advances the rollout
  // itself (call EvaluateStage(now_us) first). An empty user_id gets the old agent.
  const std::string& Route(std::string_view user_id, Micros now_us) const;
  double PercentAt(Micros now_us) const;
  // GrowthBookHash("rollout:" + id, user_id, 2), in [0, 1).
  double Bucket(std::string_view user_id) const;

  // Counts one finished session (or turn) of `agent_id` toward the current stage: fallback and
  // error are whether it fell back / failed; ttfa_us is its time to first audio in µs, or
  // nullopt when no audio was produced. Outcomes while no stage runs (before the first start,
  // after a rollback) are ignored. Errors: kNotFound when agent_id is neither agent;
  // kInvalidArgument for a negative ttfa_us.
  Status RecordOutcome(std::string_view agent_id, bool fallback, bool error,
                       std::optional<Micros> ttfa_us);

  // Advances the rollout to `now_us`: starts every stage whose start_us <= now_us has come,
  // evaluating the stage before it first (see the file comment), until a stage is not yet due,
  // is held, or the rollout is over. Returns the events it appended (stamped now_us). Call it at
  // each NextBoundaryUs(); while a stage is held, again after recording outcomes.
  // REQUIRES: now_us is not before the previous call's.
  std::vector<RolloutEvent> EvaluateStage(Micros now_us);

  // The scheduled start of the next stage; nullopt once rolled back or completed.
  std::optional<Micros> NextBoundaryUs() const;

  RolloutStatus status() const { return status_; }
  // 0-based index of the stage in effect; -1 before the first start.
  int current_stage() const { return current_; }
  const RolloutConfig& config() const { return config_; }
  const std::vector<RolloutEvent>& events() const { return events_; }
  const std::vector<StageEvaluation>& evaluations() const { return evaluations_; }
  // Outcomes of `agent_id` during stage `stage` so far. Errors: kNotFound for another agent,
  // kInvalidArgument for a stage index out of range.
  Result<RolloutArmSummary> Summary(int stage, std::string_view agent_id) const;

 private:
  struct Arm {
    std::int64_t outcomes = 0;
    std::int64_t fallbacks = 0;
    std::int64_t errors = 0;
    SampleReservoir ttfa;
    RolloutArmSummary Summarize() const;
  };
  struct StageArms {
    Arm old_arm;
    Arm new_arm;
  };

  explicit TrafficRouter(RolloutConfig config);
  void StartStage(int stage, Micros now_us, std::vector<RolloutEvent>& out);
  void Emit(Micros at_us, std::string_view kind, int stage, std::string detail,
            std::vector<RolloutEvent>& out);
  std::string StageLabel(int stage) const;
  StageEvaluation Evaluate(int stage, Micros now_us) const;

  RolloutConfig config_;
  std::string seed_;
  RolloutStatus status_ = RolloutStatus::kPending;
  int current_ = -1;
  bool held_ = false;
  std::vector<StageArms> stage_arms_;
  std::vector<std::pair<Micros, double>> percent_changes_;  // (at_us, percent), in order
  std::vector<RolloutEvent> events_;
  std::vector<StageEvaluation> evaluations_;
};

}  // namespace agentsim
