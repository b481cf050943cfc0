#include "core/config/config_validator.h"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <utility>

#include "core/config/agent_config.h"
#include "core/config/semver.h"

namespace agentsim {
namespace {

using nlohmann::json;

constexpr std::string_view kValueNotShown = "a string (value not shown)";

// Python 3 keyword.kwlist (hard keywords). The soft keywords (match, case, type, _) are valid
// identifiers and usable as pydantic field names, so they are not refused as Python keywords
// (case is a C++ keyword, and _ is not snake_case).
constexpr std::string_view kPythonKeywords[] = {
    "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
    "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
    "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
    "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};

// C++23 keywords ([lex.key]) and alternative tokens ([lex.digraph]). Identifiers with special
// meaning (final, override, import, module) are not keywords and are allowed.
constexpr std::string_view kCppKeywords[] = {
    "alignas", "alignof", "asm", "auto", "bool", "break", "case", "catch", "char", "char8_t",
    "char16_t", "char32_t", "class", "concept", "const", "consteval", "constexpr", "constinit",
    "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
    "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false",
    "float", "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new",
    "noexcept", "nullptr", "operator", "private", "protected", "public", "register",
    "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
    "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local", "throw",
    "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual", "void",
    "volatile", "wchar_t", "while",
    // alternative tokens
    "and", "and_eq", "bitand", "bitor", "compl", "not", "not_eq", "or", "or_eq", "xor", "xor_eq"};

template <std::size_t N>
bool Contains(const std::string_view (&words)[N], std::string_view word) {
  for (std::string_view w : words) {
    if (w == word) return true;
  }
  return false;
}

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLowerAlnum(char c) { return IsLower(c) || IsDigit(c); }

// "'x'" for a printable ASCII character, "byte 0xNN" otherwise.
std::string CharName(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7F) return std::string("'") + c + "'";
  constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 0xF];
}

// DescribeJson, which throws when its 40-character truncation splits a UTF-8 sequence; then the
// value is described by its type only.
std::string Describe(const json& value) {
  try {
    return DescribeJson(value);
  } catch (const json::exception&) {
    return value.is_string() ? "a string" : "a value";
  }
}

// Python's identifier rule as DynamicSchema checks it; other names are reported there.
bool IsIdentifier(std::string_view s) {
  if (s.empty() || !(IsLower(s[0]) || IsUpper(s[0]) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(IsLower(c) || IsUpper(c) || IsDigit(c) || c == '_')) return false;
  }
  return true;
}

// ^[a-z][a-z0-9]*(_[a-z0-9]+)*$
bool IsSnakeCase(std::string_view s) {
  if (s.empty() || !IsLower(s.front()) || s.back() == '_') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (s[i - 1] == '_') return false;
    } else if (!IsLowerAlnum(s[i])) {
      return false;
    }
  }
  return true;
}

// ^[A-Z_][A-Z0-9_]*$
bool IsEnvVarName(std::string_view s) {
  if (s.empty() || IsDigit(s.front())) return false;
  for (char c : s) {
    if (!(IsUpper(c) || IsDigit(c) || c == '_')) return false;
  }
  return true;
}

// What is wrong with an agent id, or nullopt (and its major digits in `major`) when it matches
// ^[a-z][a-z0-9]*(-[a-z0-9]+)+-v(0|[1-9][0-9]*)$.
std::optional<std::string> AgentIdProblem(std::string_view id, std::string& major) {
  for (char c : id) {
    if (IsUpper(c)) return "uppercase " + CharName(c);
    if (!IsLowerAlnum(c) && c != '-') return "invalid character " + CharName(c);
  }
  std::vector<std::string_view> segments;
  for (std::size_t start = 0;;) {
    const std::size_t dash = id.find('-', start);
    segments.push_back(id.substr(start, dash == std::string_view::npos ? dash : dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  for (std::string_view s : segments) {
    if (s.empty()) return "empty segment (leading, trailing or doubled '-')";
  }
  if (!IsLower(segments.front().front())) return "the agent type must start with a letter";
  const std::string_view last = segments.back();
  bool suffix = segments.size() >= 2 && last.size() >= 2 && last[0] == 'v';
  for (std::size_t i = 1; suffix && i < last.size(); ++i) suffix = IsDigit(last[i]);
  if (!suffix) return "missing the -v<major> suffix";
  if (last.size() > 2 && last[1] == '0') return "leading zero in the major";
  if (segments.size() < 3) return "missing the variant";
  major = std::string(last.substr(1));
  return std::nullopt;
}

// A key's words, lowercase: split at '_', '-', '.', spaces and camelCase humps.
std::vector<std::string> KeyWords(std::string_view key) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
  };
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (c == '_' || c == '-' || c == '.' || c == ' ') {
      flush();
      continue;
    }
    if (IsUpper(c) && i > 0) {
      const char prev = key[i - 1];
      const bool next_lower = i + 1 < key.size() && IsLower(key[i + 1]);
      if (IsLower(prev) || IsDigit(prev) || (IsUpper(prev) && next_lower)) flush();
    }
    word.push_back(IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c);
  }
  flush();
  return words;
}

