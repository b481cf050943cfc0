#include "sim/interview_corpus.h"

#include <algorithm>
#include <expected>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json/json_document.h"
#include "core/util/strings.h"

namespace agentsim {
namespace {

using nlohmann::json;

// Every key of `object` (in nlohmann's sorted order) not in `allowed`, as an error each.
void UnknownKeys(const JsonDocument& doc, const std::string& at, const json& object,
                 std::initializer_list<std::string_view> allowed, std::string_view expected,
                 std::vector<std::string>& errors) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end()) continue;
    errors.push_back(doc.Describe(at + "/" + EscapePointerToken(it.key()),
                                  "unknown key '" + it.key() + "'; expected one of: " +
                                      std::string(expected)));
  }
}

// The stage's utterances; every problem appended to `errors`.
std::vector<std::string> ParseUtterances(const JsonDocument& doc, const json& stage,
                                         const std::string& at, std::vector<std::string>& errors) {
  auto utterances = stage.find("utterances");
  if (utterances == stage.end() || !utterances->is_array() || utterances->empty()) {
    errors.push_back(MemberError(doc, at, stage, "utterances", "a non-empty array of strings").message);
    return {};
  }
  std::vector<std::string> out;
  out.reserve(utterances->size());
  for (std::size_t j = 0; j < utterances->size(); ++j) {
    const json& utterance = (*utterances)[j];
    if (!utterance.is_string() || utterance.get_ref<const std::string&>().empty()) {
      errors.push_back(doc.Describe(at + "/utterances/" + std::to_string(j),
                                    "expected a non-empty string, got " + DescribeJson(utterance)));
      continue;
    }
    out.push_back(utterance.get<std::string>());
  }
  return out;
}

}  // namespace

Result<InterviewCorpus> ParseInterviewCorpus(std::string source_name, std::string json_text) {
  Result<JsonDocument> doc =
      JsonDocument::Parse(std::move(source_name), std::move(json_text), /*allow_comments=*/false);
  if (!doc) return std::unexpected(std::move(doc.error()));
  const json& root = doc->root();
  if (!root.is_object()) {
    return std::unexpected(
        doc->ErrorAt("", "expected an object with a \"stages\" array, got " + DescribeJson(root)));
  }
  // Every problem is reported, not only the first.
  std::vector<std::string> errors;
  UnknownKeys(*doc, "", root, {"description", "stages"}, "description stages", errors);
  if (auto description = root.find("description");
      description != root.end() && !description->is_string()) {
    errors.push_back(
        doc->Describe("/description", "expected a string, got " + DescribeJson(*description)));
  }
  auto stages = root.find("stages");
  InterviewCorpus corpus;
  if (stages == root.end() || !stages->is_array() || stages->empty()) {
    errors.push_back(MemberError(*doc, "", root, "stages", "a non-empty array of stages").message);
  } else {
    for (std::size_t i = 0; i < stages->size(); ++i) {
      const json& stage = (*stages)[i];
      const std::string at = "/stages/" + std::to_string(i);
      if (!stage.is_object()) {
        errors.push_back(doc->Describe(
            at, "expected an object with \"stage\" and \"utterances\", got " + DescribeJson(stage)));
        continue;
      }
      UnknownKeys(*doc, at, stage, {"stage", "utterances"}, "stage utterances", errors);
      auto name = stage.find("stage");
      std::string stage_name;
      if (name == stage.end() || !name->is_string() ||
          name->get_ref<const std::string&>().empty()) {
        errors.push_back(MemberError(*doc, at, stage, "stage", "a non-empty string").message);
      } else {
        stage_name = name->get<std::string>();
        auto earlier = std::find(corpus.stage_names.begin(), corpus.stage_names.end(), stage_name);
        if (earlier != corpus.stage_names.end()) {
          errors.push_back(doc->Describe(
              at + "/stage", "duplicate stage " + json(stage_name).dump() + " (first at /stages/" +
                                 std::to_string(earlier - corpus.stage_names.begin()) + ")"));
        }
      }
      corpus.stage_names.push_back(std::move(stage_name));
      corpus.utterances_by_stage.push_back(ParseUtterances(*doc, stage, at, errors));
    }
  }
  if (!errors.empty()) return InvalidArgument(JoinLines(errors));
  return corpus;
}

}  // namespace agentsim
