// Small string helpers shared across the tree.
#pragma once

#include <string>
#include <vector>

namespace agentsim {

// `lines` joined with '\n' (no trailing newline): how every multi-problem error message is built.
inline std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    if (!out.empty()) out.push_back('\n');
    out += line;
  }
  return out;
}

}  // namespace agentsim
