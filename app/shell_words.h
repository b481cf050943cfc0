// Quoting for commands the CLI prints (the reproduce line, run_wall.command_line), so that they
// paste back into a POSIX shell unchanged.
#pragma once

#include <string>
#include <string_view>

namespace agentsim::app {

// `word` quoted for a POSIX shell when it holds anything beyond [A-Za-z0-9_./:@%+=,-]:
// 'it'\''s' for it's. A word with a control character (C0, DEL, or a C1 control's UTF-8 bytes)
// is written in the $'...' form of POSIX.1-2024 (bash, zsh, ksh) with \xHH escapes, so that the
// printed command holds no control character and still pastes back: $'no\x1b[31m.json'.
inline std::string ShellWord(std::string_view word) {
  const bool plain = !word.empty() && word.find_first_not_of(
                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789_./:@%+=,-") == std::string_view::npos;
  if (plain) return std::string(word);
  const auto control = [&word](std::size_t i) {
    const auto b = static_cast<unsigned char>(word[i]);
    return b < 0x20 || b == 0x7F ||
           (b == 0xC2 && i + 1 < word.size() && static_cast<unsigned char>(word[i + 1]) >= 0x80 &&
            static_cast<unsigned char>(word[i + 1]) < 0xA0);
  };
  bool any_control = false;
  for (std::size_t i = 0; i < word.size(); ++i) any_control = any_control || control(i);
  if (any_control) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "$'";
    for (std::size_t i = 0; i < word.size(); ++i) {
      const auto b = static_cast<unsigned char>(word[i]);
      const bool escaped = control(i) || (i > 0 && control(i - 1) && word[i - 1] == '\xC2');
      if (escaped) {
        out += "\\x";
        out += kHex[b >> 4];
        out += kHex[b & 0xF];
      } else if (word[i] == '\'' || word[i] == '\\') {
        out += '\\';
        out += word[i];
      } else {
        out += word[i];
      }
    }
    return out + "'";
  }
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace agentsim::app
