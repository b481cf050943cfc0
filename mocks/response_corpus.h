// Text the mock LLM draws its answers from: for each field name, a list of candidate strings
// (e.g. "system_response", "voice_instructions", "internal_assessment"). A small built-in corpus
// is always available; a scenario may load a richer one from JSON:
//   {"system_response": ["...", ...], "voice_instructions": [...], ...}
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/error.h"

namespace agentsim {

class ResponseCorpus {
 public:
  // The built-in corpus (interviewer replies, voice directives, assessments, generic words).
  static const ResponseCorpus& BuiltIn();
  // Parses the JSON shape above. Errors: kInvalidArgument with file:line:col and pointer.
  static Result<ResponseCorpus> Parse(std::string source_name, std::string json_text);

  // Candidates for `field` (empty when the corpus has none).
  const std::vector<std::string>& For(std::string_view field) const;
  // Plain-text replies (the "system_response" list, or a generic one when absent).
  const std::vector<std::string>& PlainReplies() const;
  // Words for generating strings of fields the corpus does not know.
  const std::vector<std::string>& Words() const;

 private:
  static ResponseCorpus MakeBuiltIn();
  std::map<std::string, std::vector<std::string>, std::less<>> by_field_;
  std::vector<std::string> words_;
};

}  // namespace agentsim
