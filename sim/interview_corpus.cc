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

namespace agentsim {
namespace {

using nlohmann::json;

// The first key of `object` (in nlohmann's sorted order) not in `allowed`, or nullptr.
const std::string* UnknownKey(const json& object, std::initializer_list<std::string_view> allowed) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) return &it.key();
  }
  return nullptr;
}

Result<std::vector<std::string>> ParseUtterances(const JsonDocument& doc, const json& stage,
                                                 const std::string& at) {
  auto utterances = stage.find("utterances");
  if (utterances == stage.end() || !utterances->is_array() || utterances->empty()) {
    return std::unexpected(
        MemberError(doc, at, stage, "utterances", "a non-empty array of strings"));
  }
  std::vector<std::string> out;
  out.reserve(utterances->size());
  for (std::size_t j = 0; j < utterances->size(); ++j) {
    const json& utterance = (*utterances)[j];
    if (!utterance.is_string() || utterance.get_ref<const std::string&>().empty()) {
      return std::unexpected(
          doc.ErrorAt(at + "/utterances/" + std::to_string(j),
                      "expected a non-empty string, got " + DescribeJson(utterance)));
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
  if (const std::string* key = UnknownKey(root, {"description", "stages"})) {
    return std::unexpected(
        doc->ErrorAt("/" + EscapePointerToken(*key),
                     "unknown key '" + *key + "'; expected one of: description stages"));
  }
  if (auto description = root.find("description");
      description != root.end() && !description->is_string()) {
    return std::unexpected(
        doc->ErrorAt("/description", "expected a string, got " + DescribeJson(*description)));
  }
  auto stages = root.find("stages");
  if (stages == root.end() || !stages->is_array() || stages->empty()) {
    return std::unexpected(MemberError(*doc, "", root, "stages", "a non-empty array of stages"));
  }
  InterviewCorpus corpus;
  for (std::size_t i = 0; i < stages->size(); ++i) {
    const json& stage = (*stages)[i];
    const std::string at = "/stages/" + std::to_string(i);
    if (!stage.is_object()) {
      return std::unexpected(doc->ErrorAt(
          at, "expected an object with \"stage\" and \"utterances\", got " + DescribeJson(stage)));
    }
    if (const std::string* key = UnknownKey(stage, {"stage", "utterances"})) {
      return std::unexpected(
          doc->ErrorAt(at + "/" + EscapePointerToken(*key),
                       "unknown key '" + *key + "'; expected one of: stage utterances"));
    }
    auto name = stage.find("stage");
    if (name == stage.end() || !name->is_string() || name->get_ref<const std::string&>().empty()) {
      return std::unexpected(MemberError(*doc, at, stage, "stage", "a non-empty string"));
    }
    const std::string& stage_name = name->get_ref<const std::string&>();
    auto earlier = std::find(corpus.stage_names.begin(), corpus.stage_names.end(), stage_name);
    if (earlier != corpus.stage_names.end()) {
      return std::unexpected(doc->ErrorAt(
          at + "/stage", "duplicate stage " + json(stage_name).dump() + " (first at /stages/" +
                             std::to_string(earlier - corpus.stage_names.begin()) + ")"));
    }
    Result<std::vector<std::string>> utterances = ParseUtterances(*doc, stage, at);
    if (!utterances) return std::unexpected(std::move(utterances.error()));
    corpus.stage_names.push_back(stage_name);
    corpus.utterances_by_stage.push_back(std::move(*utterances));
  }
  return corpus;
}

}  // namespace agentsim
