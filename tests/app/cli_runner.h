// Running the real `agentsim` binary from the end-to-end tests (AGENTSIM_BINARY is set by CMake).
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace agentsim::testing {

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs the shell command `command` from the folder `cwd`; captures stdout and stderr.
inline CliResult RunShell(const std::string& command, const std::string& cwd) {
  const std::string full = "cd '" + cwd + "' && " + command + " 2>&1";
  CliResult r;
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Runs the binary with `args` (shell words, already quoted) from the folder `cwd`.
inline CliResult RunCli(const std::string& args, const std::string& cwd) {
  return RunShell("'" AGENTSIM_BINARY "' " + args, cwd);
}

// A fresh, empty folder under the test temp dir: <TempDir>/<prefix><name>.
inline std::string FreshDir(const std::string& prefix, const std::string& name) {
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / (prefix + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace agentsim::testing
