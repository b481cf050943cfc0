// The synthetic interview corpus: candidate utterances grouped by interview stage, used when a
// scenario's utterance source is the corpus. The shipped corpus is
// scenarios/corpus/interview_user_turns.json (embedded in the binary), shaped as
//
//   {"description": "...",
//    "stages": [{"stage": "introduction", "utterances": ["...", ...]}, ...]}
//
// "description" is optional; no other keys are accepted (a misspelt key is an error, not a
// silently ignored one). Stages keep their order in the file.
#pragma once

#include <string>
#include <vector>

#include "core/util/error.h"

namespace agentsim {

struct InterviewCorpus {
  // Unique, non-empty stage names in file order.
  std::vector<std::string> stage_names;
  // Parallel to stage_names: each stage's utterances (at least one, each non-empty), file order.
  std::vector<std::vector<std::string>> utterances_by_stage;
};

// Parses a corpus document (JSON without comments). `source_name` prefixes error messages.
// Errors: kInvalidArgument "<source>:<line>:<col>: <pointer>: <expected>" for invalid JSON, a
// root that is not an object, an unknown key, a non-string description, "stages" missing or not
// a non-empty array, a stage that is not an object, a stage name that is not a non-empty string
// or repeats an earlier one, "utterances" missing or not a non-empty array, or an utterance that
// is not a non-empty string. Checking stops at the first problem found.
Result<InterviewCorpus> ParseInterviewCorpus(std::string source_name, std::string json_text);

}  // namespace agentsim
