#include "core/json/json_document.h"

#include <charconv>
#include <optional>
#include <vector>

namespace agentsim {
namespace {

// Minimal scanner over JSON text (with comments) used only to find where a value starts.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  std::size_t pos() const { return i_; }
  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  void Advance() { ++i_; }

  void SkipSpace() {
    while (!AtEnd()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i_;
      } else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') {
        while (!AtEnd() && s_[i_] != '\n') ++i_;
      } else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') {
        i_ += 2;
        while (i_ + 1 < s_.size() && !(s_[i_] == '*' && s_[i_ + 1] == '/')) ++i_;
        i_ = std::min(s_.size(), i_ + 2);
      } else {
        return;
      }
    }
  }

  // Reads a string starting at '"'; decodes the simple escapes (enough to compare keys).
  std::optional<std::string> ReadString() {
    if (Peek() != '"') return std::nullopt;
    ++i_;
    std::string out;
    while (!AtEnd()) {
      char c = s_[i_++];
      if (c == '"') return out;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (AtEnd()) return std::nullopt;
      char e = s_[i_++];
      switch (e) {
        case 'n': out.push_back('\n'); break;
        case 't': out.push_back('\t'); break;
        case 'r': out.push_back('\r'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'u': i_ = std::min(s_.size(), i_ + 4); out.push_back('?'); break;
        default: out.push_back(e); break;
      }
    }
    return std::nullopt;
  }

  bool SkipValue() {
    SkipSpace();
    char c = Peek();
    if (c == '"') return ReadString().has_value();
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      ++i_;
      SkipSpace();
      if (Peek() == close) {
        ++i_;
        return true;
      }
      while (!AtEnd()) {
        if (c == '{') {
          if (!ReadString()) return false;
          SkipSpace();
          if (Peek() != ':') return false;
          ++i_;
        }
        if (!SkipValue()) return false;
        SkipSpace();
        if (Peek() == ',') {
          ++i_;
          SkipSpace();
          continue;
        }
        if (Peek() == close) {
          ++i_;
          return true;
        }
        return false;
      }
      return false;
    }
    // number, true, false, null
    std::size_t start = i_;
    while (!AtEnd()) {
      char d = s_[i_];
      if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\n' || d == '\r' || d == '\t' ||
          d == '/') {
        break;
      }
      ++i_;
    }
    return i_ > start;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::vector<std::string> SplitPointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  std::size_t i = pointer.front() == '/' ? 1 : 0;
  std::string cur;
  for (; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(cur);
      cur.clear();
    } else if (pointer[i] == '~' && i + 1 < pointer.size() &&
               (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
      cur.push_back(pointer[i + 1] == '0' ? '~' : '/');
      ++i;
    } else {
      cur.push_back(pointer[i]);
    }
  }
  return tokens;
}

// Finds the member `key` (last occurrence, as nlohmann keeps the last duplicate) of the object
// at the scanner's position and leaves the scanner at its value. False when absent.
bool EnterMember(Scanner& sc, std::string_view text, const std::string& key) {
  std::optional<std::size_t> found;
  sc.Advance();  // '{'
  sc.SkipSpace();
  while (!sc.AtEnd() && sc.Peek() != '}') {
    auto k = sc.ReadString();
    if (!k) return false;
    sc.SkipSpace();
    if (sc.Peek() != ':') return false;
    sc.Advance();
    sc.SkipSpace();
    if (*k == key) found = sc.pos();
    if (!sc.SkipValue()) break;
    sc.SkipSpace();
    if (sc.Peek() == ',') {
      sc.Advance();
      sc.SkipSpace();
    }
  }
  if (!found) return false;
  sc = Scanner(text);
  while (sc.pos() < *found) sc.Advance();
  return true;
}

bool EnterElement(Scanner& sc, std::size_t index) {
  sc.Advance();  // '['
  sc.SkipSpace();
  for (std::size_t i = 0; !sc.AtEnd() && sc.Peek() != ']'; ++i) {
    if (i == index) return true;
    if (!sc.SkipValue()) return false;
    sc.SkipSpace();
    if (sc.Peek() == ',') {
      sc.Advance();
      sc.SkipSpace();
    }
  }
  return false;
}

}  // namespace

SourcePosition PositionOf(std::string_view text, std::size_t offset) {
  SourcePosition p;
  offset = std::min(offset, text.size());
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

std::size_t LocatePointer(std::string_view text, std::string_view pointer) {
  Scanner sc(text);
  sc.SkipSpace();
  std::size_t best = sc.pos();
  for (const std::string& token : SplitPointer(pointer)) {
    sc.SkipSpace();
    bool entered = false;
    if (sc.Peek() == '{') {
      entered = EnterMember(sc, text, token);
    } else if (sc.Peek() == '[') {
      std::size_t index = 0;
      auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      entered = ec == std::errc() && ptr == token.data() + token.size() && EnterElement(sc, index);
    }
    if (!entered) return best;
    sc.SkipSpace();
    best = sc.pos();
  }
  return best;
}

Result<JsonDocument> JsonDocument::Parse(std::string source_name, std::string text,
                                         bool allow_comments) {
  JsonDocument doc;
  doc.source_name_ = std::move(source_name);
  doc.text_ = std::move(text);
  try {
    doc.root_ = nlohmann::json::parse(doc.text_, nullptr, /*allow_exceptions=*/true,
                                      /*ignore_comments=*/allow_comments);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the 1-based index of the character the parser stopped at.
    std::size_t offset = e.byte == 0 ? 0 : e.byte - 1;
    SourcePosition p = PositionOf(doc.text_, offset);
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 2: ".
    if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    return InvalidArgument(doc.source_name_ + ":" + std::to_string(p.line) + ":" +
                           std::to_string(p.column) + ": invalid JSON: " + what);
  }
  return doc;
}

std::string JsonDocument::Describe(std::string_view pointer, std::string_view message) const {
  SourcePosition p = PositionOf(text_, LocatePointer(text_, pointer));
  std::string out = source_name_ + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
                    ": " + (pointer.empty() ? std::string("(root)") : std::string(pointer)) +
                    ": ";
  out += message;
  return out;
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
      std::string s = value.get<std::string>();
      if (s.size() > 40) s = s.substr(0, 37) + "...";
      return "string " + json(s).dump();
    }
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "number " + value.dump();
    case json::value_t::object: return "an object";
    case json::value_t::array: return value.empty() ? "an empty array" : "an array";
    default: return "a value of another type";
  }
}

}  // namespace agentsim
