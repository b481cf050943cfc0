#include "reports/thresholds/junit_xml.h"

#include <cstdint>

#include "reports/thresholds/threshold_format.h"

namespace agentsim {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at the start of `s` and its code point; 0 when invalid
// (bad lead or continuation byte, overlong form, surrogate, beyond U+10FFFF, truncated).
std::size_t DecodeUtf8(std::string_view s, char32_t& code_point) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  std::size_t length;
  char32_t min;
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, min = 0x80, code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, min = 0x800, code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, min = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (s.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    return 0;
  }
  return length;
}

// XML 1.0's Char production, minus the three whitespace controls handled as references.
bool AllowedInXml(char32_t c) {
  return (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || c >= 0x10000;
}

std::string Attribute(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + XmlEscape(value) + "\"";
}

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    char32_t c = 0;
    const std::size_t length = DecodeUtf8(text, c);
    if (length == 0) {
      out += kReplacement;
      text.remove_prefix(1);
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (AllowedInXml(c)) {
          out += text.substr(0, length);
        } else {
          out += kReplacement;
        }
    }
    text.remove_prefix(length);
  }
  return out;
}

std::string FormatJUnit(std::string_view suite_name, std::span<const ThresholdResult> results) {
  int failures = 0;
  for (const ThresholdResult& r : results) failures += r.passed ? 0 : 1;
  const std::string tests = std::to_string(results.size());
  const std::string failed = std::to_string(failures);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites" + Attribute("name", "agentsim") + Attribute("tests", tests) +
         Attribute("failures", failed) + ">\n";
  out += "  <testsuite" + Attribute("name", suite_name) + Attribute("tests", tests) +
         Attribute("failures", failed) + Attribute("errors", "0") + Attribute("skipped", "0") +
         ">\n";
  for (const ThresholdResult& r : results) {
    out += "    <testcase" + Attribute("classname", "agentsim.thresholds") +
           Attribute("name", r.metric_key + " - " + r.expression);
    if (r.passed) {
      out += "/>\n";
      continue;
    }
    const std::string observed = FormatObserved(r);
    out += ">\n      <failure" + Attribute("type", "threshold") +
           Attribute("message", observed + " does not satisfy " + r.expression) + ">" +
           XmlEscape(r.metric_key + ": " + observed + " over " + std::to_string(r.samples) +
                     " samples does not satisfy '" + r.expression + "'") +
           "</failure>\n    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace agentsim
