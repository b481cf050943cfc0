#include "core/json/json_document.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <utility>
#include <vector>

#include "core/json/duplicate_keys.h"

namespace agentsim {
namespace {

// Length of the valid UTF-8 sequence starting at s[i] (1 to 4), or 0 when s[i] does not start
// one (a stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF, truncated).
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

// Where a string or comment starting at `i` ends (the offset after it), or `i` when none
// starts there. An unterminated one ends at the end of the text.
std::size_t SkipStringOrComment(std::string_view text, std::size_t i) {
  if (text[i] == '"') {
    for (++i; i < text.size(); ++i) {
      if (text[i] == '\\') {
        ++i;
      } else if (text[i] == '"') {
        return i + 1;
      }
    }
    return text.size();
  }
  if (text[i] == '/' && i + 1 < text.size() && text[i + 1] == '/') {
    const std::size_t end = text.find('\n', i);
    return end == std::string_view::npos ? text.size() : end;
  }
  if (text[i] == '/' && i + 1 < text.size() && text[i + 1] == '*') {
    const std::size_t end = text.find("*/", i + 2);
    return end == std::string_view::npos ? text.size() : end + 2;
  }
  return i;
}

// A problem found before parsing: its offset and message.
struct PreScanProblem {
  std::size_t offset = 0;
  std::string message;
};

// Finds a NUL byte (never valid in JSON text; nlohmann would take it for the end of input),
// nesting deeper than kMaxJsonDepth, without recursion, or (with comments allowed) a `/*` never
// closed, which nlohmann reports at the end of the text rather than where it opens. Strings and
// comments are skipped.
std::optional<PreScanProblem> PreScan(std::string_view text, bool allow_comments) {
  if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return PreScanProblem{nul, "invalid JSON: unexpected NUL byte (binary data?)"};
  }
  int depth = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (allow_comments && text[i] == '/' && i + 1 < text.size() && text[i + 1] == '*' &&
        text.find("*/", i + 2) == std::string_view::npos) {
      return PreScanProblem{i, "invalid JSON: comment opened here is never closed (no '*/')"};
    }
    if (std::size_t next = SkipStringOrComment(text, i); next != i) {
      i = next;
      continue;
    }
    const char c = text[i];
    if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        return PreScanProblem{i,
                              "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels"};
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    ++i;
  }
  return std::nullopt;
}

bool StartsNumber(char c) { return c == '-' || (c >= '0' && c <= '9'); }
bool InNumber(char c) { return StartsNumber(c) || c == '+' || c == '.' || c == 'e' || c == 'E'; }

// The offset and text of the first number literal (outside strings and comments) that does not
// fit a double, as nlohmann reports with out_of_range.406 without a position.
std::optional<std::pair<std::size_t, std::string_view>> FindOverflowingNumber(
    std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (std::size_t next = SkipStringOrComment(text, i); next != i) {
      i = next;
      continue;
    }
    if (!StartsNumber(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && InNumber(text[end])) ++end;
    const std::string token(text.substr(i, end - i));
    if (!std::isfinite(std::strtod(token.c_str(), nullptr))) {
      return std::pair{i, text.substr(i, end - i)};
    }
    i = end;
  }
  return std::nullopt;
}

// `text` cut to at most `max_bytes` (at a character boundary), with "..." when cut.
std::string Shorten(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  return std::string(Utf8Prefix(text, max_bytes - 3)) + "...";
}

