#include "sim/transcripts.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

namespace agentsim {

namespace fs = std::filesystem;

namespace transcripts_internal {

Result<std::string> ReadWholeFile(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) return NotFound(path + ": no such file");
  if (fs::is_directory(status)) return InvalidArgument(path + ": expected a file, got a folder");
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(path + ": cannot open the file for reading");
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return InvalidArgument(path + ": error while reading the file");
  return bytes;
}

}  // namespace transcripts_internal

Result<std::vector<Conversation>> LoadTranscripts(const std::string& path,
                                                  TranscriptLoadReport* report) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) return NotFound(path + ": no such file or folder");
  const std::string extension = fs::path(path).extension().string();
  if (fs::is_directory(status) || (fs::is_regular_file(status) && extension == ".json")) {
    return LoadLiveKitChatContext(path, report);
  }
  if (fs::is_regular_file(status) && extension == ".jsonl") return LoadOpenAiJsonl(path, report);
  return InvalidArgument(path +
                         ": not a transcript source; expected an OpenAI chat *.jsonl file, a "
                         "LiveKit ChatContext *.json file or a folder of LiveKit *.json files");
}

}  // namespace agentsim
