#include "sim/transcripts.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace agentsim {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

const std::string kSgdJsonl =
    std::string(AGENTSIM_SHARED_DIR) + "/data/sgd/sgd_dev_011.openai.jsonl";
const std::string kSgdLiveKit = std::string(AGENTSIM_SHARED_DIR) + "/data/sgd/sgd_dev_011.livekit";

// Gives each test a fresh, empty folder under testing::TempDir() (named after the process and
// the test, so concurrent runs do not collide), removed after the test.
class ScratchDirTest : public testing::Test {
 protected:
  void SetUp() override {
    const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "." + info->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = fs::path(testing::TempDir()) /
           ("agentsim_transcripts_" + std::to_string(::getpid()) + "_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path dir_;
};

class TranscriptsTest : public ScratchDirTest {};

std::string WriteFile(const fs::path& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
  out.close();
  EXPECT_TRUE(out) << path;
  return path.string();
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST_F(TranscriptsTest, LoadsSgdOpenAiJsonl) {
  TranscriptLoadReport report;
  Result<std::vector<Conversation>> loaded = LoadOpenAiJsonl(kSgdJsonl, &report);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  ASSERT_EQ(loaded->size(), 128u);
  const Conversation& first = loaded->front();
  EXPECT_EQ(first.id, "11_00000");
  ASSERT_EQ(first.user_turns.size(), 11u);
  EXPECT_EQ(first.user_turns[0], "I need to find a movie to watch.");
  EXPECT_EQ(first.user_turns[1], "I would like to see a detective movie.");
  EXPECT_EQ(first.user_turns[2], "Okay Body Double sounds good.");
  EXPECT_EQ(first.user_turns[10], "Thanks that is all I needed.");
  EXPECT_EQ(loaded->back().id, "11_00127");
  std::size_t total_turns = 0;
  for (const Conversation& c : *loaded) total_turns += c.user_turns.size();
  EXPECT_EQ(total_turns, 1329u);  // computed once with python3 from the file
  EXPECT_EQ(report.files_read, 1);
  EXPECT_EQ(report.conversations_loaded, 128);
  EXPECT_EQ(report.conversations_skipped, 0);
  EXPECT_EQ(report.user_turns_loaded, 1329);
  EXPECT_EQ(report.user_turns_skipped, 0);
}

TEST_F(TranscriptsTest, SgdLiveKitFolderMatchesJsonlTurnForTurn) {
  Result<std::vector<Conversation>> jsonl = LoadOpenAiJsonl(kSgdJsonl);
  TranscriptLoadReport report;
  Result<std::vector<Conversation>> livekit = LoadLiveKitChatContext(kSgdLiveKit, &report);
  ASSERT_TRUE(jsonl) << jsonl.error().ToString();
  ASSERT_TRUE(livekit) << livekit.error().ToString();
  ASSERT_EQ(livekit->size(), jsonl->size());
  for (std::size_t i = 0; i < jsonl->size(); ++i) {
    EXPECT_EQ((*livekit)[i].id, (*jsonl)[i].id) << i;
    EXPECT_EQ((*livekit)[i].user_turns, (*jsonl)[i].user_turns) << (*jsonl)[i].id;
  }
  EXPECT_EQ(report.files_read, 128);
  EXPECT_EQ(report.user_turns_loaded, 1329);
}

TEST_F(TranscriptsTest, LoadTranscriptsPicksTheLoaderFromThePath) {
  Result<std::vector<Conversation>> from_jsonl = LoadTranscripts(kSgdJsonl);
  Result<std::vector<Conversation>> from_folder = LoadTranscripts(kSgdLiveKit + "/");
  Result<std::vector<Conversation>> from_file = LoadTranscripts(kSgdLiveKit + "/11_00005.json");
  ASSERT_TRUE(from_jsonl) << from_jsonl.error().ToString();
  ASSERT_TRUE(from_folder) << from_folder.error().ToString();
  ASSERT_TRUE(from_file) << from_file.error().ToString();
  EXPECT_EQ(from_folder->size(), 128u);
  ASSERT_EQ(from_file->size(), 1u);
  EXPECT_EQ(from_file->front().id, "11_00005");
  EXPECT_EQ(from_file->front().user_turns, (*from_jsonl)[5].user_turns);
}

TEST_F(TranscriptsTest, OpenAiJsonlReadsContentPartsAndSkipsWhatIsNotUserText) {
  const std::string path = WriteFile(
      dir_ / "calls.jsonl",
      "\n"
      R"({"messages":[{"role":"system","content":"Be brief."},)"
      R"({"role":"user","content":[{"type":"text","text":"caf\u00e9?"},)"
      R"({"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"two"}]},)"
      R"({"role":"assistant","content":null,"tool_calls":[]},{"role":"tool","content":"{}"},)"
      R"({"role":"user","content":[{"type":"input_audio","input_audio":{}}]},)"
      R"({"role":"user","content":"naïve"}],"metadata":{"conversation_id":7}})"
      "\r\n  \t\n"
      R"({"messages":[{"role":"assistant","content":"Hello?"}],"metadata":{"conversation_id":"x"}})"
      "\n"
      R"({"messages":[{"role":"user","content":" \t\n"},{"role":"user","content":"hi"}],)"
      R"("metadata":{"conversation_id":"c-9"}})");
  TranscriptLoadReport report;
  Result<std::vector<Conversation>> loaded = LoadTranscripts(path, &report);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[0].id, "calls.jsonl#2");  // conversation_id is not a string
  EXPECT_THAT((*loaded)[0].user_turns, ElementsAre("café?\ntwo", "naïve"));
  EXPECT_EQ((*loaded)[1].id, "c-9");
  EXPECT_THAT((*loaded)[1].user_turns, ElementsAre("hi"));
  EXPECT_EQ(report.conversations_loaded, 2);
  EXPECT_EQ(report.conversations_skipped, 1);
  EXPECT_EQ(report.user_turns_loaded, 3);
  EXPECT_EQ(report.user_turns_skipped, 2);  // the audio-only one and the blank one
  EXPECT_EQ(SkippedWarning("calls.jsonl", report),
            "calls.jsonl: skipped 1 conversation without a user message with text (x), 2 user "
            "messages without text (not replayed)");
}

