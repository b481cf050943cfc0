#include "core/rng/distribution_json.h"

#include <array>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <memory>

#include <fmt/format.h>

#include "core/json/object_reader.h"
#include "core/util/strings.h"

namespace agentsim {
namespace {

constexpr double kMaxMagnitude = 1e12;
constexpr std::size_t kMaxSampleErrors = 10;
constexpr std::array<std::string_view, 7> kTypes = {
    "constant", "uniform", "truncated_normal", "lognormal", "exponential", "empirical", "mixture"};

std::string Num(double x) {
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return fmt::format("{}", x);
}

std::string TypeList() {
  std::string out;
  for (std::string_view t : kTypes) {
    if (!out.empty()) out += ", ";
    out += "\"" + std::string(t) + "\"";
  }
  return out;
}

class Reader {
 public:
  Reader(const JsonDocument& doc, std::vector<std::string>* errors,
         const DistributionReadOptions& options)
      : doc_(doc), errors_(errors), options_(options) {}

  std::optional<Distribution> Read(const std::string& pointer) {
    const std::size_t errors_before = errors_->size();
    ObjectReader r(doc_, pointer, errors_);
    if (!r.present()) return std::nullopt;
    std::optional<Distribution> d;
    if (r.Get("type") == nullptr) {
      if (r.Get("median") == nullptr && r.Get("p95") == nullptr) {
        r.Fail("", "missing required key 'type' (one of " + TypeList() + ")");
        return std::nullopt;
      }
      d = ReadMedianP95(r, {"median", "p95"});  // the old bare form
    } else if (auto type = r.Enum("type", Required::kYes,
                                {"constant", "uniform", "truncated_normal", "lognormal",
                                 "exponential", "empirical", "mixture"})) {
      d = ReadTyped(r, *type, pointer);
    }
    if (!d || errors_->size() != errors_before) return std::nullopt;
    if (!std::holds_alternative<MixtureDistribution>(d->kind()) && !CheckSupport(r, *d)) {
      return std::nullopt;
    }
    return d;
  }

 private:
  std::optional<Distribution> ReadTyped(ObjectReader& r, const std::string& type,
                                        const std::string& pointer) {
    if (type == "constant") {
      r.AllowOnly({"type", "value"});
      auto v = r.Number("value", Required::kYes, -kMaxMagnitude, kMaxMagnitude);
      if (!v) return std::nullopt;
      return Distribution(ConstantDistribution{*v});
    }
    if (type == "uniform") {
      r.AllowOnly({"type", "min", "max"});
      auto lo = r.Number("min", Required::kYes, -kMaxMagnitude, kMaxMagnitude);
      auto hi = r.Number("max", Required::kYes, -kMaxMagnitude, kMaxMagnitude);
      if (!lo || !hi) return std::nullopt;
      if (*hi < *lo) {
        r.Fail("max", "expected max >= min (" + Num(*lo) + ")");
        return std::nullopt;
      }
      return Distribution(UniformDistribution{*lo, *hi});
    }
    if (type == "truncated_normal") return ReadTruncatedNormal(r);
    if (type == "lognormal") return ReadLogNormal(r);
    if (type == "exponential") {
      r.AllowOnly({"type", "mean"});
      auto mean = r.PositiveNumber("mean", Required::kYes, kMaxMagnitude);
      if (!mean) return std::nullopt;
      return Distribution(ExponentialDistribution{*mean});
    }
    if (type == "empirical") return ReadEmpirical(r);
    return ReadMixture(r, pointer);
  }

  std::optional<Distribution> ReadTruncatedNormal(ObjectReader& r) {
    r.AllowOnly({"type", "mean", "sd", "min", "max"});
    TruncatedNormalDistribution d;
    auto mean = r.Number("mean", Required::kYes, -kMaxMagnitude, kMaxMagnitude);
    auto sd = r.PositiveNumber("sd", Required::kYes, kMaxMagnitude);
    auto lo = r.Number("min", Required::kNo, -kMaxMagnitude, kMaxMagnitude);
    auto hi = r.Number("max", Required::kNo, -kMaxMagnitude, kMaxMagnitude);
    if (!mean || !sd) return std::nullopt;
    if ((r.Get("min") != nullptr && !lo) || (r.Get("max") != nullptr && !hi)) return std::nullopt;
    d.mean = *mean;
    d.sd = *sd;
    if (lo) d.min = *lo;
    if (hi) d.max = *hi;
    if (lo && hi && *hi <= *lo) {
      r.Fail("max", "expected max > min (" + Num(*lo) + ")");
      return std::nullopt;
    }
    return Distribution(d);
  }