bool WordsNameSecret(const std::vector<std::string>& words, std::size_t n) {
  if (n == 0) return false;
  const std::string& last = words[n - 1];
  for (std::string_view noun : {"secret", "password", "passwd", "passphrase", "token", "apikey",
                                "privatekey", "secretkey", "accesskey", "signingkey"}) {
    if (last.ends_with(noun)) return true;
  }
  if (last == "credential" || last == "credentials") return true;
  if (n < 2 || last != "key") return false;
  const std::string& before = words[n - 2];
  return before == "api" || before == "private" || before == "secret" || before == "access" ||
         before == "signing";
}

// A key holding the name of an environment variable that holds a secret: "api_key_env".
bool IsSecretReference(std::string_view key) {
  const std::vector<std::string> words = KeyWords(key);
  return words.size() >= 2 && words.back() == "env" && WordsNameSecret(words, words.size() - 1);
}

struct CredentialPattern {
  const char* kind;
  std::regex regex;
};

// Quantifiers are bounded: libstdc++'s regex matcher recurses once per repetition.
const std::vector<CredentialPattern>& CredentialPatterns() {
  static const std::vector<CredentialPattern> patterns = [] {
    constexpr auto kFlags = std::regex::ECMAScript | std::regex::optimize;
    const std::pair<const char*, const char*> table[] = {
        {"an API key (sk-...)", R"((?:^|[^A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20})"},
        {"an AWS access key id", R"((?:^|[^A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Za-z]))"},
        {"a GitHub token",
         R"((?:^|[^A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20}|github_pat_[A-Za-z0-9_]{20}))"},
        {"a Slack token", R"((?:^|[^A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10})"},
        {"a Google API key", R"((?:^|[^A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35})"},
        {"a bearer token", R"((?:^|[^A-Za-z0-9])[Bb]earer[ \t]{1,4}[A-Za-z0-9._~+/-]{16})"},
        {"a PEM private key", R"(-----BEGIN (?:[A-Z0-9]{1,16} ){0,3}PRIVATE KEY-----)"},
        {"a JSON Web Token", R"((?:^|[^A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,400}\.eyJ[A-Za-z0-9_-]{5})"},
        {"a Stripe secret key", R"((?:^|[^A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16})"},
        {"a URL with a password",
         R"([A-Za-z][A-Za-z0-9+.-]{0,30}://[^/\s:@]{1,128}:[^/\s@]{1,128}@)"},
    };
    std::vector<CredentialPattern> out;
    for (const auto& [kind, regex] : table) out.push_back({kind, std::regex(regex, kFlags)});
    return out;
  }();
  return patterns;
}

// Deeper documents are refused before anything else looks at them: LocatePointer (so every
// located message), nlohmann's copies and the secret scan recurse once per level.
constexpr std::size_t kMaxDepth = 64;

struct TooDeep {
  std::size_t offset;   // of the '[' or '{' in the text
  std::string pointer;  // of that value
};

// The first array or object in `text` (which nlohmann parsed) nested more than kMaxDepth levels
// deep, in text order. Scans the text iteratively, so any depth is safe.
std::optional<TooDeep> FirstTooDeep(std::string_view text) {
  struct Frame {
    bool object;
    bool expect_key = true;
    std::size_t index = 0;
    std::string key;
  };
  std::vector<Frame> stack;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '"') {
      const std::size_t start = i++;
      while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
      if (!stack.empty() && stack.back().object && stack.back().expect_key) {
        try {
          stack.back().key = json::parse(text.substr(start, i + 1 - start)).get<std::string>();
        } catch (const json::exception&) {
          stack.back().key = "?";
        }
      }
    } else if (c == '/' && next == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '/' && next == '*') {
      for (i += 2; i + 1 < text.size() && !(text[i] == '*' && text[i + 1] == '/');) ++i;
      ++i;
    } else if (c == '{' || c == '[') {
      if (stack.size() == kMaxDepth) {
        TooDeep found{i, ""};
        for (const Frame& f : stack) {
          found.pointer += "/" + (f.object ? EscapePointerToken(f.key) : std::to_string(f.index));
        }
        return found;
      }
      stack.push_back(Frame{c == '{', true, 0, {}});
    } else if ((c == '}' || c == ']') && !stack.empty()) {
      stack.pop_back();
    } else if (c == ',' && !stack.empty()) {
      stack.back().expect_key = true;
      ++stack.back().index;
    } else if (c == ':' && !stack.empty()) {
      stack.back().expect_key = false;
    }
  }
  return std::nullopt;
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