// nlohmann's message without its "[json.exception.parse_error.101] parse error at line 1,
// column 2: " prefix, with the "last read: '...'" excerpt cut to its last 40 bytes (it can hold
// a whole long string) and escaped.
std::string ParserMessage(const nlohmann::json::exception& e) {
  std::string what = e.what();
  if (what.starts_with("[json.exception.")) {
    if (auto close = what.find("] "); close != std::string::npos) what.erase(0, close + 2);
  }
  if (what.starts_with("parse error")) {
    if (auto colon = what.find(": "); colon != std::string::npos) what.erase(0, colon + 2);
  }
  constexpr std::string_view kLastRead = "last read: '";
  constexpr std::size_t kMaxExcerpt = 40;
  if (auto start = what.find(kLastRead); start != std::string::npos) {
    start += kLastRead.size();
    std::size_t end = what.rfind("'; expected");
    if (end == std::string::npos || end < start) end = what.rfind('\'');
    if (end != std::string::npos && end > start && end - start > kMaxExcerpt) {
      // Keep the end of the excerpt: it is where the parser stopped.
      std::size_t cut = end - (kMaxExcerpt - 3);
      while (cut < end && (static_cast<unsigned char>(what[cut]) & 0xC0) == 0x80) ++cut;
      what.replace(start, cut - start, "...");
    }
  }
  return EscapeForMessage(what);
}

std::string Located(const std::string& source, std::string_view text, std::size_t offset,
                    std::string_view message) {
  const SourcePosition p = PositionOf(text, offset);
  return source + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " +
         std::string(message);
}

}  // namespace

Result<JsonDocument> JsonDocument::Parse(std::string source_name, std::string text,
                                         bool allow_comments) {
  return ParseImpl(std::move(source_name), std::move(text), allow_comments, nullptr);
}

Result<JsonDocument> JsonDocument::ParseListingDuplicates(std::string source_name,
                                                          std::string text, bool allow_comments,
                                                          std::vector<std::string>* duplicates) {
  std::vector<std::string> found;
  Result<JsonDocument> doc =
      ParseImpl(std::move(source_name), std::move(text), allow_comments, &found);
  if (doc) duplicates->insert(duplicates->end(), found.begin(), found.end());
  return doc;
}

Result<JsonDocument> JsonDocument::ParseImpl(std::string source_name, std::string text,
                                             bool allow_comments,
                                             std::vector<std::string>* duplicates) {
  JsonDocument doc;
  doc.source_name_ = std::move(source_name);
  doc.text_ = std::move(text);
  const std::string& source = doc.source_name_;
  if (std::optional<PreScanProblem> problem = PreScan(doc.text_, allow_comments)) {
    return InvalidArgument(
        EscapeForMessage(Located(source, doc.text_, problem->offset, problem->message)));
  }
  std::vector<std::string> duplicate_keys;
  try {
    JsonWithDuplicates parsed = ParseJsonNotingDuplicates(doc.text_, allow_comments);
    doc.root_ = std::move(parsed.root);
    duplicate_keys = std::move(parsed.duplicate_keys);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the 1-based index of the character the parser stopped at.
    const std::size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    return InvalidArgument(
        EscapeForMessage(Located(source, doc.text_, offset, "invalid JSON: " + ParserMessage(e))));
  } catch (const nlohmann::json::out_of_range& e) {
    // 406: a number literal beyond the double range. nlohmann gives no position: find it.
    if (auto number = FindOverflowingNumber(doc.text_)) {
      return InvalidArgument(EscapeForMessage(
          Located(source, doc.text_, number->first,
                  "invalid JSON: number overflow parsing '" + Shorten(number->second, 40) + "'")));
    }
    return InvalidArgument(EscapeForMessage(source) +
                           ": invalid JSON: " + Shorten(ParserMessage(e), 200));
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(EscapeForMessage(source) +
                           ": invalid JSON: " + Shorten(ParserMessage(e), 200));
  }
  // Created now, so that copies of the document (readers of its parts) share it.
  doc.locator_ = std::make_shared<PointerLocator>(doc.text_);
  // Located at the key's last value, the one nlohmann kept.
  constexpr std::string_view kDuplicate =
      "duplicate key: the object has this key more than once and only the last value would be "
      "used; remove or rename the others";
  if (!duplicate_keys.empty() && duplicates == nullptr) {
    return InvalidArgument(doc.Describe(duplicate_keys.front(), kDuplicate));
  }
  for (const std::string& pointer : duplicate_keys) {
    duplicates->push_back(doc.Describe(pointer, kDuplicate));
  }
  return doc;
}

