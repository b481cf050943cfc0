// Where a scenario's files come from: a folder on disk (paths relative to the scenario file)
// or the files embedded in the binary (the default scenario, so `agentsim run` works anywhere).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/util/embedded_file.h"
#include "core/util/error.h"

namespace agentsim {

class FileSource {
 public:
  virtual ~FileSource() = default;
  // The bytes of `relative`. Errors: kNotFound naming the displayed path.
  virtual Result<std::string> Read(std::string_view relative) const = 0;
  // The name used in messages: a path on disk, or "embedded:<path>".
  virtual std::string DisplayPath(std::string_view relative) const = 0;
  // The path on disk, when the source is a folder (transcripts are read from disk).
  virtual std::optional<std::string> DiskPath(std::string_view relative) const = 0;
};

class DiskFileSource final : public FileSource {
 public:
  explicit DiskFileSource(std::filesystem::path base_dir) : base_(std::move(base_dir)) {}
  Result<std::string> Read(std::string_view relative) const override;
  std::string DisplayPath(std::string_view relative) const override;
  std::optional<std::string> DiskPath(std::string_view relative) const override;

 private:
  std::filesystem::path base_;
};

class EmbeddedFileSource final : public FileSource {
 public:
  explicit EmbeddedFileSource(std::span<const EmbeddedFile> files);
  Result<std::string> Read(std::string_view relative) const override;
  std::string DisplayPath(std::string_view relative) const override;
  std::optional<std::string> DiskPath(std::string_view) const override { return std::nullopt; }

 private:
  std::map<std::string, std::string_view, std::less<>> files_;
};

// The largest file ReadFileToString reads: 256 MiB. Scenarios, configs, corpora and transcript
// files are far smaller; the limit keeps a wrong path from exhausting memory.
inline constexpr std::uintmax_t kMaxInputFileBytes = 256u * 1024 * 1024;

// Reads a whole regular file (symbolic links are followed).
// Errors: kNotFound (missing); kInvalidArgument when it is a folder, not a regular file (a
// device such as /dev/zero, a FIFO, a socket: they may never end or block), larger than
// kMaxInputFileBytes, or unreadable. Messages name `path`.
Result<std::string> ReadFileToString(const std::filesystem::path& path);

}  // namespace agentsim
