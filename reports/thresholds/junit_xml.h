// Threshold results as JUnit XML for CI (--junit FILE.xml), in the shape of k6's own JUnit output
// (jslib k6-summary): one testsuite, one testcase per threshold named "<metric key> -
// <expression>", a failure element when the threshold failed.
//
//   <?xml version="1.0" encoding="UTF-8"?>
//   <testsuites name="agentsim" tests="2" failures="1">
//     <testsuite name="agentsim thresholds" tests="2" failures="1" errors="0" skipped="0">
//       <testcase classname="agentsim.thresholds" name="time_to_first_audio_ms - p(95)&lt;1500"/>
//       <testcase classname="agentsim.thresholds" name="turn_fallback - rate&lt;0.05">
//         <failure type="threshold" message="rate=6.82% does not satisfy
//         rate&lt;0.05">...</failure>
//       </testcase>
//     </testsuite>
//   </testsuites>
//
// No time attributes: the file is deterministic, like the report.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "reports/thresholds/threshold_evaluator.h"

namespace agentsim {

// `text` escaped for XML 1.0 text and attribute values: & < > " ' as entities, tab, newline and
// carriage return as character references (kept through attribute normalisation), characters
// XML 1.0 cannot hold (other control characters, U+FFFE, U+FFFF) and invalid UTF-8 bytes as
// U+FFFD.
std::string XmlEscape(std::string_view text);

// The JUnit document (ending in a newline) for `results`, with testsuite name `suite_name`.
std::string FormatJUnit(std::string_view suite_name, std::span<const ThresholdResult> results);

}  // namespace agentsim
