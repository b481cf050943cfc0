#include "mocks/schema_value_generator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "core/json/compact_json.h"

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

// nlohmann's text of a number_float, as its serializer writes it (dump_float: "null" when not
// finite, else its own shortest round-trip conversion, detail::to_chars, into a 64-byte
// buffer), without building a json value.
void AppendFloat(double v, std::string& out) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[64];
  const char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

void AppendInt(std::int64_t v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Plans kept at most; past that the cache starts over (a run has a handful of schemas).
constexpr std::size_t kMaxPlans = 64;

}  // namespace

// What AppendValue needs of one field, computed once per schema.
struct SchemaValueGenerator::FieldPlan {
  const SchemaField* field = nullptr;  // in `SchemaPlan::schema`
  std::string key;                     // "\"name\":" as CompactJson writes it
  // kStr / kListStr: the length bounds of the string (of each element for a list), the corpus
  // candidates for the field, their JSON text and whether each fits the bounds.
  std::int64_t min_len = 0;
  std::int64_t max_len = INT64_MAX;
  std::size_t candidate_count = 0;
  std::vector<std::string> texts;  // kStr / kListStr: candidates; kLiteral: the values
  std::vector<char> fits;
};

struct SchemaValueGenerator::SchemaPlan {
  DynamicSchema schema;  // keeps `fields`' SchemaField pointers (and the cache key) alive
  std::vector<FieldPlan> fields;
  bool text_ok = true;        // every precomputed text is valid UTF-8
  std::size_t reserve = 128;  // bytes to reserve for an answer (the largest seen so far)
};

SchemaValueGenerator::SchemaValueGenerator(const ResponseCorpus* corpus) : corpus_(corpus) {
  // Words are written as they are when none needs an escape (nor UTF-8 validation).
  words_plain_ = std::ranges::all_of(corpus_->Words(), [](const std::string& w) {
    return std::ranges::all_of(w, [](char c) {
      const auto b = static_cast<unsigned char>(c);
      return b >= 0x20 && b < 0x80 && c != '"' && c != '\\';
    });
  });
}
SchemaValueGenerator::~SchemaValueGenerator() = default;
SchemaValueGenerator::SchemaValueGenerator(SchemaValueGenerator&&) noexcept = default;
SchemaValueGenerator& SchemaValueGenerator::operator=(SchemaValueGenerator&&) noexcept = default;

std::string SchemaValueGenerator::String(const SchemaField& field, Rng& rng) const {
  const std::int64_t min_len = field.constraints.min_length.value_or(0);
  const std::int64_t max_len = field.constraints.max_length.value_or(INT64_MAX);
  const auto& candidates = corpus_->For(field.name);
  if (!candidates.empty()) {
    const std::string& pick = candidates[rng.Index(candidates.size())];
    const std::int64_t n = CodePoints(pick);
    if (n >= min_len && n <= max_len) return pick;
  }
  return Words(min_len, max_len, rng);
}

std::string SchemaValueGenerator::Words(std::int64_t min_len, std::int64_t max_len,
                                        Rng& rng) const {
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

std::unique_ptr<SchemaValueGenerator::SchemaPlan> SchemaValueGenerator::MakePlan(
    const DynamicSchema& schema) const {
  auto plan = std::make_unique<SchemaPlan>();
  plan->schema = schema;
  plan->fields.reserve(schema.fields().size());
  for (const SchemaField& field : plan->schema.fields()) {
    FieldPlan& f = plan->fields.emplace_back();
    f.field = &field;
    plan->text_ok = AppendJsonString(field.name, f.key) && plan->text_ok;
    f.key.push_back(':');
    if (field.kind == FieldKind::kStr || field.kind == FieldKind::kListStr) {
      // A list's elements have no length bounds of their own (Value resets them).
      if (field.kind == FieldKind::kStr) {
        f.min_len = field.constraints.min_length.value_or(0);
        f.max_len = field.constraints.max_length.value_or(INT64_MAX);
      }
      const auto& candidates = corpus_->For(field.name);
      f.candidate_count = candidates.size();
      for (const std::string& c : candidates) {
        std::string& text = f.texts.emplace_back();
        plan->text_ok = AppendJsonString(c, text) && plan->text_ok;
        const std::int64_t n = CodePoints(c);
        f.fits.push_back(n >= f.min_len && n <= f.max_len);
      }
    } else if (field.kind == FieldKind::kLiteral) {
      for (const nlohmann::json& v : field.literal_values) {
        std::string& text = f.texts.emplace_back();
        plan->text_ok = AppendCompactJson(LiteralValue(v), text) && plan->text_ok;
      }
    }
  }
  return plan;
}

SchemaValueGenerator::SchemaPlan& SchemaValueGenerator::PlanFor(const DynamicSchema& schema) {
  // Copies of a DynamicSchema share their fields: the fields' address identifies the schema
  // (held alive by the plan, so it is never reused while cached).
  const SchemaField* const key = schema.fields().data();
  if (last_ < keys_.size() && keys_[last_] == key) return *plans_[last_];
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return *plans_[last_ = i];
  }
  if (plans_.size() >= kMaxPlans) {
    plans_.clear();
    keys_.clear();
  }
  plans_.push_back(MakePlan(schema));
  keys_.push_back(plans_.back()->schema.fields().data());
  last_ = plans_.size() - 1;
  return *plans_.back();
}

