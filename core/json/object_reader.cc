#include "core/json/object_reader.h"

#include <algorithm>
#include <cmath>

namespace agentsim {
namespace {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string DidYouMean(std::string_view word, std::initializer_list<std::string_view> allowed) {
  std::string_view best;
  std::size_t best_distance = SIZE_MAX;
  for (std::string_view candidate : allowed) {
    std::size_t d = EditDistance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  return best_distance <= limit ? std::string(best) : std::string();
}

ObjectReader::ObjectReader(const JsonDocument& doc, std::string pointer,
                           std::vector<std::string>* errors, bool required)
    : doc_(doc), pointer_(std::move(pointer)), errors_(errors) {
  const nlohmann::json* value = nullptr;
  try {
    nlohmann::json::json_pointer ptr(pointer_);
    if (doc.root().contains(ptr)) value = &doc.root().at(ptr);
  } catch (const nlohmann::json::exception&) {
    value = nullptr;
  }
  if (value == nullptr) {
    if (required) errors_->push_back(doc_.Describe(pointer_, "required object is missing"));
    return;
  }
  if (!value->is_object()) {
    errors_->push_back(doc_.Describe(pointer_, "expected an object, got " + DescribeJson(*value)));
    return;
  }
  object_ = value;
}

std::string ObjectReader::PointerTo(std::string_view key) const {
  return pointer_ + "/" + EscapePointerToken(key);
}

void ObjectReader::Fail(std::string_view key, std::string_view message) {
  errors_->push_back(doc_.Describe(key.empty() ? pointer_ : PointerTo(key), message));
}

void ObjectReader::FailEachLine(std::string_view key, std::string_view messages) {
  while (!messages.empty()) {
    const std::size_t end = messages.find('\n');
    Fail(key, messages.substr(0, end));
    messages = end == std::string_view::npos ? std::string_view() : messages.substr(end + 1);
  }
}

void ObjectReader::AllowOnly(std::initializer_list<std::string_view> allowed) {
  if (object_ == nullptr) return;
  for (const auto& [key, value] : object_->items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = "unknown key '" + key + "'";
    if (std::string hint = DidYouMean(key, allowed); !hint.empty()) {
      message += " (did you mean '" + hint + "'?)";
    } else {
      message += "; expected one of:";
      for (std::string_view a : allowed) message += " " + std::string(a);
    }
    Fail(key, message);
  }
}

const nlohmann::json* ObjectReader::Get(std::string_view key) const {
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(key);
  return it == object_->end() ? nullptr : &*it;
}

const nlohmann::json* ObjectReader::Member(std::string_view key, Required required,
                                           std::string_view what) {
  if (object_ == nullptr) return nullptr;
  const nlohmann::json* v = Get(key);
  if (v == nullptr && required == Required::kYes) {
    errors_->push_back(doc_.Describe(pointer_, "missing required key '" + std::string(key) +
                                                   "' (" + std::string(what) + ")"));
  }
  return v;
}

std::optional<std::string> ObjectReader::String(std::string_view key, Required required,
                                                bool non_empty) {
  const nlohmann::json* v = Member(key, required, "a string");
  if (v == nullptr) return std::nullopt;
  if (!v->is_string() || (non_empty && v->get_ref<const std::string&>().empty())) {
    Fail(key, std::string("expected a ") + (non_empty ? "non-empty " : "") + "string, got " +
                  doc_.DescribeAt(PointerTo(key), *v));
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<double> ObjectReader::Number(std::string_view key, Required required, double min,
                                           double max) {
  const nlohmann::json* v = Member(key, required, "a number");
  if (v == nullptr) return std::nullopt;
  if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() < min ||
      v->get<double>() > max) {
    Fail(key, "expected a number from " + nlohmann::json(min).dump() + " to " +
                  nlohmann::json(max).dump() + ", got " + doc_.DescribeAt(PointerTo(key), *v));
    return std::nullopt;
  }
  return v->get<double>();
}

std::optional<double> ObjectReader::PositiveNumber(std::string_view key, Required required,
                                                   double max) {
  const nlohmann::json* v = Member(key, required, "a number");
  if (v == nullptr) return std::nullopt;
  if (!v->is_number() || !std::isfinite(v->get<double>()) || !(v->get<double>() > 0) ||
      v->get<double>() > max) {
    Fail(key, "expected a number above 0 up to " + nlohmann::json(max).dump() + ", got " +
                  doc_.DescribeAt(PointerTo(key), *v));
    return std::nullopt;
  }
  return v->get<double>();
}

std::optional<std::uint64_t> ObjectReader::Unsigned(std::string_view key, Required required,
                                                    std::uint64_t max) {
  const nlohmann::json* v = Member(key, required, "an integer");
  if (v == nullptr) return std::nullopt;
  // nlohmann reads a non-negative integer literal as unsigned, a negative one (and -0) as
  // signed.
  const bool non_negative =
      v->is_number_unsigned() || (v->is_number_integer() && v->get<std::int64_t>() >= 0);
  if (!non_negative || v->get<std::uint64_t>() > max) {
    Fail(key, "expected an integer from 0 to " + std::to_string(max) + ", got " +
                  doc_.DescribeAt(PointerTo(key), *v));
    return std::nullopt;
  }
  return v->get<std::uint64_t>();
}

std::optional<std::int64_t> ObjectReader::Integer(std::string_view key, Required required,
                                                  std::int64_t min, std::int64_t max) {
  const nlohmann::json* v = Member(key, required, "an integer");
  if (v == nullptr) return std::nullopt;
  bool ok = v->is_number_integer();
  std::int64_t x = 0;
  if (ok && v->is_number_unsigned()) {
    ok = v->get<std::uint64_t>() <= static_cast<std::uint64_t>(max);
    x = ok ? static_cast<std::int64_t>(v->get<std::uint64_t>()) : 0;
  } else if (ok) {
    x = v->get<std::int64_t>();
  }
  if (!ok || x < min || x > max) {
    Fail(key, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                  ", got " + doc_.DescribeAt(PointerTo(key), *v));
    return std::nullopt;
  }
  return x;
}

std::optional<bool> ObjectReader::Bool(std::string_view key, Required required) {
  const nlohmann::json* v = Member(key, required, "true or false");
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    Fail(key, "expected true or false, got " + doc_.DescribeAt(PointerTo(key), *v));
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::string> ObjectReader::Enum(std::string_view key, Required required,
                                              std::initializer_list<std::string_view> choices) {
  const nlohmann::json* v = Member(key, required, "a string");
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    if (std::find(choices.begin(), choices.end(), s) != choices.end()) return s;
  }
  std::string message = "expected one of";
  for (std::string_view c : choices) message += " \"" + std::string(c) + "\"";
  Fail(key, message + ", got " + doc_.DescribeAt(PointerTo(key), *v));
  return std::nullopt;
}

}  // namespace agentsim
