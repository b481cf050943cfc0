#include "core/agent/json_repair.h"

#include <array>
#include <cstdint>

namespace agentsim {
namespace {

bool IsBlankByte(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t SkipBlanks(std::string_view text, std::size_t i) {
  while (i < text.size() && IsBlankByte(text[i])) ++i;
  return i;
}

unsigned char Byte(std::string_view text, std::size_t i) {
  return static_cast<unsigned char>(text[i]);
}

// The length of the well-formed UTF-8 sequence starting at `i` (a byte >= 0x80), or 0.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const unsigned char b = Byte(text, i);
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) lo = 0xA0;  // no overlong forms
    if (b == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) lo = 0x90;
    if (b == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  const unsigned char second = Byte(text, i + 1);
  if (second < lo || second > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    const unsigned char c = Byte(text, i + k);
    if (c < 0x80 || c > 0xBF) return 0;
  }
  return n;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of "\uXXXX" starting at `i` (the backslash), or -1 when it is not one.
int EscapedCodeUnit(std::string_view text, std::size_t i) {
  if (i + 6 > text.size() || text[i] != '\\' || text[i + 1] != 'u') return -1;
  int value = 0;
  for (std::size_t k = 2; k < 6; ++k) {
    const int d = HexDigit(text[i + k]);
    if (d < 0) return -1;
    value = value * 16 + d;
  }
  return value;
}

bool IsAsciiPunctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The escape of a control byte other than LF and CR: \t, \b, \f or \u00XX.
void AppendControlEscape(unsigned char c, std::string& out) {
  switch (c) {
    case '\t': out += "\\t"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    default: break;
  }
  constexpr std::string_view kHex = "0123456789abcdef";
  out += "\\u00";
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0xF]);
}

// Repairs one string's content from `i` (just after its opening quote) up to and including its
// closing quote (or the end of the text); returns the index after what was consumed.
std::size_t RepairString(std::string_view text, std::size_t i, std::string& out,
                         CoercionCounts& counts) {
  while (i < text.size()) {
    const char c = text[i];
    const unsigned char b = Byte(text, i);
    if (c == '"') {
      out.push_back('"');
      return i + 1;
    }
    if (c == '\\') {
      if (i + 1 >= text.size()) {  // the text ends in an escape: left to the parser
        out.push_back('\\');
        return i + 1;
      }
      const char next = text[i + 1];
      if (next == '"' || next == '\\' || next == '/' || next == 'b' || next == 'f' ||
          next == 'n' || next == 'r' || next == 't') {
        out.append(text.substr(i, 2));
        i += 2;
        continue;
      }
      if (next == 'u') {
        const int unit = EscapedCodeUnit(text, i);
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          const int low = EscapedCodeUnit(text, i + 6);
          if (low >= 0xDC00 && low <= 0xDFFF) {
            out.append(text.substr(i, 12));
            i += 12;
          } else {
            out += "\\ufffd";
            counts.Add(CoercionKind::kLoneSurrogate);
            i += 6;
          }
          continue;
        }
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
          out += "\\ufffd";
          counts.Add(CoercionKind::kLoneSurrogate);
          i += 6;
          continue;
        }
        if (unit >= 0) {
          out.append(text.substr(i, 6));
          i += 6;
          continue;
        }
      }
      counts.Add(CoercionKind::kInvalidEscape);
      if (IsAsciiPunctuation(next)) {  // \' \$ \_ ...: the character itself was meant
        out.push_back(next);
        i += 2;
      } else {  // \U, \x, \u12G4, \<space>: a literal backslash; the next byte follows as usual
        out += "\\\\";
        i += 1;
      }
      continue;
    }
    if (c == '\n' || c == '\r') {
      counts.Add(CoercionKind::kRawNewlineInString);
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        out += "\\r\\n";
        i += 2;
      } else {
        out += c == '\n' ? "\\n" : "\\r";
        i += 1;
      }
      continue;
    }
    if (b < 0x20) {
      counts.Add(CoercionKind::kRawControlInString);
      AppendControlEscape(b, out);
      i += 1;
      continue;
    }
    if (b >= 0x80) {
      const std::size_t n = Utf8SequenceLength(text, i);
      if (n == 0) {
        counts.Add(CoercionKind::kInvalidUtf8);
        out += "\\ufffd";
        i += 1;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    out.push_back(c);
    i += 1;
  }
  return i;
}

constexpr std::array<std::string_view, 13> kRefusalPhrases = {
    "i'm sorry",  "i am sorry", "i apologize", "i apologise",  "my apologies",
    "i can't",    "i cannot",   "i'm unable",  "i am unable",  "i'm not able",
    "i won't",    "i will not", "as an ai",
};

}  // namespace

bool IsBlank(std::string_view text) { return SkipBlanks(text, 0) == text.size(); }

int JsonNestingDepth(std::string_view text, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

ObjectScan ScanObjectCandidates(std::string_view text) {
  ObjectScan scan;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '{') {
      ++i;
      continue;
    }
    const std::size_t next = SkipBlanks(text, i + 1);
    if (next < text.size() && text[next] != '"' && text[next] != '}') {
      ++i;  // prose: "{name}", "{ x }"
      continue;
    }
    const std::size_t begin = i;
    std::size_t depth = 0;
    bool in_string = false;
    bool closed = false;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          closed = true;
          ++i;
          break;
        }
      }
    }
    if (!closed) {
      scan.unterminated = true;
      scan.unterminated_at = begin;
      break;
    }
    scan.objects.push_back({begin, i});
  }
  return scan;
}

FenceOpening FindFenceOpening(std::string_view text) {
  FenceOpening fence;
  const std::size_t at = text.find("```");
  if (at == std::string_view::npos) return fence;
  fence.fenced = true;
  fence.fence_at = at;
  std::size_t i = at + 3;
  auto tag_byte = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
  };
  while (i < text.size() && tag_byte(text[i])) ++i;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  if (i < text.size() && text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
  if (i < text.size() && text[i] == '\n') ++i;
  fence.content_begin = i;
  return fence;
}

bool OnlyBlankOrClosingFence(std::string_view rest, bool fenced) {
  std::size_t i = SkipBlanks(rest, 0);
  if (fenced && rest.substr(i).starts_with("```")) i = SkipBlanks(rest, i + 3);
  return i == rest.size();
}

std::string RepairJsonSyntax(std::string_view text, CoercionCounts& counts) {
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      out.push_back('"');
      i = RepairString(text, i + 1, out, counts);
      continue;
    }
    if (c == ',') {
      const std::size_t next = SkipBlanks(text, i + 1);
      if (next < text.size() && (text[next] == '}' || text[next] == ']')) {
        counts.Add(CoercionKind::kTrailingComma);
        ++i;  // the blanks after it are kept
        continue;
      }
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

bool LooksLikeRefusal(std::string_view text) {
  std::string folded;
  folded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i).starts_with("\xE2\x80\x99")) {  // U+2019 RIGHT SINGLE QUOTATION MARK
      folded.push_back('\'');
      i += 2;
    } else {
      folded.push_back(Lower(text[i]));
    }
  }
  for (std::string_view phrase : kRefusalPhrases) {
    if (folded.find(phrase) != std::string::npos) return true;
  }
  return false;
}

}  // namespace agentsim
