// The routing part of a report's human summary: experiments (SRM and each metric's effect),
// the rollout's course, hot reload propagation and the timeline. Empty when the run had none.
//
//   experiment           interview_temperature_test: 2000 users (0: 1002, 1: 998), SRM p 0.9287 healthy
//     task_completed     1 vs 0: 0.6122 vs 0.6098, +0.0024 [-0.0403, +0.0452] p 0.9108, lift +0.40%
//   rollout              interview-v2: rolled_back at 10m00.000s (stage 1/4 (10%): fallback
//                        rate +0.9524 > +0.0200; ...); 2 events in timeline_event
//   hot reload           interview-strict-v1@1.1.0 published at 4m00.034s: 4 workers applied
//                        within 0.721s, all serving within 3.801s
//   timeline             1 event: 1 ok
//   paired difference    fallback_rate: short - base over 150 pairs: +0.3965 [...] p 0.0000
// (one line each; wrapped here). Experiments list every metric against variant 0; the rollout
// line is its last event; hot reload is per published version, over the workers that applied it.
#pragma once

#include <string>

#include "core/util/error.h"

namespace agentsim {

// Reads the routing tables of the report at `db_path` (read-only) and formats them in
// FormatSummary's layout. Errors: as ReadSummary.
Result<std::string> FormatRoutingSummary(const std::string& db_path);

}  // namespace agentsim