// The warning the program prints when a load left something out: plural forms, either part alone,
// nothing when nothing was skipped.
TEST(TranscriptsSkippedWarningTest, NamesWhatWasLeftOut) {
  struct Case {
    int conversations_skipped, user_turns_skipped;
    std::vector<std::string> ids;
    std::string expected;
  };
  const Case cases[] = {
      {0, 0, {}, ""},
      {1, 0, {"t.jsonl#3"},
       "t.jsonl: skipped 1 conversation without a user message with text (t.jsonl#3) (not "
       "replayed)"},
      {2, 0, {"a", "b"},
       "t.jsonl: skipped 2 conversations without a user message with text (a, b) (not replayed)"},
      {0, 3, {}, "t.jsonl: skipped 3 user messages without text (not replayed)"},
      {7, 1, {"a", "b", "c", "d", "e"},
       "t.jsonl: skipped 7 conversations without a user message with text (a, b, c, d, e, ...), 1 "
       "user message without text (not replayed)"},
  };
  for (const Case& c : cases) {
    TranscriptLoadReport report;
    report.conversations_loaded = 4;
    report.conversations_skipped = c.conversations_skipped;
    report.user_turns_skipped = c.user_turns_skipped;
    report.skipped_conversation_ids = c.ids;
    EXPECT_EQ(SkippedWarning("t.jsonl", report), c.expected);
  }
}

TEST_F(TranscriptsTest, LiveKitSkipsToolItemsAndNonTextContent) {
  const std::string path = WriteFile(dir_ / "call_7.json", R"({
  "id": "ignored",
  "items": [
    {"id": "a", "type": "message", "role": "system", "content": ["You are an interviewer."]},
    {"id": "b", "type": "message", "role": "user",
     "content": ["Hello", {"type": "image_content", "image": "data:..."}, "again"],
     "interrupted": false, "extra": {}, "metrics": {}},
    {"id": "c", "type": "function_call", "call_id": "1", "name": "lookup", "arguments": "{}"},
    {"id": "d", "type": "function_call_output", "call_id": "1", "output": "ok"},
    {"id": "e", "type": "agent_handoff", "new_agent_id": "closer"},
    {"id": "f", "type": "message", "role": "user", "content": [{"type": "audio_content"}]},
    {"id": "g", "type": "message", "role": "assistant", "content": ["Hi."]},
    {"id": "h", "type": "message", "role": "user", "content": ["Bye."]}
  ]
})");
  TranscriptLoadReport report;
  Result<std::vector<Conversation>> loaded = LoadLiveKitChatContext(path, &report);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ(loaded->front().id, "call_7");
  EXPECT_THAT(loaded->front().user_turns, ElementsAre("Hello\nagain", "Bye."));
  EXPECT_EQ(report.user_turns_skipped, 1);
}