class Validator {
 public:
  explicit Validator(const JsonDocument& doc) : doc_(doc) {}

  std::vector<std::string> Run() {
    if (std::optional<TooDeep> deep = FirstTooDeep(doc_.text())) {
      // Not doc_.Describe: locating the pointer would recurse through the deep value.
      const SourcePosition p = PositionOf(doc_.text(), deep->offset);
      return {doc_.source_name() + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) +
              ": " + deep->pointer + ": expected at most " + std::to_string(kMaxDepth) +
              " levels of nested arrays and objects, got more (nothing else checked)"};
    }
    RunParseAgentConfig();
    const json& root = doc_.root();
    if (root.is_object()) {
      const std::optional<std::string> id_major = CheckAgentId(root);
      const std::optional<SemVer> version = CheckVersion(root);
      if (id_major && version && *id_major != version->major) {
        Add("/agent_id", "expected an agent id ending in -v" + version->major +
                             " (the major of version " + json(version->ToString()).dump() +
                             "), got " + Describe(root.at("agent_id")));
      }
      CheckFieldNames(root);
    }
    ScanSecrets(root, "", "", /*keyed=*/false);
    return Finish();
  }

 private:
  void Add(const std::string& pointer, std::string_view message) {
    lines_.push_back(doc_.Describe(pointer, message));
  }

  void RunParseAgentConfig() {
    std::string message;
    try {
      Result<AgentConfig> config = ParseAgentConfig(doc_);
      if (config) return;
      message = config.error().message;
    } catch (const json::exception& e) {
      Add("", std::string("could not check the document: ") + e.what());
      return;
    }
    for (std::size_t start = 0; start <= message.size();) {
      std::size_t end = message.find('\n', start);
      if (end == std::string::npos) end = message.size();
      if (end > start) lines_.push_back(message.substr(start, end - start));
      start = end + 1;
    }
  }

  // A member that is a non-empty string (ParseAgentConfig reports other values), or nullptr.
  static const json* NonEmptyString(const json& object, std::string_view key) {
    auto it = object.find(key);
    if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return nullptr;
    }
    return &*it;
  }

  std::optional<std::string> CheckAgentId(const json& root) {
    const json* id = NonEmptyString(root, "agent_id");
    if (id == nullptr) return std::nullopt;
    std::string major;
    if (auto problem = AgentIdProblem(id->get_ref<const std::string&>(), major)) {
      Add("/agent_id",
          "expected an agent id <agent-type>-<variant>-v<major> of lowercase letters, digits and "
          "'-' (e.g. \"interview-strict-v1\"), got " +
              Describe(*id) + " (" + *problem + ")");
      return std::nullopt;
    }
    return major;
  }

  std::optional<SemVer> CheckVersion(const json& root) {
    const json* version = NonEmptyString(root, "version");
    if (version == nullptr) return std::nullopt;
    Result<SemVer> parsed = SemVer::Parse(version->get_ref<const std::string&>());
    if (parsed) return *parsed;
    Add("/version",
        "expected a SemVer 2.0.0 version MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], got " +
            Describe(*version) + " (" +
            SemVer::Diagnose(version->get_ref<const std::string&>()).value_or("invalid") + ")");
    return std::nullopt;
  }

  void CheckFieldNames(const json& root) {
    auto schema = root.find("schema_config");
    if (schema == root.end() || !schema->is_object()) return;
    auto fields = schema->find("fields");
    if (fields == schema->end() || !fields->is_array()) return;
    for (std::size_t i = 0; i < fields->size(); ++i) {
      const json& spec = (*fields)[i];
      if (!spec.is_object()) continue;
      const json* name = NonEmptyString(spec, "field_name");
      if (name == nullptr) continue;
      const std::string& text = name->get_ref<const std::string&>();
      if (!IsIdentifier(text)) continue;  // DynamicSchema reports it
      const std::string pointer = "/schema_config/fields/" + std::to_string(i) + "/field_name";
      if (text.starts_with("__") && text.ends_with("__")) {
        Add(pointer,
            "expected a field name that is not a dunder name (__name__), got " + Describe(*name));
      } else if (!IsSnakeCase(text)) {
        Add(pointer, "expected a snake_case field name ([a-z][a-z0-9]*(_[a-z0-9]+)*), got " +
                         Describe(*name));
      } else if (Contains(kPythonKeywords, text) || Contains(kCppKeywords, text)) {
        const bool python = Contains(kPythonKeywords, text);
        const bool cpp = Contains(kCppKeywords, text);
        Add(pointer, "expected a field name that is not a keyword, got " + Describe(*name) +
                         (python && cpp ? " (a Python and C++ keyword)"
                          : python      ? " (a Python keyword)"
                                        : " (a C++ keyword)"));
      }
    }
  }

  void ScanSecrets(const json& value, const std::string& pointer, std::string_view key,
                   bool keyed) {
    if (value.is_object()) {
      for (const auto& [k, child] : value.items()) {
        ScanSecrets(child, pointer + "/" + EscapePointerToken(k), k, /*keyed=*/true);
      }
      return;
    }
    if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i) {
        ScanSecrets(value[i], pointer + "/" + std::to_string(i), "", /*keyed=*/false);
      }
      return;
    }
    if (!value.is_string()) return;
    // ParseAgentConfig refuses an llm_config.api_key whatever its value.
    if (pointer == "/llm_config/api_key") return;
    const std::string& text = value.get_ref<const std::string&>();
    const bool reference = keyed && IsSecretReference(key);
    if (text.empty()) {
      if (reference) {
        Add(pointer,
            "expected the name of an environment variable ([A-Z_][A-Z0-9_]*), got an empty "
            "string (omit the key when there is no secret)");
      }
      return;
    }
    const std::optional<std::string> kind = CredentialKind(text);
    if (kind || (keyed && NamesSecret(key))) {
      secrets_.push_back(text);
      Add(pointer,
          "expected no inline secret (name an environment variable in a key ending in _env), "
          "got " +
              (kind ? "a string that looks like " + *kind
                    : "a non-empty string under a secret's key") +
              " (value not shown)");
      return;
    }
    if (reference && !IsEnvVarName(text)) {
      secrets_.push_back(text);  // whatever it is, it may be the secret itself
      Add(pointer, "expected the name of an environment variable ([A-Z_][A-Z0-9_]*), got " +
                       std::string(kValueNotShown));
    }
  }

  // Keeps secret values out of every line and drops exact duplicates.
  std::vector<std::string> Finish() {
    std::vector<std::string> forms;
    for (const std::string& s : secrets_) {
      try {
        forms.push_back(DescribeJson(json(s)));
      } catch (const json::exception&) {
      }
      forms.push_back(json(s).dump());
      if (s.size() >= 8) forms.push_back(s);
    }
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (std::string& line : lines_) {
      for (const std::string& form : forms) ReplaceAll(line, form, kValueNotShown);
      if (seen.insert(line).second) out.push_back(std::move(line));
    }
    return out;
  }

  const JsonDocument& doc_;
  std::vector<std::string> lines_;
  std::vector<std::string> secrets_;  // string values that must not appear in messages
};

}  // namespace

