#include "mocks/response_corpus.h"

#include "core/json/json_document.h"

namespace agentsim {
namespace {

const std::vector<std::string>& Empty() {
  static const std::vector<std::string> kEmpty;
  return kEmpty;
}

}  // namespace

const ResponseCorpus& ResponseCorpus::BuiltIn() {
  static const ResponseCorpus kCorpus = MakeBuiltIn();
  return kCorpus;
}

Result<ResponseCorpus> ResponseCorpus::Parse(std::string source_name, std::string json_text) {
  Result<JsonDocument> doc = JsonDocument::Parse(std::move(source_name), std::move(json_text));
  if (!doc) return std::unexpected(doc.error());
  const nlohmann::json& root = doc->root();
  if (!root.is_object()) return std::unexpected(doc->ErrorAt("", "expected an object of string lists"));
  ResponseCorpus corpus = BuiltIn();
  for (const auto& [field, list] : root.items()) {
    if (field == "description") continue;
    const std::string pointer = "/" + field;
    if (!list.is_array() || list.empty()) {
      return std::unexpected(doc->ErrorAt(pointer, "expected a non-empty array of strings, got " +
                                                       DescribeJson(list)));
    }
    std::vector<std::string> values;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) {
        return std::unexpected(doc->ErrorAt(pointer + "/" + std::to_string(i),
                                            "expected a string, got " + DescribeJson(list[i])));
      }
      values.push_back(list[i].get<std::string>());
    }
    corpus.by_field_[field] = std::move(values);
  }
  return corpus;
}

const std::vector<std::string>& ResponseCorpus::For(std::string_view field) const {
  auto it = by_field_.find(field);
  return it == by_field_.end() ? Empty() : it->second;
}

const std::vector<std::string>& ResponseCorpus::PlainReplies() const {
  return For("system_response");
}

const std::vector<std::string>& ResponseCorpus::Words() const { return words_; }

ResponseCorpus ResponseCorpus::MakeBuiltIn() {
  ResponseCorpus corpus;
  corpus.by_field_["system_response"] = {
      "Thanks for that. Could you walk me through a project you are proud of?",
      "That makes sense. What was the hardest technical decision you made there?",
      "Good. How did you measure whether the change actually worked?",
      "Interesting. Tell me about a time you disagreed with a teammate.",
      "Let's switch to something technical: how would you design a rate limiter?",
      "Understood. What would you do differently if you started over?",
      "Thank you. Do you have any questions for me about the team?",
      "Great, that covers what I wanted to ask today. Thanks for your time.",
  };
  corpus.by_field_["voice_instructions"] = {
      "Speak warmly and at a measured pace.",
      "Neutral, professional tone; moderate speed.",
      "Encouraging tone, slightly slower.",
      "Crisp and direct; brief pause before the question.",
  };
  corpus.by_field_["internal_assessment"] = {
      "Clear structure, concrete metrics; strong signal on ownership.",
      "Answer stayed abstract; probe for specifics next turn.",
      "Good trade-off reasoning; limited depth on testing.",
      "Hesitant on fundamentals; revisit in the technical stage.",
  };
  corpus.words_ = {"the", "candidate", "system", "design", "latency", "cache", "team",
                   "project", "review", "customer", "request", "booking", "account", "service",
                   "update", "schedule", "balance", "transfer", "weather", "rental"};
  return corpus;
}

}  // namespace agentsim
