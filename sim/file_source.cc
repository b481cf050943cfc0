#include "sim/file_source.h"

#include <algorithm>
#include <fstream>
#include <system_error>

#include "core/json/json_document.h"

namespace agentsim {
namespace {

std::string_view FileTypeName(std::filesystem::file_type type) {
  using std::filesystem::file_type;
  switch (type) {
    case file_type::block: return "a block device";
    case file_type::character: return "a character device";
    case file_type::fifo: return "a FIFO (named pipe)";
    case file_type::socket: return "a socket";
    default: return "not a regular file";
  }
}

}  // namespace

Result<std::string> ReadFileToString(const std::filesystem::path& path) {
  // The path as messages show it: a control character in a name is not sent to the terminal.
  const std::string shown = EscapeForMessage(path.string());
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    return NotFound("no such file: " + shown);
  }
  if (ec) return InvalidArgument("cannot read " + shown + ": " + ec.message());
  if (status.type() == std::filesystem::file_type::directory) {
    return InvalidArgument(shown + ": expected a file, found a folder");
  }
  if (status.type() != std::filesystem::file_type::regular) {
    return InvalidArgument(shown + ": expected a regular file, found " +
                           std::string(FileTypeName(status.type())));
  }
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return InvalidArgument("cannot read " + shown + ": " + ec.message());
  const std::string too_large = shown + ": file too large: more than the 256 MiB (" +
                                std::to_string(kMaxInputFileBytes) + " bytes) an input may hold";
  if (size > kMaxInputFileBytes) return InvalidArgument(too_large);
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read " + shown);
  // Read at most one byte past the limit: the file may have grown since file_size.
  std::string out(static_cast<std::size_t>(size) + 1, '\0');
  std::size_t used = 0;
  while (in && used < out.size()) {
    in.read(out.data() + used, static_cast<std::streamsize>(out.size() - used));
    used += static_cast<std::size_t>(in.gcount());
    if (used == out.size() && out.size() <= kMaxInputFileBytes) {
      out.resize(std::min<std::size_t>(out.size() * 2, kMaxInputFileBytes + 1));
    }
  }
  if (in.bad()) return InvalidArgument("error while reading " + shown);
  if (used > kMaxInputFileBytes) return InvalidArgument(too_large);
  out.resize(used);
  return out;
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
