// FormatSummary (declared in summary.h): numbers are formatted with std::to_chars, independent of
// the locale.
#include <charconv>
#include <cmath>
#include <string_view>

#include "core/json/json_document.h"
#include "reports/summary.h"

namespace agentsim {
namespace {

constexpr std::size_t kLabelWidth = 21;  // "time to first audio" and two spaces

std::string Fixed(double value, int precision) {
  char buffer[64];
  const auto [end, ec] =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, precision);
  return ec == std::errc() ? std::string(buffer, end) : std::string("?");
}

// 9512 -> "9,512".
std::string WithThousands(std::int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string TwoDigits(std::int64_t value) {
  return (value < 10 ? "0" : "") + std::to_string(value);
}

// 7985120000 µs -> "2h 13m 05.120s"; 65120000 -> "1m 05.120s"; 5120000 -> "5.120s".
// Truncated to whole milliseconds.
std::string VirtualTime(Micros us) {
  const std::int64_t total_ms = (us < 0 ? 0 : us) / kMicrosPerMilli;
  const std::int64_t hours = total_ms / 3'600'000;
  const std::int64_t minutes = total_ms / 60'000 % 60;
  const std::int64_t seconds = total_ms / 1000 % 60;
  const std::int64_t millis = total_ms % 1000;
  std::string millis_text = std::to_string(millis);
  millis_text.insert(0, 3 - millis_text.size(), '0');
  std::string out;
  if (hours > 0) {
    out = std::to_string(hours) + "h " + TwoDigits(minutes) + "m " + TwoDigits(seconds);
  } else if (minutes > 0) {
    out = std::to_string(minutes) + "m " + TwoDigits(seconds);
  } else {
    out = std::to_string(seconds);
  }
  return out + "." + millis_text + "s";
}

std::string Latency(const LatencySummary& latency) {
  if (latency.count == 0) return "no samples";
  return "p50 " + Fixed(latency.p50_ms, 1) + " ms  p95 " + Fixed(latency.p95_ms, 1) + " ms  p99 " +
         Fixed(latency.p99_ms, 1) + " ms";
}

std::string Times(const Summary& s) {
  std::string out = s.finished ? VirtualTime(s.virtual_duration_us) : "unknown (run not finished)";
  if (!s.has_wall_time) return out;
  out += "    wall time " + Fixed(s.wall_time_ms / 1000.0, 2) + " s";
  if (s.finished && s.wall_time_ms > 0) {
    const double speedup =
        static_cast<double>(s.virtual_duration_us) / kMicrosPerMilli / s.wall_time_ms;
    out += " (";
    out += speedup >= 10 ? WithThousands(std::llround(speedup)) : Fixed(speedup, 1);
    out += "x)";
  }
  return out;
}

// An unfinished run (killed, or its report failed) never reads as a pass: its checks did not
// all run.
std::string Checks(const Summary& s) {
  const std::string failed = std::to_string(s.check_failures) + " failed (see table check_failure)";
  if (!s.finished) {
    return s.check_failures == 0 ? "unknown: the run did not finish"
                                 : failed + "; the run did not finish";
  }
  // Rows deleted or added after the run: the run's own checks passed, but this report no longer
  // holds what the run wrote.
  const std::string unaccounted = RowsUnaccounted(s);
  if (!unaccounted.empty()) {
    return (s.check_failures == 0 ? std::string() : failed + "; ") + "report rows unaccounted: " +
           unaccounted + " (edited or damaged after the run)";
  }
  return s.check_failures == 0 ? "all passed" : failed;
}

void AddLine(std::string& out, std::string_view label, const std::string& text) {
  out += FormatSummaryLine(label, text);
}

}  // namespace

std::string FormatSummaryLine(std::string_view label, std::string_view text) {
  std::string out(label);
  out.append(kLabelWidth > label.size() ? kLabelWidth - label.size() : 1, ' ');
  out += EscapeForMessage(text);  // paths and names from the user: no control character
  out += '\n';
  return out;
}

std::string FormatSummary(const Summary& s) {
  std::string out;
  // The name is the scenario author's text: a control character in it is shown escaped.
  AddLine(out, "scenario", EscapeForMessage(s.scenario_name) + " (seed " + s.seed + ")");
  AddLine(out, "sessions",
          std::to_string(s.sessions) + " (" + std::to_string(s.sessions_completed) +
              " completed, " + std::to_string(s.sessions_refused) + " refused, " +
              std::to_string(s.sessions_error) + " error" +
              (s.sessions_dropped > 0 ? ", " + std::to_string(s.sessions_dropped) + " dropped"
                                      : std::string()) +
              (s.sessions_disconnected > 0
                   ? ", " + std::to_string(s.sessions_disconnected) + " disconnected"
                   : std::string()) +
              (s.sessions_aborted > 0 ? ", " + std::to_string(s.sessions_aborted) + " aborted"
                                      : std::string()) +
              ")");
  if (s.sessions_dropped > 0) {
    AddLine(out, "sessions dropped",
            std::to_string(s.sessions_dropped) + " (" +
                Fixed(100.0 * static_cast<double>(s.sessions_dropped) /
                          static_cast<double>(s.sessions),
                      1) +
                "%)");
  }
  AddLine(out, "turns",
          std::to_string(s.turns) + ": " + std::to_string(s.turns_structured) + " structured, " +
              std::to_string(s.turns_fallback) + " fallback (" + Fixed(s.fallback_rate * 100.0, 2) +
              "%), " + std::to_string(s.turns_error) + " error");
  if (!s.reasons.empty()) {
    std::string reasons;
    for (const auto& [reason, count] : s.reasons) {
      if (!reasons.empty()) reasons += ", ";
      reasons += reason + " " + std::to_string(count);
    }
    AddLine(out, "reasons", reasons);
  }
  if (!s.cache_levels.empty()) {
    std::string rates;
    for (const Summary::CacheLevel& c : s.cache_levels) {
      const std::int64_t lookups = c.hits + c.misses;
      if (!rates.empty()) rates += "  ";
      rates += c.level + " " +
               (lookups == 0 ? std::string("-")
                             : Fixed(100.0 * static_cast<double>(c.hits) /
                                         static_cast<double>(lookups),
                                     1) + "%") +
               " (" + WithThousands(c.hits) + "/" + WithThousands(lookups) + ")";
    }
    AddLine(out, "config cache hits", rates);
  }
  if (!s.quota_refusals.empty()) {
    std::string refusals;
    for (const Summary::QuotaRefusal& q : s.quota_refusals) {
      if (!refusals.empty()) refusals += ", ";
      refusals += q.tenant_id + " " + q.resource + " " + WithThousands(q.refusals);
    }
    AddLine(out, "quota refusals", refusals);
  }
  if (s.chaos_sites > 0) {
    AddLine(out, "chaos", std::to_string(s.chaos_sites_on) + "/" + std::to_string(s.chaos_sites) +
                              " sites on, " + WithThousands(s.chaos_fired) + " faults fired");
  }
  AddLine(out, "time to first audio", Latency(s.time_to_first_audio));
  AddLine(out, "turn latency", Latency(s.turn_latency));
  AddLine(out, "virtual time", Times(s));
  AddLine(out, "checks", Checks(s));
  return out;
}

}  // namespace agentsim
