// Text-level helpers for reading what LLMs really emit (core/agent/llm_output_parser.h): finding
// the JSON object in the output (fences, prose around it, several objects, a cut-off end) and a
// string-aware repair pre-pass for the syntax slips models make. The actual parsing is
// nlohmann::json's; nothing here allocates more than a copy of its input.
//
// "String-aware": a scan that knows where JSON strings start and end (a '"' outside a string
// opens one; inside, a backslash escapes the next byte and a '"' closes it), so that braces,
// brackets and commas inside string values are never taken for structure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/agent/coercion_counts.h"

namespace agentsim {

// True when `text` is empty or holds only JSON whitespace (space, tab, LF, CR).
bool IsBlank(std::string_view text);

// The deepest nesting of arrays and objects in `text`, counted string-aware from its first
// byte (exact for text that parses as JSON). Stops at `limit` + 1: a result above `limit`
// means "deeper than the limit". A closing bracket never takes the count below zero.
int JsonNestingDepth(std::string_view text, int limit);

// [begin, end) byte offsets into a text.
struct TextSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  friend bool operator==(const TextSpan&, const TextSpan&) = default;
};

// The top-level object candidates of a text, in order.
struct ObjectScan {
  std::vector<TextSpan> objects;  // complete candidates, "{" to its matching "}"
  bool unterminated = false;      // the text ends inside a candidate (or inside a string in one)
  std::size_t unterminated_at = 0;  // where that last candidate starts
};

// Finds object candidates: a '{' whose next non-blank byte is '"' or '}' (or the end of the
// text), as a JSON object starts; so "{name}" in prose is not one. Inside a candidate the scan
// is string-aware and counts '{' '[' against '}' ']' until the count is back to zero (bracket
// kinds are not matched: a candidate that does not parse is left to the parser). Never fails.
ObjectScan ScanObjectCandidates(std::string_view text);

// Where the content of a Markdown code fence starts, when the output has one.
struct FenceOpening {
  bool fenced = false;            // the text contains "```"
  std::size_t fence_at = 0;       // where the first "```" starts
  std::size_t content_begin = 0;  // first byte after the opening fence (0 when not fenced)
};

// The first "```", then an optional language tag (letters, digits, '_', '-'; e.g. json),
// blanks other than line breaks, and one line break (LF or CRLF) if there is one. The closing
// fence is not searched for: a string value may contain "```", and a stream may end inside the
// fence; see OnlyBlankOrClosingFence.
FenceOpening FindFenceOpening(std::string_view text);

// Whether `rest`, the text after an object, is blank; when `fenced`, blanks around one "```"
// (the closing fence) are allowed too.
bool OnlyBlankOrClosingFence(std::string_view rest, bool fenced);

// The string-aware repair pre-pass; each repair adds one to its kind in `counts`:
//   trailing_comma         ',' followed by blanks and '}' or ']' outside strings: removed
//   raw_newline_in_string  a raw LF, CR or CRLF inside a string: written as \n, \r, \r\n
//   raw_control_in_string  another byte below 0x20 inside a string: \t, \b, \f or \u00XX
//   invalid_escape         inside a string, '\' followed by a byte that starts no JSON escape
//                          (or "\u" without four hex digits): before ASCII punctuation (\' \$
//                          \_ ...) the backslash is dropped; otherwise it is kept as a literal
//                          backslash (\\), so "C:\Users" survives as written
//   lone_surrogate         a \uD800-\uDBFF escape not followed by a \uDC00-\uDFFF escape, or a
//                          \uDC00-\uDFFF escape not preceded by one: written as \uFFFD
//   invalid_utf8           a byte inside a string that is not part of well-formed UTF-8:
//                          written as \uFFFD (one per byte)
// Valid JSON comes back unchanged, with no count added. Text outside strings is otherwise
// copied as it is (the parser reports what remains wrong).
std::string RepairJsonSyntax(std::string_view text, CoercionCounts& counts);

// True when `text` reads as a refusal or an apology: it contains (ASCII case-insensitively,
// with ' or U+2019 as the apostrophe) one of "I'm sorry", "I am sorry", "I apologize",
// "I apologise", "my apologies", "I can't", "I cannot", "I'm unable", "I am unable",
// "I'm not able", "I won't", "I will not", "as an AI". Used only for output with no JSON object.
bool LooksLikeRefusal(std::string_view text);

}  // namespace agentsim
