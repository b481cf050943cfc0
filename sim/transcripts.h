// Recorded conversations to replay: each conversation becomes one simulated session whose user
// turns are the conversation's user messages, in order. Two recording formats are read:
//
//   OpenAI chat JSONL   one object a line: {"messages":[{"role","content"}], "metadata":{...}}
//   LiveKit Agents      ChatContext.to_dict(): {"items":[{"type":"message","role","content"}]},
//                       one conversation a file, or a folder of such *.json files
//
// Loading is deterministic: folders are read in byte order of file name. Every problem in the
// data is a kInvalidArgument whose message reads "<file>:<line>:<col>: <pointer>: <expected>",
// where line and column are those of the file (for JSONL, the line of the conversation).
//
// Rules common to both formats:
//   - only messages with role "user" become turns; other roles and item types are ignored, and
//     only user messages have their content checked;
//   - a message's text is its text entries joined with "\n"; non-text entries (images, audio,
//     files) are skipped; a user message with no text at all, or only blanks (spaces, tabs,
//     line breaks), is skipped and counted;
//   - a conversation without user turns is skipped and counted; a load that keeps no
//     conversation at all is an error (there would be nothing to replay).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/error.h"

namespace agentsim {

struct Conversation {
  std::string id;
  std::vector<std::string> user_turns;  // never empty; each turn non-empty
};

// What a load read and left out, for the run report.
struct TranscriptLoadReport {
  int files_read = 0;
  int conversations_loaded = 0;
  int conversations_skipped = 0;  // no user turn with text
  // The ids of the first kMaxSkippedIdsKept conversations skipped, in load order, for the
  // warning ("calls.jsonl#3", a LiveKit file's stem).
  std::vector<std::string> skipped_conversation_ids;
  static constexpr std::size_t kMaxSkippedIdsKept = 5;
  int user_turns_loaded = 0;
  int user_turns_skipped = 0;  // user messages without text (e.g. only an image, or blanks)
};

// Reads an OpenAI chat JSONL file. Blank lines are skipped. A message's content is a string or
// an array of parts ({"type":"text","text":...}; other part types skipped).
// id = metadata.conversation_id when it is a non-empty string, else "<file name>#<line number>"
// (e.g. "calls.jsonl#12").
// Errors: kNotFound when `path` does not exist; kInvalidArgument for a folder, an unreadable
// file, a line that is not JSON (message "<path>:<line>:<col>: invalid JSON: ..."), a line
// without a "messages" array, a message without a string role, a user message whose content
// is neither a string nor an array of parts, or a file with no conversation left to replay.
// `report`, when not null, receives the counts (also filled on the way to an error).
Result<std::vector<Conversation>> LoadOpenAiJsonl(const std::string& path,
                                                  TranscriptLoadReport* report = nullptr);

// Reads LiveKit Agents ChatContext.to_dict() JSON. `path` is one *.json file or a folder: a
// folder loads every *.json regular file directly in it (not recursively), sorted by file name
// in byte order, one conversation per file. id = the file's stem ("11_00000.json" gives
// "11_00000"). Items whose type is not "message" (function_call, function_call_output,
// agent_handoff, ...) are skipped; in a user message's content array, strings are text and
// anything else (image, audio) is skipped.
// Errors: kNotFound when `path` does not exist; kInvalidArgument for a folder without *.json
// files, invalid JSON, a document without an "items" array, an item that is not an object or
// has no string "type", a message without a string role, a user message whose content is not
// an array, or no conversation left to replay. The first error found (in file order) is
// returned.
Result<std::vector<Conversation>> LoadLiveKitChatContext(const std::string& path,
                                                         TranscriptLoadReport* report = nullptr);

// Picks the loader from the path: a folder or a *.json file is LiveKit, a *.jsonl file is
// OpenAI JSONL (extensions are case-sensitive).
// Errors: kNotFound naming `path` when it does not exist; kInvalidArgument naming it and the
// accepted forms for anything else; otherwise the chosen loader's errors.
Result<std::vector<Conversation>> LoadTranscripts(const std::string& path,
                                                  TranscriptLoadReport* report = nullptr);


// What a load of `path` left out, as a warning, e.g. "calls.jsonl: skipped 1 conversation
// without a user message with text (calls.jsonl#3), 2 user messages without text (not
// replayed)"; at most kMaxSkippedIdsKept ids, then ", ..."; empty when nothing was skipped.
std::string SkippedWarning(const std::string& path, const TranscriptLoadReport& report);

namespace transcripts_internal {

// Whether a user message's text counts as text: not empty and not only blanks.
bool HasText(std::string_view text);
// Shared by the loaders: appends `conversation` to `out` when it has user turns, counting it as
// loaded or skipped in `counts`.
void Keep(Conversation conversation, TranscriptLoadReport& counts,
          std::vector<Conversation>& out);
// `conversations`, or kInvalidArgument naming `path` when no conversation could be kept.
Result<std::vector<Conversation>> NonEmpty(const std::string& path,
                                           const TranscriptLoadReport& counts,
                                           std::vector<Conversation> conversations);

}  // namespace transcripts_internal

}  // namespace agentsim
