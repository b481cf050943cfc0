#include "app/run_thresholds.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/json/json_document.h"
#include "reports/thresholds/junit_xml.h"
#include "reports/thresholds/summary_export.h"
#include "reports/thresholds/threshold_table.h"

namespace agentsim::app {
namespace {

Status CheckPath(std::string_view option, const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path file(path);
  const fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  if (path.empty() || fs::is_directory(file, ec)) {
    return InvalidArgument(std::string(option) + ": expected a file path, got the folder \"" +
                           path + "\"");
  }
  if (!fs::is_directory(folder, ec)) {
    return InvalidArgument(std::string(option) + ": " + path +
                           ": no such folder: " + folder.string());
  }
  return {};
}

Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Unavailable(path + ": cannot write the file");
  return {};
}

}  // namespace

Status CheckOutputPaths(const ThresholdOutputs& outputs) {
  if (outputs.summary_export) {
    if (auto s = CheckPath("--summary-export", *outputs.summary_export); !s) return s;
  }
  if (outputs.junit) {
    if (auto s = CheckPath("--junit", *outputs.junit); !s) return s;
  }
  return {};
}

Result<ThresholdEvaluation> RecordThresholds(std::span<const ThresholdSpec> specs,
                                             const ThresholdOutputs& outputs) {
  const MetricScope scope =
      outputs.summary_export ? MetricScope::kAllMetrics : MetricScope::kThresholdKeys;
  Result<ThresholdEvaluation> evaluation = EvaluateThresholds(outputs.report, specs, scope);
  if (!evaluation) return evaluation;
  if (Status s = WriteThresholdResultsToReport(outputs.report, evaluation->results); !s) {
    return std::unexpected(std::move(s.error()));
  }
  if (outputs.summary_export) {
    if (Status s = WriteFile(*outputs.summary_export, FormatSummaryExport(*evaluation)); !s) {
      return std::unexpected(std::move(s.error()));
    }
  }
  if (outputs.junit) {
    if (Status s = WriteFile(*outputs.junit, FormatJUnit(outputs.suite_name, evaluation->results));
        !s) {
      return std::unexpected(std::move(s.error()));
    }
  }
  return evaluation;
}

std::string ThresholdFailureLine(const ThresholdEvaluation& evaluation) {
  const int failed = evaluation.failed();
  if (failed == 0) return "";
  std::vector<std::string> keys;
  for (const ThresholdResult& r : evaluation.results) {
    if (!r.passed && std::find(keys.begin(), keys.end(), r.metric_key) == keys.end()) {
      keys.push_back(r.metric_key);
    }
  }
  std::string list;
  for (const std::string& key : keys) list += (list.empty() ? "" : ", ") + EscapeForMessage(key);
  return "FAILED: " + std::to_string(failed) + " of " + std::to_string(evaluation.results.size()) +
         " thresholds failed (" + list + "); see the threshold table\n";
}

}  // namespace agentsim::app
