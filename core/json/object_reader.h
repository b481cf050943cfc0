// ObjectReader: typed, checked reads of one JSON object's members, collecting every problem as
// "file:line:col: /pointer: message" (JsonDocument::Describe) instead of stopping at the first.
// Unknown keys are errors with a did-you-mean suggestion.
//
//   std::vector<std::string> errors;
//   ObjectReader r(doc, "/workload", &errors);
//   r.AllowOnly({"sessions", "arrival_rate_per_s"});
//   auto sessions = r.Integer("sessions", Required::kYes, 1, 10'000'000);
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json/json_document.h"

namespace agentsim {

enum class Required { kNo, kYes };

class ObjectReader {
 public:
  // Reads the object at `pointer` in `doc`. If it is missing or not an object, one error is
  // recorded and every getter returns nullopt.
  ObjectReader(const JsonDocument& doc, std::string pointer, std::vector<std::string>* errors,
               bool required = true);

  bool present() const { return object_ != nullptr; }
  const std::string& pointer() const { return pointer_; }
  std::string PointerTo(std::string_view key) const;

  void AllowOnly(std::initializer_list<std::string_view> allowed);

  const nlohmann::json* Get(std::string_view key) const;
  std::optional<std::string> String(std::string_view key, Required required,
                                    bool non_empty = true);
  std::optional<double> Number(std::string_view key, Required required, double min, double max);
  std::optional<std::int64_t> Integer(std::string_view key, Required required, std::int64_t min,
                                      std::int64_t max);
  // A number in (0, max], for values where 0 means nothing (a rate, a weight, a spread):
  // "expected a number above 0 up to <max>, got ...".
  std::optional<double> PositiveNumber(std::string_view key, Required required, double max);
  // An integer from 0 to `max`, up to 2^64 - 1 (seeds: JSON integers above INT64_MAX are read
  // as unsigned by nlohmann).
  std::optional<std::uint64_t> Unsigned(std::string_view key, Required required,
                                        std::uint64_t max);
  std::optional<bool> Bool(std::string_view key, Required required);
  // The key holds one of `choices` (strings).
  std::optional<std::string> Enum(std::string_view key, Required required,
                                  std::initializer_list<std::string_view> choices);

  // Records an error about `key` (or about the object itself when key is empty).
  void Fail(std::string_view key, std::string_view message);
  // Records one error about `key` per line of `messages`: the errors of a file the key names
  // (samples, a corpus, transcripts), already located in that file, are then located at the key
  // too: "scenario.json:12:30: /utterances/path: corpus.json:1:12: /stages: ...".
  void FailEachLine(std::string_view key, std::string_view messages);

 private:
  const nlohmann::json* Member(std::string_view key, Required required, std::string_view what);

  const JsonDocument& doc_;
  std::string pointer_;
  std::vector<std::string>* errors_;
  const nlohmann::json* object_ = nullptr;
};

// The allowed word closest to `word` by edit distance, if it is close (distance <= 2, or a
// third of the word's length); empty otherwise.
std::string DidYouMean(std::string_view word, std::initializer_list<std::string_view> allowed);

}  // namespace agentsim
