// AuditLog (seed: "Audit Logging"): every configuration change and every denial, append-only and
// hash-chained: entry.hash = SHA-256 over the entry's canonical form, which includes the previous
// entry's hash, so editing, inserting, removing or reordering any entry breaks the chain from
// there on. Entries are persisted through the DocumentStore port.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/async/task.h"
#include "core/ports/clock.h"
#include "core/ports/document_store.h"
#include "core/util/error.h"

namespace agentsim {

// 64 '0': the prev_hash of the first entry.
inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

class AuditLog {
 public:
  // `store` and `clock` not owned.
  AuditLog(DocumentStore* store, const Clock* clock) : store_(store), clock_(clock) {}

  // Fills sequence, at_us, prev_hash and hash of `entry` and persists it. The chain's tail is
  // read from the store on first use (ReadAudit). sequence = last + 1 and at_us = clock now are
  // set when the tail is known, synchronously, so concurrent Appends on one log are chained in
  // the order they reach that point (the store must persist them in that order; it refuses a
  // sequence that is not the next one). Errors: those of the store; after any store error the
  // tail is read again on the next Append.
  Task<Status> Append(AuditEntry entry);

  // The canonical hash of `entry`: lower-case hex SHA-256 over the concatenation of netstrings
  // ("<decimal byte length>:<bytes>,") of, in this order:
  //   "agentsim.audit.v1" (format tag), sequence (unsigned decimal), at_us (signed decimal),
  //   user_id, role, tenant_id, action, agent_id, version, outcome, detail, patch_json,
  //   prev_hash
  // i.e. every field but `hash`, in declaration order. Example prefix for sequence 1, at_us 10:
  //   "17:agentsim.audit.v1,1:1,2:10,..."
  static std::string HashOf(const AuditEntry& entry);

  struct Verification {
    bool ok = true;
    std::uint64_t entries = 0;
    // When !ok: the position (1-based, in the order given) of the first entry that does not
    // follow from its predecessor, and why. Checks per entry, in this order (N = its sequence,
    // M = the predecessor's sequence, 0 before the first entry):
    //   "hash mismatch: edited"                  HashOf(entry) != entry.hash
    //   "sequence N after M: inserted"           N was already used by an earlier entry
    //   "sequence N after M: reordered"          N < M, or N > M + 1 and a skipped sequence
    //                                            appears later in `entries`
    //   "sequence N after M: removed"            N > M + 1 and the skipped sequences are absent
    //   "prev_hash does not match: replaced or inserted"
    //                                            N == M + 1 but prev_hash is not the predecessor's
    //                                            hash (64 '0' for the first): the predecessor was
    //                                            rewritten with a recomputed hash, or this entry
    //                                            was forged with a wrong prev_hash
    std::uint64_t first_bad_position = 0;
    std::string problem;
  };
  // Checks the chain of `entries` as read from the store (empty: ok). A hash chain without a
  // secret key proves order and integrity relative to the entries that follow: an entry forged
  // with a recomputed hash is found at the entry after it, and the log's tail (a forged entry
  // appended last, or the last entries removed) can only be checked against a sequence and hash
  // remembered elsewhere (compare `entries`' last hash with it).
  static Verification Verify(const std::vector<AuditEntry>& entries);

 private:
  DocumentStore* store_;
  const Clock* clock_;
  bool loaded_ = false;
  std::uint64_t last_sequence_ = 0;
  std::string last_hash_;
};

}  // namespace agentsim