bool NamesSecret(std::string_view key) {
  const std::vector<std::string> words = KeyWords(key);
  if (words.empty() || words.back() == "env") return false;
  return WordsNameSecret(words, words.size());
}

std::optional<std::string> CredentialKind(std::string_view value) {
  for (const CredentialPattern& p : CredentialPatterns()) {
    if (std::regex_search(value.begin(), value.end(), p.regex)) return p.kind;
  }
  return std::nullopt;
}

std::vector<std::string> ValidateAgentConfig(const JsonDocument& doc) {
  return Validator(doc).Run();
}

std::optional<JsonDocument> ParseValidAgentConfig(std::string source_name, std::string text,
                                                  std::vector<std::string>* problems) {
  std::vector<std::string> found;
  Result<JsonDocument> doc = JsonDocument::ParseListingDuplicates(
      std::move(source_name), std::move(text), /*allow_comments=*/true, &found);
  if (!doc) {
    problems->push_back(doc.error().message);
    return std::nullopt;
  }
  std::vector<std::string> validated = ValidateAgentConfig(*doc);
  found.insert(found.end(), std::make_move_iterator(validated.begin()),
               std::make_move_iterator(validated.end()));
  if (found.empty()) return std::move(*doc);
  problems->insert(problems->end(), std::make_move_iterator(found.begin()),
                   std::make_move_iterator(found.end()));
  return std::nullopt;
}

}  // namespace agentsim
