// Reading a Distribution (core/rng/distribution.h) from JSON, every problem reported as
// "file:line:col: /pointer: what was expected" (core/json/object_reader.h). Shapes (units are
// the caller's; docs/workload.md):
//
//   {"type": "constant", "value": 3}
//   {"type": "uniform", "min": 100, "max": 400}                      max >= min
//   {"type": "truncated_normal", "mean": 800, "sd": 200, "min": 0, "max": 5000}
//                                                  sd > 0; min, max optional; max > min
//   {"type": "lognormal", "median": 1200, "p95": 4000}   1e-6 <= median <= p95 <= 1e9
//   {"type": "lognormal", "mu": 7.1, "sigma": 0.7}       -100 <= mu <= 100, 0 <= sigma <= 20
//   {"median": 1200, "p95": 4000}                        no "type": lognormal (the old form)
//   {"type": "exponential", "mean": 250}                 mean > 0
//   {"type": "empirical", "path": "think_times.json"}    see ParseEmpiricalSamples
//   {"type": "mixture", "components": [{"weight": 0.9, "distribution": {...}}, ...]}
//                                                  weights > 0 (need not sum to 1), nestable
//
// Other numbers lie in [-1e12, 1e12]. Unknown keys are errors with a did-you-mean.
#pragma once

#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_document.h"
#include "core/rng/distribution.h"
#include "core/util/error.h"

namespace agentsim {

// A file's text and the name to show in messages (a path on disk, "embedded:x.json").
struct LoadedFile {
  std::string display_name;
  std::string text;
};

// Reads `path` as written in the JSON (the reader resolves it, e.g. relative to the scenario:
// sim/workload/file_reader.h adapts a FileSource). Errors are reported at the "path" member.
using ReadFileFn = std::function<Result<LoadedFile>(std::string_view path)>;

struct DistributionReadOptions {
  ReadFileFn read_file;  // for "empirical"; empty: an empirical distribution is an error
  // Every value the distribution can produce (Distribution::GetSupport) must lie in
  // [min_value, max_value]; e.g. min_value = 0 for a time. Checked on each leaf, so a mixture's
  // offending component is the one named.
  double min_value = -std::numeric_limits<double>::infinity();
  double max_value = std::numeric_limits<double>::infinity();
};

// Reads the distribution at `pointer` in `doc`, appending one line per problem to `errors`;
// nullopt when there was any. A missing value is an error ("required object is missing"):
// check presence first for optional keys.
std::optional<Distribution> ReadDistribution(const JsonDocument& doc, const std::string& pointer,
                                             std::vector<std::string>* errors,
                                             const DistributionReadOptions& options = {});

// The same for a whole document or one of its values; the errors joined with '\n' as one
// kInvalidArgument.
Result<Distribution> ParseDistribution(const JsonDocument& doc, const std::string& pointer = "",
                                       const DistributionReadOptions& options = {});

// Samples of an empirical distribution from a file's text. Two formats:
//   - a JSON array of numbers, `[120, 340.5, 90]` (comments allowed), when the first
//     non-blank character is '[' or '/' (a comment);
//   - otherwise one number per line; blank lines and lines starting with '#' are skipped;
//     spaces, tabs and a final '\r' around a number are ignored.
// At least one sample; each finite. Errors (kInvalidArgument), at most 10 lines then
// "... and N more":
//   "<name>:<line>:<col>: /3: expected a finite number, got string \"x\"" (JSON),
//   "<name>:<line>: expected a number, got \"1,5\"" (lines),
//   "<name>: expected at least one sample".
Result<std::vector<double>> ParseEmpiricalSamples(std::string_view display_name,
                                                  std::string_view text);

}  // namespace agentsim
