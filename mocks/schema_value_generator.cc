#include "mocks/schema_value_generator.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

namespace agentsim {
namespace {

// Number of Unicode code points in UTF-8 text.
std::int64_t CodePoints(const std::string& s) {
  std::int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The bounds DynamicSchema allows for an integer field, as doubles that convert to int64:
// [-2^63, largest double below 2^63].
constexpr double kInt64Low = -9223372036854775808.0;
constexpr double kInt64High = 9223372036854774784.0;

// A length in [min_length, max_length], at most `typical_max` above min_length. DynamicSchema
// caps both at kMaxLengthConstraint, so the result stays small.
std::int64_t LengthBetween(const FieldConstraints& c, std::int64_t typical_max, Rng& rng) {
  const std::int64_t lo = c.min_length.value_or(0);
  const std::int64_t hi = std::max(lo, c.max_length.value_or(std::max(lo, typical_max)));
  return rng.UniformInt(lo, std::min(hi, lo + typical_max));
}

// A Literal value as J::parse(v.dump()) gives it, without the text round trip: a string as is,
// an integer unsigned when >= 0 (nlohmann's parser types it so). Literal values are strings or
// int64 integers (field_type.h); anything else still goes through the text.
nlohmann::ordered_json LiteralValue(const nlohmann::json& v) {
  if (v.is_string()) return v.get_ref<const std::string&>();
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) {
    const std::int64_t n = v.get<std::int64_t>();
    if (n >= 0) return static_cast<std::uint64_t>(n);
    return n;
  }
  return nlohmann::ordered_json::parse(v.dump());
}

}  // namespace

std::string SchemaValueGenerator::String(const SchemaField& field, Rng& rng) const {
  const std::int64_t min_len = field.constraints.min_length.value_or(0);
  const std::int64_t max_len = field.constraints.max_length.value_or(INT64_MAX);
  const auto& candidates = corpus_->For(field.name);
  if (!candidates.empty()) {
    const std::string& pick = candidates[rng.Index(candidates.size())];
    const std::int64_t n = CodePoints(pick);
    if (n >= min_len && n <= max_len) return pick;
  }
  // Words until long enough, then cut to the maximum (words are ASCII, so bytes are
  // characters). Each word after the first adds at least a space, so `target` words always
  // suffice; padding covers a word list that cannot reach min_length (empty, or empty words).
  const auto& words = corpus_->Words();
  std::string out;
  const std::int64_t target = std::max<std::int64_t>(min_len, std::min<std::int64_t>(max_len, 24));
  for (std::int64_t i = 0;
       i <= target && static_cast<std::int64_t>(out.size()) < target && !words.empty(); ++i) {
    if (!out.empty()) out.push_back(' ');
    out += words[rng.Index(words.size())];
  }
  if (static_cast<std::int64_t>(out.size()) < min_len) {
    out.append(static_cast<std::size_t>(min_len) - out.size(), 'x');
  }
  if (static_cast<std::int64_t>(out.size()) > max_len) out.resize(static_cast<std::size_t>(max_len));
  return out;
}

double SchemaValueGenerator::Number(const SchemaField& field, bool integral, Rng& rng) const {
  const FieldConstraints& c = field.constraints;
  double lo = c.ge.value_or(c.le ? *c.le - 100.0 : 0.0);
  double hi = c.le.value_or(lo + 100.0);
  if (integral) {
    // Kept inside the int64 range: the defaults above may step past a bound near its end.
    const auto ilo = static_cast<std::int64_t>(std::ceil(std::clamp(lo, kInt64Low, kInt64High)));
    const auto ihi = static_cast<std::int64_t>(std::floor(std::clamp(hi, kInt64Low, kInt64High)));
    return static_cast<double>(rng.UniformInt(ilo, std::max(ilo, ihi)));
  }
  // Two decimals, kept inside [lo, hi]. Halving first keeps hi - lo finite for bounds near
  // the double range's ends (one draw either way).
  const double drawn =
      std::isfinite(hi - lo) ? rng.Uniform(lo, hi) : rng.Uniform(lo / 2, hi / 2) * 2;
  double v = std::round(drawn * 100.0) / 100.0;
  return std::clamp(v, lo, hi);
}

nlohmann::ordered_json SchemaValueGenerator::Value(const SchemaField& field, Rng& rng) const {
  using J = nlohmann::ordered_json;
  switch (field.kind) {
    case FieldKind::kStr: return String(field, rng);
    case FieldKind::kInt: return static_cast<std::int64_t>(Number(field, true, rng));
    case FieldKind::kFloat: return Number(field, false, rng);
    case FieldKind::kBool: return rng.Bernoulli(0.5);
    case FieldKind::kLiteral:
      return LiteralValue(field.literal_values[rng.Index(field.literal_values.size())]);
    case FieldKind::kListStr:
    case FieldKind::kListInt:
    case FieldKind::kListFloat: {
      J list = J::array();
      SchemaField element = field;
      element.constraints.min_length.reset();
      element.constraints.max_length.reset();
      const std::int64_t n = LengthBetween(field.constraints, 4, rng);
      for (std::int64_t i = 0; i < n; ++i) {
        if (field.kind == FieldKind::kListStr) {
          element.kind = FieldKind::kStr;
          list.push_back(String(element, rng));
        } else if (field.kind == FieldKind::kListInt) {
          list.push_back(static_cast<std::int64_t>(Number(element, true, rng)));
        } else {
          list.push_back(Number(element, false, rng));
        }
      }
      return list;
    }
    case FieldKind::kDict: {
      J dict = J::object();
      const std::int64_t n = LengthBetween(field.constraints, 3, rng);
      // The keys are distinct by construction: append without ordered_map's linear key search
      // (which would make a large dict quadratic).
      auto& members = dict.get_ref<J::object_t&>();
      members.reserve(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) {
        members.J::object_t::Container::emplace_back("key_" + std::to_string(i),
                                                     J(rng.UniformInt(0, 9)));
      }
      return dict;
    }
  }
  return nullptr;
}

nlohmann::ordered_json SchemaValueGenerator::WrongTypeValue(const SchemaField& field,
                                                            Rng& rng) const {
  switch (field.kind) {
    case FieldKind::kStr:
    case FieldKind::kDict: return rng.UniformInt(0, 100);
    case FieldKind::kInt:
    case FieldKind::kFloat: return "high";
    case FieldKind::kBool: return "yes";
    case FieldKind::kListStr:
    case FieldKind::kListInt:
    case FieldKind::kListFloat: return "a, b";
    case FieldKind::kLiteral: return nlohmann::ordered_json::object();
  }
  return nullptr;
}

nlohmann::ordered_json SchemaValueGenerator::Object(const DynamicSchema& schema,
                                                    double optional_rate, Rng& rng) const {
  using J = nlohmann::ordered_json;
  J object = J::object();
  // Field names are unique in a schema: append without ordered_map's linear key search, into
  // room for every field (growing the vector was a third of this function's instructions).
  auto& members = object.get_ref<J::object_t&>();
  members.reserve(schema.fields().size());
  for (const SchemaField& field : schema.fields()) {
    if (!field.required && !rng.Bernoulli(optional_rate)) continue;
    members.J::object_t::Container::emplace_back(field.name, Value(field, rng));
  }
  return object;
}

}  // namespace agentsim
