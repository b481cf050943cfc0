// SHA-256 (OpenSSL EVP), incremental or in one call, as lower-case hex. Used for report
// digests, scenario fingerprints and the audit log's hash chain.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/util/error.h"

namespace agentsim {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Feeds bytes. Returns false on an OpenSSL failure (then Finish fails too).
  bool Update(std::string_view bytes);
  // The digest of everything fed, as 64 lower-case hex digits. Errors: kInternal.
  Result<std::string> FinishHex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// SHA-256 of `bytes` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace agentsim
