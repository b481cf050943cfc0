#include "core/config/semver.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <utility>

namespace agentsim {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
// [0-9A-Za-z-]: the characters of pre-release and build identifiers.
bool IsIdentifierChar(char c) { return IsDigit(c) || IsAlpha(c) || c == '-'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsNumeric(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// "'x'" for a printable ASCII character, "byte 0xNN" otherwise.
std::string CharName(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7F) return std::string("'") + c + "'";
  constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 0xF];
}

// `text` in double quotes, JSON-style escapes, truncated like DescribeJson (40 characters).
std::string Quote(std::string_view text) {
  std::string_view shown = text.size() > 40 ? text.substr(0, 37) : text;
  std::string out = "\"";
  for (char c : shown) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      out += c;
    }
  }
  if (shown.size() < text.size()) out += "...";
  out += '"';
  return out;
}

// A strict SemVer 2.0.0 parser that says what is wrong at the first problem.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  // Fills `out`; returns the problem, or nullopt when `text` is a version.
  std::optional<std::string> Run(SemVer& out) {
    if (text_.empty()) return "empty string";
    if (IsSpace(text_.front())) return "leading whitespace";
    if (IsSpace(text_.back())) return "trailing whitespace";
    if (text_.front() == 'v' || text_.front() == 'V' || text_.front() == '=') {
      return "prefix " + CharName(text_.front()) + " is not allowed: a node-semver loose form";
    }
    if (auto problem = Number("major", out.major)) return problem;
    if (auto problem = Dot("major", "minor")) return problem;
    if (auto problem = Number("minor", out.minor)) return problem;
    if (auto problem = Dot("minor", "patch")) return problem;
    if (auto problem = Number("patch", out.patch)) return problem;
    if (AtEnd()) return std::nullopt;
    if (Peek() == '-') {
      ++pos_;
      if (auto problem = Identifiers(/*prerelease=*/true, out.prerelease)) return problem;
    }
    if (AtEnd()) return std::nullopt;
    if (Peek() == '+') {
      ++pos_;
      if (auto problem = Identifiers(/*prerelease=*/false, out.build)) return problem;
      return std::nullopt;
    }
    // Only reachable right after the patch number (identifier loops stop at '+' or the end).
    return "expected '-', '+' or the end after patch, got " + CharName(Peek());
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }

  std::optional<std::string> Number(std::string_view name, std::string& out) {
    const std::size_t start = pos_;
    while (!AtEnd() && IsDigit(Peek())) ++pos_;
    if (pos_ == start) {
      if (AtEnd()) return "missing " + std::string(name);
      return "expected a digit at the start of " + std::string(name) + ", got " + CharName(Peek());
    }
    if (pos_ - start > 1 && text_[start] == '0') return "leading zero in " + std::string(name);
    out = std::string(text_.substr(start, pos_ - start));
    return std::nullopt;
  }

  std::optional<std::string> Dot(std::string_view after, std::string_view next) {
    if (AtEnd()) return "missing " + std::string(next);
    if (Peek() != '.') {
      return "expected '.' after " + std::string(after) + ", got " + CharName(Peek());
    }
    ++pos_;
    return std::nullopt;
  }

  // Dot-separated identifiers up to '+' (pre-release only) or the end.
  std::optional<std::string> Identifiers(bool prerelease, std::vector<std::string>& out) {
    const std::string what = prerelease ? "pre-release" : "build";
    while (true) {
      const std::size_t start = pos_;
      while (!AtEnd() && IsIdentifierChar(Peek())) ++pos_;
      const std::string_view id = text_.substr(start, pos_ - start);
      if (id.empty()) {
        if (!AtEnd() && Peek() != '.' && !(prerelease && Peek() == '+')) {
          return "invalid character " + CharName(Peek()) + " in " + what + " identifier";
        }
        return "empty " + what + " identifier";
      }
      if (prerelease && id.size() > 1 && id.front() == '0' && IsNumeric(id)) {
        return "leading zero in numeric pre-release identifier " + Quote(id);
      }
      out.emplace_back(id);
      if (AtEnd() || (prerelease && Peek() == '+')) return std::nullopt;
      if (Peek() != '.') {
        return "invalid character " + CharName(Peek()) + " in " + what + " identifier " + Quote(id);
      }
      ++pos_;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

int Sign(int v) { return (v > 0) - (v < 0); }

// Compares two decimal digit strings by value (leading zeros tolerated).
int CompareNumbers(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return Sign(a.compare(b));
}

// semver.org §11.4: numeric identifiers compare numerically and sort before alphanumeric ones,
// which compare in ASCII order.
int CompareIdentifiers(std::string_view a, std::string_view b) {
  const bool a_numeric = IsNumeric(a);
  const bool b_numeric = IsNumeric(b);
  if (a_numeric && b_numeric) return CompareNumbers(a, b);
  if (a_numeric) return -1;
  if (b_numeric) return 1;
  return Sign(a.compare(b));
}

}  // namespace

std::optional<std::string> SemVer::Diagnose(std::string_view text) {
  SemVer ignored;
  return Parser(text).Run(ignored);
}

Result<SemVer> SemVer::Parse(std::string_view text) {
  SemVer version;
  if (std::optional<std::string> problem = Parser(text).Run(version)) {
    return InvalidArgument("invalid SemVer 2.0.0 version " + Quote(text) + ": " + *problem);
  }
  return version;
}

std::string SemVer::ToString() const {
  std::string out = major + "." + minor + "." + patch;
  for (std::size_t i = 0; i < prerelease.size(); ++i) {
    out += i == 0 ? '-' : '.';
    out += prerelease[i];
  }
  for (std::size_t i = 0; i < build.size(); ++i) {
    out += i == 0 ? '+' : '.';
    out += build[i];
  }
  return out;
}

std::optional<std::uint64_t> SemVer::MajorNumber() const {
  if (!IsNumeric(major)) return std::nullopt;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  for (char c : major) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

int CompareSemVer(const SemVer& a, const SemVer& b) {
  if (int c = CompareNumbers(a.major, b.major); c != 0) return c;
  if (int c = CompareNumbers(a.minor, b.minor); c != 0) return c;
  if (int c = CompareNumbers(a.patch, b.patch); c != 0) return c;
  // A version without pre-release identifiers has higher precedence (§11.3).
  if (a.prerelease.empty() || b.prerelease.empty()) {
    return static_cast<int>(a.prerelease.empty()) - static_cast<int>(b.prerelease.empty());
  }
  const std::size_t n = std::min(a.prerelease.size(), b.prerelease.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (int c = CompareIdentifiers(a.prerelease[i], b.prerelease[i]); c != 0) return c;
  }
  // A larger set of pre-release fields has higher precedence when all before are equal.
  if (a.prerelease.size() == b.prerelease.size()) return 0;
  return a.prerelease.size() < b.prerelease.size() ? -1 : 1;
}

}  // namespace agentsim
