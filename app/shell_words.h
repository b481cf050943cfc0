// Quoting for commands the CLI prints (the reproduce line, run_wall.command_line), so that they
// paste back into a POSIX shell unchanged.
#pragma once

#include <string>
#include <string_view>

namespace agentsim::app {

// `word` quoted for a POSIX shell when it holds anything beyond [A-Za-z0-9_./:@%+=,-]:
// 'it'\''s' for it's.
inline std::string ShellWord(std::string_view word) {
  const bool plain = !word.empty() && word.find_first_not_of(
                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789_./:@%+=,-") == std::string_view::npos;
  if (plain) return std::string(word);
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
