// OpenAI chat JSONL: one conversation a line. Each line is parsed as its own JSON document;
// positions found in the line are reported with the line's number in the file.
#include "sim/transcripts.h"

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json/json_document.h"
#include "sim/file_source.h"

namespace agentsim {
namespace {

using nlohmann::json;

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// One line of the file as a JSON document; errors carry the file's line number.
class JsonLine {
 public:
  JsonLine(const JsonDocument& doc, int line) : doc_(doc), line_(line) {}

  const json& root() const { return doc_.root(); }

  std::unexpected<Error> ErrorAt(const std::string& pointer, std::string_view message) const {
    const SourcePosition p = PositionOf(doc_.text(), LocatePointer(doc_.text(), pointer));
    std::string out = doc_.source_name() + ":" + std::to_string(line_) + ":" +
                      std::to_string(p.column) + ": " + (pointer.empty() ? "(root)" : pointer) +
                      ": ";
    out += message;
    return InvalidArgument(std::move(out));
  }

  // The error for member `key` of `object` (at `at`): missing, or not `expected`.
  std::unexpected<Error> BadMember(const std::string& at, const json& object,
                                   const std::string& key, const std::string& expected) const {
    if (!object.contains(key)) {
      return ErrorAt(at, "missing required key '" + key + "' (" + expected + ")");
    }
    return ErrorAt(at + "/" + key, "expected " + expected + ", got " + DescribeJson(object[key]));
  }

 private:
  const JsonDocument& doc_;
  int line_;
};

// JsonDocument reports syntax errors at "<path>:1:<col>" (the line is parsed alone).
std::string MoveToLine(std::string message, const std::string& path, int line) {
  const std::string prefix = path + ":1:";
  if (message.starts_with(prefix)) {
    message.replace(0, prefix.size(), path + ":" + std::to_string(line) + ":");
  }
  return message;
}

// The text of a user message: a string, or the text parts of a parts array joined with "\n".
Result<std::string> UserText(const JsonLine& line, const json& message, const std::string& at) {
  const std::string content_at = at + "/content";
  auto content = message.find("content");
  if (content != message.end() && content->is_string()) return content->get<std::string>();
  if (content == message.end() || !content->is_array()) {
    return line.BadMember(at, message, "content", "a string or an array of content parts");
  }
  std::string text;
  for (std::size_t j = 0; j < content->size(); ++j) {
    const json& part = (*content)[j];
    const std::string part_at = content_at + "/" + std::to_string(j);
    if (!part.is_object()) {
      return line.ErrorAt(part_at, "expected a content part object, got " + DescribeJson(part));
    }
    auto type = part.find("type");
    if (type == part.end() || !type->is_string()) {
      return line.BadMember(part_at, part, "type", "a string");
    }
    if (*type != "text") continue;  // image_url, input_audio, file, refusal, ...
    auto piece = part.find("text");
    if (piece == part.end() || !piece->is_string()) {
      return line.BadMember(part_at, part, "text", "a string");
    }
    if (piece->get_ref<const std::string&>().empty()) continue;
    if (!text.empty()) text += '\n';
    text += piece->get_ref<const std::string&>();
  }
  return text;
}

Result<Conversation> ParseConversation(const JsonLine& line, const std::string& fallback_id,
                                       TranscriptLoadReport& report) {
  const json& root = line.root();
  if (!root.is_object()) {
    return line.ErrorAt("",
                        "expected an object with a \"messages\" array, got " + DescribeJson(root));
  }
  auto messages = root.find("messages");
  if (messages == root.end() || !messages->is_array()) {
    return line.BadMember("", root, "messages", "an array of messages");
  }
  Conversation conversation;
  if (auto metadata = root.find("metadata"); metadata != root.end() && metadata->is_object()) {
    auto id = metadata->find("conversation_id");
    if (id != metadata->end() && id->is_string()) conversation.id = id->get<std::string>();
  }
  if (conversation.id.empty()) conversation.id = fallback_id;
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const json& message = (*messages)[i];
    const std::string at = "/messages/" + std::to_string(i);
    if (!message.is_object()) {
      return line.ErrorAt(at, "expected a message object, got " + DescribeJson(message));
    }
    auto role = message.find("role");
    if (role == message.end() || !role->is_string()) {
      return line.BadMember(at, message, "role", "a string");
    }
    if (*role != "user") continue;
    Result<std::string> text = UserText(line, message, at);
    if (!text) return std::unexpected(std::move(text.error()));
    if (!transcripts_internal::HasText(*text)) {
      ++report.user_turns_skipped;
      continue;
    }
    conversation.user_turns.push_back(std::move(*text));
  }
  return conversation;
}

}  // namespace

Result<std::vector<Conversation>> LoadOpenAiJsonl(const std::string& path,
                                                  TranscriptLoadReport* report) {
  TranscriptLoadReport local_report;
  TranscriptLoadReport& counts = report != nullptr ? *report : local_report;
  counts = TranscriptLoadReport{};
  Result<std::string> text = ReadFileToString(path);
  if (!text) return std::unexpected(std::move(text.error()));
  ++counts.files_read;
  const std::string file_name = std::filesystem::path(path).filename().string();
  std::vector<Conversation> conversations;
  int line_number = 0;
  for (std::size_t start = 0; start < text->size();) {
    std::size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string line_text = text->substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (IsBlank(line_text)) continue;
    Result<JsonDocument> doc = JsonDocument::Parse(path, std::move(line_text),
                                                   /*allow_comments=*/false);
    if (!doc) return InvalidArgument(MoveToLine(std::move(doc.error().message), path, line_number));
    Result<Conversation> conversation = ParseConversation(
        JsonLine(*doc, line_number), file_name + "#" + std::to_string(line_number), counts);
    if (!conversation) return std::unexpected(std::move(conversation.error()));
    transcripts_internal::Keep(std::move(*conversation), counts, conversations);
  }
  return transcripts_internal::NonEmpty(path, counts, std::move(conversations));
}

}  // namespace agentsim
