#include "sim/workload/file_reader.h"

namespace agentsim {

ReadFileFn ReadFromFileSource(const FileSource& files) {
  return [&files](std::string_view path) -> Result<LoadedFile> {
    Result<std::string> text = files.Read(path);
    if (!text) return std::unexpected(text.error());
    return LoadedFile{files.DisplayPath(path), std::move(*text)};
  };
}

}  // namespace agentsim
