// `agentsim validate FILE...`: every problem of every agent config file on stdout, one per line
// ("file:line:col: /pointer: message"; unreadable files and JSON syntax errors included), then a
// summary line: "N problem(s) in M file(s)" or "K file(s) valid". Exit 2 if any file has a
// problem or cannot be read (or no file is given), else 0.
#include <cstddef>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/commands.h"
#include "core/config/config_validator.h"
#include "core/json/json_document.h"
#include "sim/file_source.h"

namespace agentsim::app {
namespace {

std::string Plural(std::size_t n, std::string_view unit) {
  return std::to_string(n) + " " + std::string(unit) + (n == 1 ? "" : "s");
}

// The lines of a (possibly multi-line) error message.
std::vector<std::string> Lines(const std::string& message) {
  std::vector<std::string> lines;
  for (std::size_t start = 0; start <= message.size();) {
    std::size_t end = message.find('\n', start);
    if (end == std::string::npos) end = message.size();
    if (end > start) lines.push_back(message.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// nlohmann's syntax errors end with "; last read: '<text>'", which may hold part of a string
// value, so possibly of a secret: such an excerpt is not shown.
std::string WithoutStringExcerpt(std::string message) {
  constexpr std::string_view kLastRead = "; last read: '";
  const std::size_t at = message.rfind(kLastRead);
  if (at != std::string::npos && message.find('"', at) != std::string::npos) {
    message.replace(at, std::string::npos, "; last read: (not shown: it may hold a string value)");
  }
  return message;
}

// Every problem of one file.
std::vector<std::string> FileProblems(const std::string& path) {
  Result<std::string> text = ReadFileToString(path);
  if (!text) return Lines(text.error().message);  // the message names the path
  // A repeated key is one problem among the others: the rest of the file (with each repeated
  // key's last value) is still checked.
  std::vector<std::string> problems;
  (void)ParseValidAgentConfig(path, std::move(*text), &problems);
  std::vector<std::string> lines;
  for (const std::string& problem : problems) {
    for (std::string& line : Lines(WithoutStringExcerpt(problem))) {
      lines.push_back(std::move(line));
    }
  }
  return lines;
}

}  // namespace

int ValidateCommand(const std::vector<std::string>& files) {
  if (files.empty()) {
    std::cerr << "agentsim validate: no files given (expected one or more agent config files)\n";
    return kExitBadInput;
  }
  std::size_t problems = 0;
  std::size_t files_with_problems = 0;
  for (const std::string& file : files) {
    std::vector<std::string> lines = FileProblems(file);
    if (lines.empty()) continue;
    ++files_with_problems;
    problems += lines.size();
    for (const std::string& line : lines) std::cout << line << '\n';
  }
  if (problems > 0) {
    std::cout << Plural(problems, "problem") << " in " << Plural(files_with_problems, "file")
              << '\n';
    return kExitBadInput;
  }
  std::cout << Plural(files.size(), "file") << " valid\n";
  return kExitOk;
}

}  // namespace agentsim::app