  std::optional<Distribution> ReadMedianP95(ObjectReader& r,
                                            std::initializer_list<std::string_view> allowed) {
    r.AllowOnly(allowed);
    auto median = r.Number("median", Required::kYes, 1e-6, 1e9);
    auto p95 = r.Number("p95", Required::kYes, 1e-6, 1e9);
    if (!median || !p95) return std::nullopt;
    if (*p95 < *median) {
      r.Fail("p95", "expected p95 >= median (" + nlohmann::json(*median).dump() + ")");
      return std::nullopt;
    }
    return Distribution(LogNormalDistribution::FromMedianP95(*median, *p95));
  }

  std::optional<Distribution> ReadLogNormal(ObjectReader& r) {
    const bool quantiles = r.Get("median") != nullptr || r.Get("p95") != nullptr;
    const bool parameters = r.Get("mu") != nullptr || r.Get("sigma") != nullptr;
    if (quantiles && parameters) {
      r.AllowOnly({"type", "median", "p95", "mu", "sigma"});
      r.Fail("", "give either median and p95, or mu and sigma, not both");
      return std::nullopt;
    }
    if (!parameters) return ReadMedianP95(r, {"type", "median", "p95"});
    r.AllowOnly({"type", "mu", "sigma"});
    auto mu = r.Number("mu", Required::kYes, -100, 100);
    auto sigma = r.Number("sigma", Required::kYes, 0, 20);
    if (!mu || !sigma) return std::nullopt;
    return Distribution(LogNormalDistribution{*mu, *sigma, 0, 0});
  }

  std::optional<Distribution> ReadEmpirical(ObjectReader& r) {
    r.AllowOnly({"type", "path"});
    auto path = r.String("path", Required::kYes);
    if (!path) return std::nullopt;
    if (!options_.read_file) {
      r.Fail("path", "empirical distributions cannot be read here (no file reader)");
      return std::nullopt;
    }
    Result<LoadedFile> file = options_.read_file(*path);
    if (!file) {
      r.Fail("path", "cannot read the samples: " + file.error().message);
      return std::nullopt;
    }
    Result<std::vector<double>> samples = ParseEmpiricalSamples(file->display_name, file->text);
    if (!samples) {
      // Located in the samples file; each line also at the "path" that names it, as transcript
      // errors are ("scenario.json:12:30: /workload/think_time/path: think.txt:3: ...").
      r.FailEachLine("path", samples.error().message);
      return std::nullopt;
    }
    return Distribution(EmpiricalDistribution{
        std::make_shared<const std::vector<double>>(std::move(*samples)), *path});
  }

  std::optional<Distribution> ReadMixture(ObjectReader& r, const std::string& pointer) {
    r.AllowOnly({"type", "components"});
    static constexpr std::string_view kExpected =
        "a non-empty array of {\"weight\": NUMBER, \"distribution\": {...}}";
    const nlohmann::json* list = r.Get("components");
    if (list == nullptr) {
      r.Fail("", "missing required key 'components' (" + std::string(kExpected) + ")");
      return std::nullopt;
    }
    if (!list->is_array() || list->empty()) {
      r.Fail("components", "expected " + std::string(kExpected) + ", got " + DescribeJson(*list));
      return std::nullopt;
    }
    auto parts = std::make_shared<std::vector<MixtureComponent>>();
    bool ok = true;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string at = pointer + "/components/" + std::to_string(i);
      ObjectReader c(doc_, at, errors_);
      if (!c.present()) {
        ok = false;
        continue;
      }
      c.AllowOnly({"weight", "distribution"});
      auto weight = c.PositiveNumber("weight", Required::kYes, kMaxMagnitude);
      std::optional<Distribution> d;
      if (c.Get("distribution") == nullptr) {
        c.Fail("", "missing required key 'distribution' (an object)");
      } else {
        d = Read(at + "/distribution");
      }
      if (!weight || !d) {
        ok = false;
        continue;
      }
      parts->push_back(MixtureComponent{*weight, std::move(*d)});
    }
    if (!ok) return std::nullopt;
    return Distribution(MixtureDistribution{std::move(parts)});
  }

