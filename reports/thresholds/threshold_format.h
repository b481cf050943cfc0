// Threshold results for people: the k6-like block of the human summary (after FormatSummary) and
// the observed value as the block and the JUnit file show it. Numbers are formatted with
// std::to_chars, independent of the locale.
#pragma once

#include <span>
#include <string>

#include "reports/thresholds/threshold_evaluator.h"

namespace agentsim {

// The compared aggregate and its value, in the metric's unit:
//   trend "p(95)=812.40ms"; rate "rate=6.82%"; counter "count=3" or "rate=0.25/s";
//   not evaluated "rate=n/a (no samples)"; a metric the catalog does not know "avg=1.5".
std::string FormatObserved(const ThresholdResult& result);

// The thresholds block, "" when `results` is empty. A header line in FormatSummaryLine's layout,
// then each metric key (in the order given, consecutive results of one key grouped) and its
// thresholds, ✓ passed and ✗ failed, as k6 prints them:
//   thresholds           1 of 2 failed
//     time_to_first_audio_ms
//       ✓ 'p(95)<1500' p(95)=812.40ms
//     turn_fallback
//       ✗ 'rate<0.05' rate=6.82%
// The header reads "all N passed" when none failed.
std::string FormatThresholds(std::span<const ThresholdResult> results);

}  // namespace agentsim
