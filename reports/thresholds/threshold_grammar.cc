#include "reports/thresholds/threshold_grammar.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <utility>

#include "core/json/json_document.h"

namespace agentsim {
namespace {

constexpr std::string_view kWhitespace = " \t\n\r\v\f";

std::string_view Trim(std::string_view s, std::string_view chars = kWhitespace) {
  const std::size_t first = s.find_first_not_of(chars);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(chars) - first + 1);
}

std::string Quote(std::string_view s) { return "\"" + EscapeForMessage(s) + "\""; }

// Scanned in this order, as k6 does: a longer token before the shorter one it contains.
constexpr std::array<std::pair<std::string_view, ThresholdOperator>, 7> kOperators = {{
    {"<=", ThresholdOperator::kLessEqual},
    {"<", ThresholdOperator::kLess},
    {">=", ThresholdOperator::kGreaterEqual},
    {">", ThresholdOperator::kGreater},
    {"===", ThresholdOperator::kStrictEqual},
    {"==", ThresholdOperator::kEqual},
    {"!=", ThresholdOperator::kNotEqual},
}};

constexpr std::array<std::pair<std::string_view, Aggregation>, 7> kAggregations = {{
    {"avg", Aggregation::kAvg},
    {"min", Aggregation::kMin},
    {"max", Aggregation::kMax},
    {"med", Aggregation::kMed},
    {"count", Aggregation::kCount},
    {"rate", Aggregation::kRate},
    {"value", Aggregation::kValue},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A decimal number: [+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?, within the range
// of a double.
std::optional<double> ParseDecimal(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  bool plus = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) {
    plus = text[i] == '+';
    ++i;
  }
  std::size_t digits = 0;
  while (i < n && IsDigit(text[i])) ++i, ++digits;
  if (i < n && text[i] == '.') {
    ++i;
    while (i < n && IsDigit(text[i])) ++i, ++digits;
  }
  if (digits == 0) return std::nullopt;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    std::size_t exponent_digits = 0;
    while (i < n && IsDigit(text[i])) ++i, ++exponent_digits;
    if (exponent_digits == 0) return std::nullopt;
  }
  if (i != n) return std::nullopt;
  const std::string_view number = plus ? text.substr(1) : text;
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

Result<ThresholdExpression> ParseAggregation(std::string_view text, ThresholdExpression e) {
  for (const auto& [name, aggregation] : kAggregations) {
    if (text == name) {
      e.aggregation = aggregation;
      return e;
    }
  }
  if (text.starts_with("p(") && text.ends_with(")")) {
    const std::string_view inside = text.substr(2, text.size() - 3);
    const std::optional<double> n = ParseDecimal(inside);
    if (!n || *n < 0 || *n > 100) {
      return InvalidArgument("expected a percentile p(N) with N a number from 0 to 100, got " +
                             Quote(text));
    }
    e.aggregation = Aggregation::kPercentile;
    e.percentile = *n;
    return e;
  }
  return InvalidArgument(
      "expected an aggregation (avg, min, max, med, p(N), count, rate or "
      "value) before the operator, got " +
      Quote(text));
}

// Go's duration units (and k6's d), in µs; `ns` is a fraction of a µs.
std::optional<long double> UnitMicros(std::string_view unit) {
  if (unit == "ns") return 0.001L;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1.0L;  // µs, μs
  if (unit == "ms") return 1e3L;
  if (unit == "s") return 1e6L;
  if (unit == "m") return 6e7L;
  if (unit == "h") return 3.6e9L;
  if (unit == "d") return 8.64e10L;
  return std::nullopt;
}

}  // namespace

Result<ThresholdExpression> ParseThresholdExpression(std::string_view text) {
  constexpr std::string_view kShape =
      "expected <aggregation> <operator> <value>, e.g. \"p(95)<1500\" or \"rate<0.05\", with an "
      "operator among <, <=, >, >=, ==, ===, !=";
  for (const auto& [token, op] : kOperators) {
    const std::size_t at = text.find(token);
    if (at == std::string_view::npos) continue;
    const std::string_view left = Trim(text.substr(0, at));
    const std::string_view right = Trim(text.substr(at + token.size()));
    ThresholdExpression e;
    e.op = op;
    if (left.empty()) return InvalidArgument(std::string(kShape) + "; the aggregation is missing");
    Result<ThresholdExpression> parsed = ParseAggregation(left, e);
    if (!parsed) return parsed;
    const std::optional<double> value = ParseDecimal(right);
    if (!value) {
      return InvalidArgument("expected a number after '" + std::string(token) + "', got " +
                             Quote(right));
    }
    parsed->value = *value;
    return parsed;
  }
  return InvalidArgument(std::string(kShape) + ", got " + Quote(text));
}

std::string AggregationName(const ThresholdExpression& expression) {
  if (expression.aggregation != Aggregation::kPercentile) {
    for (const auto& [name, aggregation] : kAggregations) {
      if (aggregation == expression.aggregation) return std::string(name);
    }
  }
  char buffer[64];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, expression.percentile);
  return "p(" + std::string(buffer, ec == std::errc() ? end : buffer) + ")";
}

std::string_view OperatorText(ThresholdOperator op) {
  for (const auto& [token, candidate] : kOperators) {
    if (candidate == op) return token;
  }
  return "?";
}

bool CompareThreshold(double observed, ThresholdOperator op, double value) {
  switch (op) {
    case ThresholdOperator::kLess:
      return observed < value;
    case ThresholdOperator::kLessEqual:
      return observed <= value;
    case ThresholdOperator::kGreater:
      return observed > value;
    case ThresholdOperator::kGreaterEqual:
      return observed >= value;
    case ThresholdOperator::kEqual:
    case ThresholdOperator::kStrictEqual:
      return observed == value;
    case ThresholdOperator::kNotEqual:
      return observed != value;
  }
  return false;
}

Result<MetricKey> ParseMetricKey(std::string_view text) {
  const std::size_t open = text.find('{');
  const std::size_t close = text.rfind('}');
  MetricKey key;
  if (open == std::string_view::npos && close == std::string_view::npos) {
    if (text.empty()) return InvalidArgument("expected a metric name, got an empty key");
    key.name = std::string(text);
    return key;
  }
  if (open == std::string_view::npos || close == std::string_view::npos) {
    return InvalidArgument("unmatched curly brace in metric key " + Quote(text) +
                           "; expected name{tag:value,...}");
  }
  if (close < open) {
    return InvalidArgument("the closing curly brace comes before the opening one in metric key " +
                           Quote(text) + "; expected name{tag:value,...}");
  }
  if (close != text.size() - 1) {
    return InvalidArgument("expected the closing curly brace last in metric key " + Quote(text) +
                           "; expected name{tag:value,...}");
  }
  if (open == 0) return InvalidArgument("expected a metric name before '{' in " + Quote(text));
  key.name = std::string(text.substr(0, open));
  std::string_view inside = text.substr(open + 1, close - open - 1);
  std::set<std::string, std::less<>> seen;
  while (true) {
    const std::size_t comma = inside.find(',');
    const std::string_view tag = inside.substr(0, comma);
    const std::size_t colon = tag.find(':');
    if (colon == std::string_view::npos) {
      return InvalidArgument("expected tag:value in metric key " + Quote(text) + ", got " +
                             Quote(Trim(tag)));
    }
    TagFilter filter;
    filter.key = std::string(Trim(Trim(tag.substr(0, colon)), "\"'"));
    filter.value = std::string(Trim(Trim(tag.substr(colon + 1)), "\"'"));
    if (filter.key.empty() || filter.value.empty()) {
      return InvalidArgument("expected tag:value with a non-empty tag and value in metric key " +
                             Quote(text) + ", got " + Quote(Trim(tag)));
    }
    if (!seen.insert(filter.key).second) {
      return InvalidArgument("tag '" + EscapeForMessage(filter.key) +
                             "' appears twice in metric key " + Quote(text));
    }
    key.tags.push_back(std::move(filter));
    if (comma == std::string_view::npos) break;
    inside.remove_prefix(comma + 1);
  }
  return key;
}

Result<Micros> ParseK6Duration(std::string_view text) {
  constexpr std::string_view kExpected =
      "expected a duration such as \"10s\", \"1m30s\" or \"500ms\" (units ms, s, m, h, d)";
  std::string_view rest = text;
  if (!rest.empty() && rest.front() == '-') {
    return InvalidArgument(std::string(kExpected) + ", got a negative duration " + Quote(text));
  }
  if (!rest.empty() && rest.front() == '+') rest.remove_prefix(1);
  if (rest == "0") return 0;
  if (rest.empty()) return InvalidArgument(std::string(kExpected) + ", got " + Quote(text));
  long double total_us = 0;
  while (!rest.empty()) {
    std::size_t i = 0;
    std::size_t digits = 0;
    while (i < rest.size() && IsDigit(rest[i])) ++i, ++digits;
    if (i < rest.size() && rest[i] == '.') {
      ++i;
      while (i < rest.size() && IsDigit(rest[i])) ++i, ++digits;
    }
    std::size_t unit_end = i;
    while (unit_end < rest.size() && !IsDigit(rest[unit_end]) && rest[unit_end] != '.') ++unit_end;
    const std::optional<long double> unit = UnitMicros(rest.substr(i, unit_end - i));
    if (digits == 0 || !unit) {
      return InvalidArgument(std::string(kExpected) + ", got " + Quote(text));
    }
    double number = 0;
    std::from_chars(rest.data(), rest.data() + i, number);
    total_us += static_cast<long double>(number) * *unit;
    rest.remove_prefix(unit_end);
  }
  if (total_us >= static_cast<long double>(std::numeric_limits<Micros>::max())) {
    return InvalidArgument(std::string(kExpected) + ", got " + Quote(text) + " (too long)");
  }
  return static_cast<Micros>(total_us);
}

}  // namespace agentsim
