#include "reports/report_open.h"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>

#include "reports/report_schema.h"

namespace agentsim {

Result<sqlite::DbPtr> OpenReportReadOnly(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (status.type() == std::filesystem::file_type::not_found) {
    return NotFound(sqlite::ErrorText(path, "report not found", ""));
  }
  if (ec) return Unavailable(sqlite::ErrorText(path, "cannot read report", ec.message()));
  if (status.type() != std::filesystem::file_type::regular) {
    return InvalidArgument(sqlite::ErrorText(path, "not an agentsim report (not a regular file)", ""));
  }
  auto opened = sqlite::Open(path, SQLITE_OPEN_READONLY);
  if (!opened) return std::unexpected(std::move(opened.error()));
  sqlite::DbPtr db = std::move(*opened);

  auto application_id = sqlite::ReadIntPragma(db.get(), "PRAGMA application_id", path);
  if (!application_id) {
    // A file that is not a database at all fails on its first read.
    if (application_id.error().message.find("not an SQLite database") != std::string::npos) {
      return InvalidArgument(sqlite::ErrorText(path, "not an agentsim report (not an SQLite database)", ""));
    }
    return std::unexpected(std::move(application_id.error()));
  }
  if (*application_id != kReportApplicationId) {
    return InvalidArgument(sqlite::ErrorText(path, "not an agentsim report",
                                "PRAGMA application_id is " + std::to_string(*application_id) +
                                    ", expected " + std::to_string(kReportApplicationId)));
  }
  auto version = sqlite::ReadIntPragma(db.get(), "PRAGMA user_version", path);
  if (!version) return std::unexpected(std::move(version.error()));
  if (*version < kOldestReadableReportSchemaVersion || *version > kReportSchemaVersion) {
    static_assert(kOldestReadableReportSchemaVersion + 1 == kReportSchemaVersion);
    return InvalidArgument(sqlite::ErrorText(
        path, "unsupported report schema version",
        "PRAGMA user_version is " + std::to_string(*version) + ", expected " +
            std::to_string(kOldestReadableReportSchemaVersion) + " or " +
            std::to_string(kReportSchemaVersion)));
  }
  // A file cut short (a partial copy, a full disk) reads without an error: SQLite takes the
  // missing end of its last page as zeros and the header still counts the pages it had. A
  // report (journal_mode=OFF) is exactly page_count pages long.
  auto pages = sqlite::ReadIntPragma(db.get(), "PRAGMA page_count", path);
  if (!pages) return std::unexpected(std::move(pages.error()));
  auto page_size = sqlite::ReadIntPragma(db.get(), "PRAGMA page_size", path);
  if (!page_size) return std::unexpected(std::move(page_size.error()));
  std::error_code size_ec;
  const std::uintmax_t bytes = std::filesystem::file_size(path, size_ec);
  const auto expected =
      static_cast<std::uintmax_t>(*pages) * static_cast<std::uintmax_t>(*page_size);
  if (!size_ec && bytes < expected) {
    return InvalidArgument(sqlite::ErrorText(
        path, "truncated report",
        "the file has " + std::to_string(bytes) + " bytes, its header counts " +
            std::to_string(*pages) + " pages of " + std::to_string(*page_size) + " bytes (" +
            std::to_string(expected) + "); run the scenario again"));
  }
  return db;
}

}  // namespace agentsim
