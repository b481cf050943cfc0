#include "core/json/json_locator.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "core/json/json_document.h"

namespace agentsim {
namespace {

// 3 when `text` starts with a UTF-8 byte order mark (EF BB BF), else 0.
std::size_t ByteOrderMarkSize(std::string_view text) {
  return text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
}

// Minimal scanner over JSON text (with comments) used only to find where a value starts.
class Scanner {
 public:
  // Starts after a UTF-8 byte order mark, which nlohmann's parser skips too.
  explicit Scanner(std::string_view s) : s_(s), i_(ByteOrderMarkSize(s)) {}

  std::size_t pos() const { return i_; }
  void Seek(std::size_t pos) { i_ = pos; }
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

  // Reads a string starting at '"' and decodes its escapes (to compare keys).
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
        case 'u': AppendUtf8(out, ReadEscapedCodePoint()); break;
        default: out.push_back(e); break;
      }
    }
    return std::nullopt;
  }

  // Skips one value (string, array, object or scalar). Iterative, so that deep nesting cannot
  // overflow the stack; `open` holds the closers of the containers entered.
  bool SkipValue() {
    std::vector<char> open;
    while (true) {
      SkipSpace();
      char c = Peek();
      if (c == '{' || c == '[') {
        ++i_;
        SkipSpace();
        if (Peek() == (c == '{' ? '}' : ']')) {
          ++i_;
        } else {
          open.push_back(c == '{' ? '}' : ']');
          if (c == '{' && !SkipKey()) return false;
          continue;  // to the first element or member value
        }
      } else if (c == '"') {
        if (!ReadString()) return false;
      } else if (!SkipScalar()) {
        return false;
      }
      // One value done: continue its container, or close containers that are done.
      while (true) {
        if (open.empty()) return true;
        SkipSpace();
        if (Peek() == ',') {
          ++i_;
          if (open.back() == '}' && !SkipKey()) return false;
          break;  // to the next element or member value
        }
        if (Peek() != open.back()) return false;
        ++i_;
        open.pop_back();
      }
    }
  }

 private:
  // Four hex digits at the position (advancing past them), or nullopt.
  std::optional<std::uint32_t> ReadHex4() {
    if (i_ + 4 > s_.size()) {
      i_ = s_.size();
      return std::nullopt;
    }
    std::uint32_t value = 0;
    auto [ptr, ec] = std::from_chars(s_.data() + i_, s_.data() + i_ + 4, value, 16);
    const bool ok = ec == std::errc() && ptr == s_.data() + i_ + 4;
    i_ += 4;
    return ok ? std::optional(value) : std::nullopt;
  }

  // The code point of a \u escape whose "\u" was read, joining a surrogate pair; U+FFFD when
  // malformed.
  std::uint32_t ReadEscapedCodePoint() {
    const std::optional<std::uint32_t> high = ReadHex4();
    if (!high) return 0xFFFD;
    if (*high < 0xD800 || *high > 0xDFFF) return *high;
    if (*high > 0xDBFF || s_.substr(i_, 2) != "\\u") return 0xFFFD;
    i_ += 2;
    const std::optional<std::uint32_t> low = ReadHex4();
    if (!low || *low < 0xDC00 || *low > 0xDFFF) return 0xFFFD;
    return 0x10000 + ((*high - 0xD800) << 10) + (*low - 0xDC00);
  }

  static void AppendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // Skips `"key" :` (whitespace allowed around).
  bool SkipKey() {
    SkipSpace();
    if (!ReadString()) return false;
    SkipSpace();
    if (Peek() != ':') return false;
    ++i_;
    return true;
  }

  // A number, true, false or null: everything up to a delimiter.
  bool SkipScalar() {
    const std::size_t start = i_;
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

// From the start of an element, skips `n` elements; true when it then stands at one.
bool SkipElements(Scanner& sc, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (sc.AtEnd() || sc.Peek() == ']' || !sc.SkipValue()) return false;
    sc.SkipSpace();
    if (sc.Peek() == ',') {
      sc.Advance();
      sc.SkipSpace();
    }
  }
  return !sc.AtEnd() && sc.Peek() != ']';
}

}  // namespace

SourcePosition PositionOf(std::string_view text, std::size_t offset) {
  SourcePosition p;
  offset = std::min(offset, text.size());
  // A byte order mark takes no column: editors do not show it.
  for (std::size_t i = std::min(offset, ByteOrderMarkSize(text)); i < offset; ++i) {
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

PointerLocator::PointerLocator(std::string_view text) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

SourcePosition PointerLocator::Position(std::string_view text, std::size_t offset) const {
  offset = std::min(offset, text.size());
  auto line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - 1;
  // As PositionOf: a byte order mark takes no column.
  const std::size_t start =
      line == line_starts_.begin() ? std::min(offset, ByteOrderMarkSize(text)) : *line;
  return SourcePosition{static_cast<int>(line - line_starts_.begin()) + 1,
                        static_cast<int>(offset - start) + 1};
}

// LocatePointer, resuming each array step from the element last found in that array when
// the index is not smaller (errors come in document order, so each step is short).
std::size_t PointerLocator::Locate(std::string_view text, std::string_view pointer) {
  Scanner sc(text);
  sc.SkipSpace();
  std::size_t best = sc.pos();
  std::string prefix;
  for (const std::string& token : SplitPointer(pointer)) {
    sc.SkipSpace();
    bool entered = false;
    if (sc.Peek() == '{') {
      const std::string path = prefix + "/" + EscapePointerToken(token);
      if (auto m = members_.find(path); m != members_.end()) {
        sc.Seek(m->second);
        entered = true;
      } else {
        entered = EnterMember(sc, text, token);
        if (entered) members_.emplace(path, sc.pos());
      }
    } else if (sc.Peek() == '[') {
      std::size_t index = 0;
      auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      if (ec == std::errc() && ptr == token.data() + token.size()) {
        auto it = elements_.find(prefix);
        if (it != elements_.end() && it->second.first <= index) {
          sc.Seek(it->second.second);
          entered = SkipElements(sc, index - it->second.first);
        } else {
          entered = EnterElement(sc, index);
        }
        if (entered) elements_[prefix] = {index, sc.pos()};
      }
    }
    if (!entered) return best;
    sc.SkipSpace();
    best = sc.pos();
    prefix += "/" + EscapePointerToken(token);
  }
  return best;
}

}  // namespace agentsim
