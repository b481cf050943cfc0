#include "sim/transcripts.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include "sim/file_source.h"

namespace agentsim {

namespace fs = std::filesystem;


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
  // A device, FIFO or socket: the file reader names what it found.
  if (!fs::is_regular_file(status) && !fs::is_directory(status)) {
    if (Result<std::string> read = ReadFileToString(path); !read) {
      return std::unexpected(std::move(read.error()));
    }
  }
  return InvalidArgument(path +
                         ": not a transcript source; expected an OpenAI chat *.jsonl file, a "
                         "LiveKit ChatContext *.json file or a folder of LiveKit *.json files");
}

std::string SkippedWarning(const std::string& path, const TranscriptLoadReport& report) {
  std::string out;
  if (report.conversations_skipped > 0) {
    out = std::to_string(report.conversations_skipped) +
          (report.conversations_skipped == 1 ? " conversation" : " conversations") +
          " without a user message with text (";
    for (std::size_t i = 0; i < report.skipped_conversation_ids.size(); ++i) {
      out += (i == 0 ? "" : ", ") + report.skipped_conversation_ids[i];
    }
    if (static_cast<std::size_t>(report.conversations_skipped) >
        report.skipped_conversation_ids.size()) {
      out += ", ...";
    }
    out += ")";
  }
  if (report.user_turns_skipped > 0) {
    if (!out.empty()) out += ", ";
    out += std::to_string(report.user_turns_skipped) +
           (report.user_turns_skipped == 1 ? " user message" : " user messages") + " without text";
  }
  return out.empty() ? out : path + ": skipped " + out + " (not replayed)";
}

namespace transcripts_internal {

bool HasText(std::string_view text) {
  return text.find_first_not_of(" \t\r\n\f\v") != std::string_view::npos;
}

void Keep(Conversation conversation, TranscriptLoadReport& counts,
          std::vector<Conversation>& out) {
  if (conversation.user_turns.empty()) {
    ++counts.conversations_skipped;
    if (counts.skipped_conversation_ids.size() < TranscriptLoadReport::kMaxSkippedIdsKept) {
      counts.skipped_conversation_ids.push_back(std::move(conversation.id));
    }
    return;
  }
  ++counts.conversations_loaded;
  counts.user_turns_loaded += static_cast<int>(conversation.user_turns.size());
  out.push_back(std::move(conversation));
}

Result<std::vector<Conversation>> NonEmpty(const std::string& path,
                                           const TranscriptLoadReport& counts,
                                           std::vector<Conversation> conversations) {
  if (conversations.empty()) {
    return InvalidArgument(path + ": no conversation with a user turn to replay (" +
                           std::to_string(counts.conversations_skipped) + " skipped)");
  }
  return conversations;
}

}  // namespace transcripts_internal

}  // namespace agentsim
