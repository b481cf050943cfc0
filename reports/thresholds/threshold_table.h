// The report's `threshold` table (DDL in report_schema.cc, columns in docs/report-schema.md):
// one row per threshold of the scenario, seq 1, 2, ... in ThresholdEvaluation::results order.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_handle.h"
#include "core/util/error.h"
#include "reports/thresholds/threshold_evaluator.h"

namespace agentsim {

// Replaces the rows of table `threshold` in the open report `db` with `results`, in one
// transaction (`path` names the file in errors).
// Errors: SQLite errors (e.g. kInvalidArgument "no such table: threshold" for a report of an
// older schema); nothing is changed then.
Status WriteThresholdResults(sqlite3* db, const std::string& path,
                             std::span<const ThresholdResult> results);

// Opens the agentsim report at `path` for writing (refusing a file that is not one) and calls
// WriteThresholdResults. Errors: as OpenReportReadOnly and WriteThresholdResults.
Status WriteThresholdResultsToReport(const std::string& path,
                                     std::span<const ThresholdResult> results);

// The rows of table `threshold` of the report at `path` (opened read-only), by seq; nullopt when
// the report has no such table. Errors: as OpenReportReadOnly; SQLite errors.
Result<std::optional<std::vector<ThresholdResult>>> ReadThresholdResults(const std::string& path);

}  // namespace agentsim
