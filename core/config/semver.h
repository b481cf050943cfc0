// Semantic Versioning 2.0.0 (https://semver.org): parsing and precedence.
//
// Strict: MAJOR.MINOR.PATCH with no leading zeros, optional -PRERELEASE (dot-separated
// identifiers of [0-9A-Za-z-], numeric ones without leading zeros) and +BUILD metadata; exactly
// the language of the official regex in the SemVer 2.0.0 FAQ. Numbers may exceed 64 bits (the
// spec sets no bound), so they are kept as decimal digit strings. Precedence ignores
// build metadata (semver.org §11). Loose forms accepted by node-semver ("v1.2.3", "=1.2.3",
// surrounding spaces) are refused; see docs/configuration.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/error.h"

namespace agentsim {

struct SemVer {
  // Decimal digits without leading zeros ("0" or [1-9][0-9]*), of any length. Compare them with
  // CompareSemVer (or by length, then as text), never as plain strings ("9" > "10").
  std::string major = "0";
  std::string minor = "0";
  std::string patch = "0";
  std::vector<std::string> prerelease;  // identifiers, in order
  std::vector<std::string> build;       // identifiers, in order

  // Errors: kInvalidArgument naming the text and what is wrong with it, e.g.
  // `invalid SemVer 2.0.0 version "1.02.3": leading zero in minor`.
  static Result<SemVer> Parse(std::string_view text);
  // What is wrong with `text` ("leading zero in minor", "empty pre-release identifier", ...), or
  // nullopt when it is a strict SemVer 2.0.0 version.
  static std::optional<std::string> Diagnose(std::string_view text);

  // "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]"; Parse(v.ToString()) gives v back.
  std::string ToString() const;
  // The major version as a number; nullopt when it does not fit 64 bits.
  std::optional<std::uint64_t> MajorNumber() const;
};

// Precedence: negative, zero or positive as a < b, a == b, a > b (build metadata ignored).
// Numbers and numeric pre-release identifiers compare numerically at any length.
int CompareSemVer(const SemVer& a, const SemVer& b);

}  // namespace agentsim
