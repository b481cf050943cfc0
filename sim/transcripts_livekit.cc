// LiveKit Agents ChatContext.to_dict() documents: one conversation a file.
#include <algorithm>
#include <expected>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/json/json_document.h"
#include "sim/file_source.h"
#include "sim/transcripts.h"

namespace agentsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The string entries of a user message's content joined with "\n" (images, audio skipped).
Result<std::string> UserText(const JsonDocument& doc, const json& item, const std::string& at) {
  auto content = item.find("content");
  if (content == item.end() || !content->is_array()) {
    return std::unexpected(MemberError(doc, at, item, "content", "an array of content entries"));
  }
  std::string text;
  for (const json& entry : *content) {
    if (!entry.is_string() || entry.get_ref<const std::string&>().empty()) continue;
    if (!text.empty()) text += '\n';
    text += entry.get_ref<const std::string&>();
  }
  return text;
}

Result<Conversation> ParseChatContext(const std::string& file, std::string id,
                                      TranscriptLoadReport& report) {
  Result<std::string> text = ReadFileToString(file);
  if (!text) return std::unexpected(std::move(text.error()));
  ++report.files_read;
  Result<JsonDocument> doc = JsonDocument::Parse(file, std::move(*text), /*allow_comments=*/false);
  if (!doc) return std::unexpected(std::move(doc.error()));
  const json& root = doc->root();
  if (!root.is_object()) {
    return std::unexpected(
        doc->ErrorAt("", "expected an object with an \"items\" array, got " + DescribeJson(root)));
  }
  auto items = root.find("items");
  if (items == root.end() || !items->is_array()) {
    return std::unexpected(MemberError(*doc, "", root, "items", "an array of chat items"));
  }
  Conversation conversation{.id = std::move(id), .user_turns = {}};
  for (std::size_t i = 0; i < items->size(); ++i) {
    const json& item = (*items)[i];
    const std::string at = "/items/" + std::to_string(i);
    if (!item.is_object()) {
      return std::unexpected(
          doc->ErrorAt(at, "expected a chat item object, got " + DescribeJson(item)));
    }
    auto type = item.find("type");
    if (type == item.end() || !type->is_string()) {
      return std::unexpected(MemberError(*doc, at, item, "type", "a string"));
    }
    if (*type != "message") continue;  // function_call, function_call_output, agent_handoff, ...
    auto role = item.find("role");
    if (role == item.end() || !role->is_string()) {
      return std::unexpected(MemberError(*doc, at, item, "role", "a string"));
    }
    if (*role != "user") continue;
    Result<std::string> turn = UserText(*doc, item, at);
    if (!turn) return std::unexpected(std::move(turn.error()));
    if (!transcripts_internal::HasText(*turn)) {
      ++report.user_turns_skipped;
      continue;
    }
    conversation.user_turns.push_back(std::move(*turn));
  }
  return conversation;
}

// The *.json regular files directly in `folder`, sorted by file name in byte order.
Result<std::vector<fs::path>> ListJsonFiles(const std::string& folder) {
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  std::vector<fs::path> files;
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->path().extension() == ".json" && it->is_regular_file(type_ec)) {
      files.push_back(it->path());
    }
  }
  if (ec) return InvalidArgument(folder + ": cannot list the folder: " + ec.message());
  if (files.empty()) return InvalidArgument(folder + ": no *.json files in the folder");
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  return files;
}

}  // namespace

Result<std::vector<Conversation>> LoadLiveKitChatContext(const std::string& path,
                                                         TranscriptLoadReport* report) {
  TranscriptLoadReport local_report;
  TranscriptLoadReport& counts = report != nullptr ? *report : local_report;
  counts = TranscriptLoadReport{};
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) return NotFound(path + ": no such file or folder");
  std::vector<fs::path> files;
  if (fs::is_directory(status)) {
    Result<std::vector<fs::path>> listed = ListJsonFiles(path);
    if (!listed) return std::unexpected(std::move(listed.error()));
    files = std::move(*listed);
  } else {
    files.emplace_back(path);
  }
  std::vector<Conversation> conversations;
  for (const fs::path& file : files) {
    Result<Conversation> conversation =
        ParseChatContext(file.string(), file.stem().string(), counts);
    if (!conversation) return std::unexpected(std::move(conversation.error()));
    transcripts_internal::Keep(std::move(*conversation), counts, conversations);
  }
  return transcripts_internal::NonEmpty(path, counts, std::move(conversations));
}

}  // namespace agentsim
