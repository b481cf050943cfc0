#include "reports/report_open.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "reports/report_schema.h"

namespace agentsim {
namespace {

// A file cut short (a partial copy, a full disk) is refused before SQLite reads it: cut inside a
// page it would read without an error (the missing end as zeros), cut at a page boundary or
// inside the header it reports "database disk image is malformed" or reads a wrong
// application_id. The 100-byte database header (sqlite.org/fileformat.html, section 1.3) starts
// with "SQLite format 3\0" and gives the page size (offset 16, big-endian, 1 for 65,536) and the
// page count (offset 28), which is valid when nonzero and the change counter (offset 24) equals
// the version-valid-for number (offset 92). A report (journal_mode=OFF) is exactly that many
// pages long; a shorter file is cut short, or its header's page count is damaged. An empty file
// is refused too (SQLite would take it for an empty database). Other files pass here.
Status CheckWholeFile(const std::string& path, std::uintmax_t bytes) {
  if (bytes == 0) return InvalidArgument(sqlite::ErrorText(path, "not an agentsim report (an empty file)", ""));
  static constexpr char kMagic[] = "SQLite format 3";  // and its NUL: 16 bytes
  unsigned char header[100] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(header), sizeof header);
  const auto got = static_cast<std::size_t>(in.gcount());
  if (std::memcmp(header, kMagic, std::min<std::size_t>(got, sizeof kMagic)) != 0) return {};
  if (got < sizeof header) {
    return InvalidArgument(sqlite::ErrorText(
        path, "truncated report",
        "the file has " + std::to_string(bytes) +
            " bytes, less than an SQLite database header (100); run the scenario again"));
  }
  auto be32 = [&](std::size_t at) {
    return (std::uint32_t{header[at]} << 24) | (std::uint32_t{header[at + 1]} << 16) |
           (std::uint32_t{header[at + 2]} << 8) | std::uint32_t{header[at + 3]};
  };
  const std::uint32_t raw_page_size = (std::uint32_t{header[16]} << 8) | header[17];
  const std::uintmax_t page_size = raw_page_size == 1 ? 65536 : raw_page_size;
  const std::uint32_t pages = be32(28);
  if (pages == 0 || be32(24) != be32(92) || page_size < 512) return {};
  const std::uintmax_t expected = pages * page_size;
  if (bytes >= expected) return {};
  return InvalidArgument(sqlite::ErrorText(
      path, "truncated report",
      "the file has " + std::to_string(bytes) + " bytes, its header counts " +
          std::to_string(pages) + " pages of " + std::to_string(page_size) + " bytes (" +
          std::to_string(expected) + "): a partial copy, or a damaged header; run the scenario "
          "again"));
}

}  // namespace

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
  std::error_code size_ec;
  const std::uintmax_t bytes = std::filesystem::file_size(path, size_ec);
  if (!size_ec) {
    if (Status whole = CheckWholeFile(path, bytes); !whole) {
      return std::unexpected(std::move(whole.error()));
    }
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
  return db;
}

}  // namespace agentsim
