// Opening an existing report for reading.
#pragma once

#include <string>

#include "adapters/sqlite/sqlite_handle.h"
#include "core/util/error.h"

namespace agentsim {

// Opens an existing agentsim report read-only and checks that it is one (application_id and
// user_version, see report_schema.h).
// Errors: kNotFound when `path` does not exist; kInvalidArgument when it is not an SQLite
// database, not an agentsim report, or has a schema version this build cannot read (below
// kOldestReadableReportSchemaVersion or above kReportSchemaVersion), or is shorter than its
// header's page count (truncated); kUnavailable when it cannot be
// read. Every message names `path`.
Result<sqlite::DbPtr> OpenReportReadOnly(const std::string& path);

}  // namespace agentsim