  bool CheckSupport(ObjectReader& r, const Distribution& d) {
    const Distribution::Support s = d.GetSupport();
    const bool unbounded_normal = std::holds_alternative<TruncatedNormalDistribution>(d.kind());
    bool ok = true;
    // What the distribution reaches beyond the limit: a value, or no bound at all (a normal
    // with any sd > 0, however small, is unbounded until "min" or "max" truncates it).
    // An empirical's offending value is one of its samples: named at "path", with the file.
    const auto* empirical = std::get_if<EmpiricalDistribution>(&d.kind());
    const std::string_view at = empirical != nullptr ? "path" : "";
    const auto reach = [&](double bound, std::string_view side, std::string_view key) {
      if (empirical != nullptr) {
        return "can produce " + Num(bound) + " (a sample in " + empirical->source + ")";
      }
      if (!std::isinf(bound)) return "can produce " + Num(bound);
      std::string out = "has no " + std::string(side) + " bound";
      if (unbounded_normal) out += " (set \"" + std::string(key) + "\")";
      return out;
    };
    if (s.min < options_.min_value) {
      r.Fail(at, "expected values >= " + Num(options_.min_value) + ", but this " +
                     std::string(d.TypeName()) + " " + reach(s.min, "lower", "min"));
      ok = false;
    }
    if (s.max > options_.max_value) {
      r.Fail(at, "expected values <= " + Num(options_.max_value) + ", but this " +
                     std::string(d.TypeName()) + " " + reach(s.max, "upper", "max"));
      ok = false;
    }
    return ok;
  }

  const JsonDocument& doc_;
  std::vector<std::string>* errors_;
  const DistributionReadOptions& options_;
};

std::string_view Trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

void AddCapped(std::vector<std::string>& errors, std::size_t& total, std::string message) {
  ++total;
  if (errors.size() < kMaxSampleErrors) errors.push_back(std::move(message));
}

Result<std::vector<double>> Finish(std::string_view name, std::vector<double> samples,
                                   std::vector<std::string> errors, std::size_t total) {
  if (total == 0 && samples.empty()) {
    errors.push_back(EscapeForMessage(name) + ": expected at least one sample");
    total = 1;
  }
  if (total == 0) return samples;
  if (total > errors.size()) errors.push_back("... and " + std::to_string(total - errors.size()) + " more");
  return InvalidArgument(JoinLines(errors));
}

Result<std::vector<double>> ParseJsonSamples(std::string_view name, std::string_view text) {
  Result<JsonDocument> doc = JsonDocument::Parse(std::string(name), std::string(text));
  if (!doc) return std::unexpected(doc.error());
  const nlohmann::json& root = doc->root();
  if (!root.is_array()) {
    return std::unexpected(doc->ErrorAt("", "expected an array of numbers, got " + DescribeJson(root)));
  }
  std::vector<double> samples;
  samples.reserve(root.size());
  std::vector<std::string> errors;
  std::size_t total = 0;
  for (std::size_t i = 0; i < root.size(); ++i) {
    const nlohmann::json& v = root[i];
    if (!v.is_number() || !std::isfinite(v.get<double>())) {
      AddCapped(errors, total,
                doc->Describe("/" + std::to_string(i), "expected a finite number, got " + DescribeJson(v)));
      continue;
    }
    samples.push_back(v.get<double>());
  }
  return Finish(name, std::move(samples), std::move(errors), total);
}

Result<std::vector<double>> ParseLineSamples(std::string_view name, std::string_view text) {
  std::vector<double> samples;
  std::vector<std::string> errors;
  std::size_t total = 0;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    const std::string_view line = Trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    double x = 0;
    const auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), x);
    if (ec != std::errc() || ptr != line.data() + line.size() || !std::isfinite(x)) {
      const std::string_view shown = Utf8Prefix(line, 40);
      AddCapped(errors, total,
                EscapeForMessage(std::string(name) + ":" + std::to_string(line_number) +
                                 ": expected a number, got \"" + std::string(shown) +
                                 (shown.size() < line.size() ? "..." : "") + "\""));
      continue;
    }
    samples.push_back(x);
  }
  return Finish(name, std::move(samples), std::move(errors), total);
}

}  // namespace

std::optional<Distribution> ReadDistribution(const JsonDocument& doc, const std::string& pointer,
                                             std::vector<std::string>* errors,
                                             const DistributionReadOptions& options) {
  return Reader(doc, errors, options).Read(pointer);
}

Result<Distribution> ParseDistribution(const JsonDocument& doc, const std::string& pointer,
                                       const DistributionReadOptions& options) {
  std::vector<std::string> errors;
  std::optional<Distribution> d = ReadDistribution(doc, pointer, &errors, options);
  if (!d) return InvalidArgument(JoinLines(errors));
  return *d;
}

Result<std::vector<double>> ParseEmpiricalSamples(std::string_view display_name,
                                                  std::string_view text) {
  std::string_view body = text;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);  // UTF-8 byte order mark
  const std::size_t first = body.find_first_not_of(" \t\r\n");
  // '/' starts a comment, which only the JSON form allows.
  if (first != std::string_view::npos && (body[first] == '[' || body[first] == '/')) {
    return ParseJsonSamples(display_name, text);
  }
  return ParseLineSamples(display_name, body);
}

}  // namespace agentsim