void SchemaValueGenerator::AppendWords(std::int64_t min_len, std::int64_t max_len, Rng& rng,
                                       std::string& out) const {
  // Words() written in place: the same draws, the same bytes.
  const auto& words = corpus_->Words();
  out.push_back('"');
  const std::size_t base = out.size();
  const auto length = [&] { return static_cast<std::int64_t>(out.size() - base); };
  const std::int64_t target = std::max<std::int64_t>(min_len, std::min<std::int64_t>(max_len, 24));
  for (std::int64_t i = 0; i <= target && length() < target && !words.empty(); ++i) {
    if (length() > 0) out.push_back(' ');
    out += words[rng.Index(words.size())];
  }
  if (length() < min_len) out.append(static_cast<std::size_t>(min_len - length()), 'x');
  if (length() > max_len) out.resize(base + static_cast<std::size_t>(max_len));
  out.push_back('"');
}

bool SchemaValueGenerator::AppendString(const FieldPlan& plan, Rng& rng, std::string& out) const {
  // String()'s draws: a candidate, then words when it does not fit.
  if (plan.candidate_count > 0) {
    const std::size_t i = rng.Index(plan.candidate_count);
    if (plan.fits[i]) {
      out += plan.texts[i];
      return true;
    }
  }
  if (words_plain_) {
    AppendWords(plan.min_len, plan.max_len, rng, out);
    return true;
  }
  return AppendJsonString(Words(plan.min_len, plan.max_len, rng), out);
}

bool SchemaValueGenerator::AppendValue(const FieldPlan& plan, Rng& rng, std::string& out) const {
  // Value()'s draws, in its order, written as CompactJson writes the value it returns.
  const SchemaField& field = *plan.field;
  switch (field.kind) {
    case FieldKind::kStr: return AppendString(plan, rng, out);
    case FieldKind::kInt:
      AppendInt(static_cast<std::int64_t>(Number(field, true, rng)), out);
      return true;
    case FieldKind::kFloat:
      AppendFloat(Number(field, false, rng), out);
      return true;
    case FieldKind::kBool:
      out += rng.Bernoulli(0.5) ? "true" : "false";
      return true;
    case FieldKind::kLiteral:
      out += plan.texts[rng.Index(plan.texts.size())];
      return true;
    case FieldKind::kListStr:
    case FieldKind::kListInt:
    case FieldKind::kListFloat: {
      // Number() reads only ge/le, which the elements share with the list.
      out.push_back('[');
      const std::int64_t n = LengthBetween(field.constraints, 4, rng);
      for (std::int64_t i = 0; i < n; ++i) {
        if (i > 0) out.push_back(',');
        if (field.kind == FieldKind::kListStr) {
          if (!AppendString(plan, rng, out)) return false;
        } else if (field.kind == FieldKind::kListInt) {
          AppendInt(static_cast<std::int64_t>(Number(field, true, rng)), out);
        } else {
          AppendFloat(Number(field, false, rng), out);
        }
      }
      out.push_back(']');
      return true;
    }
    case FieldKind::kDict: {
      out.push_back('{');
      const std::int64_t n = LengthBetween(field.constraints, 3, rng);
      for (std::int64_t i = 0; i < n; ++i) {
        out += i > 0 ? ",\"key_" : "\"key_";
        AppendInt(i, out);
        out += "\":";
        out.push_back(static_cast<char>('0' + rng.UniformInt(0, 9)));
      }
      out.push_back('}');
      return true;
    }
  }
  out += "null";
  return true;
}

void SchemaValueGenerator::AppendObjectText(const DynamicSchema& schema, double optional_rate,
                                            Rng& rng, std::string& out) {
  SchemaPlan& plan = PlanFor(schema);
  const Rng start = rng;
  const std::size_t start_size = out.size();
  if (plan.text_ok) {
    out.reserve(start_size + plan.reserve);
    out.push_back('{');
    bool ok = true;
    bool first = true;
    for (const FieldPlan& f : plan.fields) {
      if (!f.field->required && !rng.Bernoulli(optional_rate)) continue;
      if (!first) out.push_back(',');
      first = false;
      out += f.key;
      if (!AppendValue(f, rng, out)) {
        ok = false;
        break;
      }
    }
    if (ok) {
      out.push_back('}');
      plan.reserve = std::max(plan.reserve, out.size() - start_size);
      return;
    }
  }
  // A string that is not UTF-8: the same draws again, through the JSON tree, so that
  // CompactJson throws exactly as it always did.
  rng = start;
  out.resize(start_size);
  out += CompactJson(Object(schema, optional_rate, rng));
}

}  // namespace agentsim