TEST_F(TranscriptsTest, LiveKitFolderIsReadInByteOrderOfFileName) {
  const std::string kOne = R"({"items":[{"type":"message","role":"user","content":["u"]}]})";
  for (const char* name : {"b.json", "a.json", "B.json", "_.json"}) WriteFile(dir_ / name, kOne);
  WriteFile(dir_ / "notes.txt", "not a transcript");
  WriteFile(dir_ / "empty.json", R"({"items":[]})");
  fs::create_directories(dir_ / "nested.json");
  TranscriptLoadReport report;
  Result<std::vector<Conversation>> loaded = LoadTranscripts(dir_.string(), &report);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  std::vector<std::string> ids;
  for (const Conversation& c : *loaded) ids.push_back(c.id);
  EXPECT_THAT(ids, ElementsAre("B", "_", "a", "b"));
  EXPECT_EQ(report.files_read, 5);
  EXPECT_EQ(report.conversations_skipped, 1);  // empty.json
}

TEST_F(TranscriptsTest, FolderWithoutJsonFilesIsAnError) {
  for (bool with_other_file : {false, true}) {
    if (with_other_file) WriteFile(dir_ / "readme.txt", "nothing here");
    Result<std::vector<Conversation>> loaded = LoadTranscripts(dir_.string());
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(loaded.error().message, dir_.string() + ": no *.json files in the folder");
  }
}

TEST_F(TranscriptsTest, MissingPathIsNotFound) {
  const std::string missing = (dir_ / "nope.jsonl").string();
  for (auto load : {&LoadTranscripts, &LoadOpenAiJsonl, &LoadLiveKitChatContext}) {
    Result<std::vector<Conversation>> loaded = load(missing, nullptr);
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().code, ErrorCode::kNotFound);
    EXPECT_THAT(loaded.error().message, ::testing::HasSubstr("no such file"));
    EXPECT_THAT(loaded.error().message, ::testing::HasSubstr(missing));
  }
}

TEST_F(TranscriptsTest, UnknownExtensionIsInvalidArgument) {
  const std::string path = WriteFile(dir_ / "calls.csv", "role,content\n");
  Result<std::vector<Conversation>> loaded = LoadTranscripts(path);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(loaded.error().message,
            path +
                ": not a transcript source; expected an OpenAI chat *.jsonl file, a LiveKit "
                "ChatContext *.json file or a folder of LiveKit *.json files");
}

// A device or a FIFO is named as what it is, not as an unknown kind of transcript source.
TEST_F(TranscriptsTest, DeviceOrFifoIsNamedAsSuch) {
  const std::string fifo = (dir_ / "calls.jsonl").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Result<std::vector<Conversation>> loaded = LoadTranscripts(fifo);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(loaded.error().message, fifo + ": expected a regular file, found a FIFO (named pipe)");
  loaded = LoadTranscripts("/dev/zero");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().message, "/dev/zero: expected a regular file, found a character device");
}

// One bad file, loaded through LoadTranscripts; "{path}" in `message` stands for its path.
struct BadFileCase {
  std::string name;
  std::string file_name;
  std::string contents;
  std::string message;
};
// gtest prints the case by name (not as bytes) in test listings.
void PrintTo(const BadFileCase& c, std::ostream* os) { *os << c.name; }

class BadTranscriptFileTest : public ScratchDirTest,
                              public testing::WithParamInterface<BadFileCase> {};

TEST_P(BadTranscriptFileTest, ReportsFileLineColumnAndPointer) {
  const BadFileCase& c = GetParam();
  const std::string path = WriteFile(dir_ / c.file_name, c.contents);
  Result<std::vector<Conversation>> loaded = LoadTranscripts(path);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(loaded.error().message, Replace(c.message, "{path}", path));
}

