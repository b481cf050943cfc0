#include "sim/file_source.h"

#include <fstream>
#include <sstream>

namespace agentsim {

Result<std::string> ReadFileToString(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFound("no such file: " + path.string());
  if (std::filesystem::is_directory(path, ec)) {
    return InvalidArgument(path.string() + ": expected a file, found a folder");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return InvalidArgument("error while reading " + path.string());
  return std::move(out).str();
}

Result<std::string> DiskFileSource::Read(std::string_view relative) const {
  return ReadFileToString(base_ / std::filesystem::path(relative));
}

std::string DiskFileSource::DisplayPath(std::string_view relative) const {
  return (base_ / std::filesystem::path(relative)).lexically_normal().string();
}

std::optional<std::string> DiskFileSource::DiskPath(std::string_view relative) const {
  return DisplayPath(relative);
}

EmbeddedFileSource::EmbeddedFileSource(std::span<const EmbeddedFile> files) {
  for (const EmbeddedFile& f : files) files_.emplace(std::string(f.path), f.data);
}

Result<std::string> EmbeddedFileSource::Read(std::string_view relative) const {
  std::string key = std::filesystem::path(relative).lexically_normal().generic_string();
  auto it = files_.find(key);
  if (it == files_.end()) return NotFound("no embedded file " + DisplayPath(relative));
  return std::string(it->second);
}

std::string EmbeddedFileSource::DisplayPath(std::string_view relative) const {
  return "embedded:" + std::string(relative);
}

}  // namespace agentsim