std::string JsonDocument::Describe(std::string_view pointer, std::string_view message) const {
  if (!locator_) locator_ = std::make_shared<PointerLocator>(text_);
  SourcePosition p = locator_->Position(text_, locator_->Locate(text_, pointer));
  std::string out = source_name_ + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                    ": " + (pointer.empty() ? std::string("(root)") : std::string(pointer)) +
                    ": ";
  out += message;
  return EscapeForMessage(out);
}

std::string JsonDocument::DescribeAt(std::string_view pointer, const nlohmann::json& value) const {
  if (value.is_number()) {
    if (std::optional<std::string> text = NumberText(pointer)) return "number " + *text;
  }
  return DescribeJson(value);
}

std::optional<std::string> JsonDocument::NumberText(std::string_view pointer) const {
  if (!locator_) locator_ = std::make_shared<PointerLocator>(text_);
  const std::size_t start = locator_->Locate(text_, pointer);
  std::size_t end = start;
  while (end < text_.size() && end - start <= 40 && InNumber(text_[end])) ++end;
  if (end == start || end - start > 40 || !StartsNumber(text_[start])) return std::nullopt;
  return text_.substr(start, end - start);
}

Error JsonDocument::ErrorAt(std::string_view pointer, std::string_view message) const {
  return Error{ErrorCode::kInvalidArgument, Describe(pointer, message)};
}

std::string EscapePointerToken(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Error MemberError(const JsonDocument& doc, std::string_view object_pointer,
                  const nlohmann::json& object, const std::string& key, std::string_view expected) {
  auto it = object.find(key);
  if (it == object.end()) {
    return doc.ErrorAt(object_pointer, "missing required key '" + key + "' (" +
                                           std::string(expected) + ")");
  }
  return doc.ErrorAt(std::string(object_pointer) + "/" + EscapePointerToken(key),
                     "expected " + std::string(expected) + ", got " + DescribeJson(*it));
}

std::string DescribeJson(const nlohmann::json& value) {
  using nlohmann::json;
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case json::value_t::string: {
      const std::string& s = value.get_ref<const std::string&>();
      if (s.size() <= 40) return "string " + DumpForMessage(value);
      return "string " + DumpForMessage(json(std::string(Utf8Prefix(s, 37)) + "..."));
    }
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "number " + DumpForMessage(value);
    case json::value_t::object: return "an object";
    case json::value_t::array: return value.empty() ? "an empty array" : "an array";
    default: return "a value of another type";
  }
}

std::string DumpForMessage(const nlohmann::json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

std::string EscapeForMessage(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const std::size_t n = Utf8SequenceLength(text, i);
    // C0 controls and DEL, and the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F: a terminal
    // may take U+009B for CSI).
    const bool c1 = n == 2 && b == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    const unsigned char code = c1 ? static_cast<unsigned char>(text[i + 1]) : b;
    if ((n == 1 && (b < 0x20 || b == 0x7F)) || c1) {
      out += "<U+00";
      out += kHex[code >> 4];
      out += kHex[code & 0xF];
      out += '>';
    } else if (n == 0) {
      out += "<0x";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
      out += '>';
      ++i;
      continue;
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string EscapeLinesForMessage(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    out += EscapeForMessage(text.substr(start, end - start));
    if (end == text.size()) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

std::string_view Utf8Prefix(std::string_view text, std::size_t max_bytes) {
  std::size_t end = 0;
  while (end < text.size()) {
    const std::size_t n = std::max<std::size_t>(1, Utf8SequenceLength(text, end));
    if (end + n > max_bytes) break;
    end += n;
  }
  return text.substr(0, end);
}

}  // namespace agentsim