const std::string kGoodLine = R"({"messages":[{"role":"user","content":"hi"}]})";

INSTANTIATE_TEST_SUITE_P(
    Cases, BadTranscriptFileTest,
    testing::Values(
        BadFileCase{"JsonlInvalidJsonOnLine3", "t.jsonl",
                    kGoodLine + "\n\n" + R"({"messages": [}, )" + "\n" + kGoodLine,
                    "{path}:3:15: invalid JSON: syntax error while parsing value - unexpected "
                    "'}'; expected '[', '{', or a literal"},
        BadFileCase{"JsonlRoleNotString", "t.jsonl",
                    kGoodLine + "\n" +
                        R"({"messages":[{"role":"user","content":"a"},{"role":5,"content":"b"}]})",
                    "{path}:2:52: /messages/1/role: expected a string, got number 5"},
        BadFileCase{"JsonlRoleMissing", "t.jsonl", R"({"messages":[{"content":"a"}]})",
                    "{path}:1:14: /messages/0: missing required key 'role' (a string)"},
        BadFileCase{"JsonlMessagesMissing", "t.jsonl", R"({"metadata":{"conversation_id":"a"}})",
                    "{path}:1:1: (root): missing required key 'messages' (an array of messages)"},
        BadFileCase{"JsonlMessagesNotArray", "t.jsonl", R"({"messages":{"role":"user"}})",
                    "{path}:1:13: /messages: expected an array of messages, got an object"},
        BadFileCase{"JsonlLineNotObject", "t.jsonl", "[1, 2]",
                    "{path}:1:1: (root): expected an object with a \"messages\" array, got an "
                    "array"},
        BadFileCase{"JsonlUserContentNull", "t.jsonl",
                    R"({"messages":[{"role":"user","content":null}]})",
                    "{path}:1:39: /messages/0/content: expected a string or an array of content "
                    "parts, got null"},
        BadFileCase{"JsonlTextPartWithoutText", "t.jsonl",
                    R"({"messages":[{"role":"user","content":[{"type":"text","txt":"a"}]}]})",
                    "{path}:1:40: /messages/0/content/0: missing required key 'text' (a string)"},
        BadFileCase{"JsonlPartNotObject", "t.jsonl",
                    R"({"messages":[{"role":"user","content":["a"]}]})",
                    "{path}:1:40: /messages/0/content/0: expected a content part object, got "
                    "string \"a\""},
        BadFileCase{"JsonlNoUserTurns", "t.jsonl",
                    R"({"messages":[{"role":"assistant","content":"Hello?"}]})"
                    "\n\n",
                    "{path}: no conversation with a user turn to replay (1 skipped)"},
        BadFileCase{"JsonlEmptyFile", "t.jsonl", "",
                    "{path}: no conversation with a user turn to replay (0 skipped)"},
        BadFileCase{"LiveKitInvalidJson", "t.json", "{\n  \"items\": [\n    {\"type\": }\n  ]\n}",
                    "{path}:3:14: invalid JSON: syntax error while parsing value - unexpected "
                    "'}'; expected '[', '{', or a literal"},
        BadFileCase{"LiveKitItemsMissing", "t.json", "{\n  \"messages\": []\n}",
                    "{path}:1:1: (root): missing required key 'items' (an array of chat items)"},
        BadFileCase{"LiveKitItemWithoutType", "t.json",
                    "{\"items\": [\n  {\"role\": \"user\", \"content\": [\"a\"]}\n]}",
                    "{path}:2:3: /items/0: missing required key 'type' (a string)"},
        BadFileCase{"LiveKitRoleNotString", "t.json",
                    "{\"items\": [\n  {\"type\": \"message\", \"role\": null}\n]}",
                    "{path}:2:31: /items/0/role: expected a string, got null"},
        BadFileCase{"LiveKitContentNotArray", "t.json",
                    "{\"items\": [\n  {\"type\": \"message\", \"role\": \"user\", \"content\": "
                    "\"hi\"}\n]}",
                    "{path}:2:50: /items/0/content: expected an array of content entries, got "
                    "string \"hi\""},
        BadFileCase{"LiveKitNoUserTurns", "t.json", R"({"items": []})",
                    "{path}: no conversation with a user turn to replay (1 skipped)"}),
    [](const testing::TestParamInfo<BadFileCase>& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace agentsim
