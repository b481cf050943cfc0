// The report digest: a fingerprint of a report's deterministic content, equal for two runs of the
// same binary, scenario and seed (see the determinism contract in docs/report-schema.md).
#pragma once

#include <string>
#include <string_view>

#include "core/util/error.h"
#include "core/util/sha256.h"  // Sha256Hex, used with reports

namespace agentsim {

// Returns the lower-case hex SHA-256 over tables run, session, turn and check_failure, in that
// order, each with its table name, column names and rows in primary-key order. Each value is
// serialised with a type tag and a length prefix (integers in decimal, REAL as "%.17g", NULL as
// a tag), so distinct contents cannot produce the same byte stream. run_wall (wall-clock facts)
// is excluded. Opens the file read-only.
// Errors: kNotFound when `db_path` does not exist; kInvalidArgument when it is not an agentsim
// report (or has another schema version); kUnavailable when it cannot be read. Messages name the
// path.
Result<std::string> ComputeReportDigest(const std::string& db_path);

}  // namespace agentsim
