// Errors as values: every expected failure in agentsim is an `Error` with a canonical code and
// a message that says what was expected; exceptions are reserved for bugs (and are converted
// at parse boundaries). `Result<T>` is std::expected<T, Error>; `Status` is Result<void>.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace agentsim {

enum class ErrorCode {
  kInvalidArgument,     // bad input: file, line:column, JSON pointer and expectation in message
  kNotFound,            // unknown agent id, file, session
  kAlreadyExists,       // an immutable version that exists already
  kPermissionDenied,    // tenant isolation or RBAC refusal
  kFailedPrecondition,  // operation not allowed in the current state (e.g. disabled config)
  kResourceExhausted,   // quota, capacity
  kUnavailable,         // backend failure that may succeed on retry
  kDeadlineExceeded,    // timeout
  kCancelled,           // the work was cancelled (session closed, barge-in)
  kInternal,            // a bug: an invariant did not hold
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // With kResourceExhausted from a rate-limited backend: its Retry-After, the µs to wait
  // before trying again; 0 when not given. (std::int64_t = Micros, core/ports/clock.h.)
  std::int64_t retry_after_us = 0;

  // "<CODE>: <message>", e.g. "INVALID_ARGUMENT: a.json:3:14: /llm_config/temperature: ...".
  std::string ToString() const;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> MakeError(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}
inline std::unexpected<Error> InvalidArgument(std::string m) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(m));
}
inline std::unexpected<Error> NotFound(std::string m) {
  return MakeError(ErrorCode::kNotFound, std::move(m));
}
inline std::unexpected<Error> AlreadyExists(std::string m) {
  return MakeError(ErrorCode::kAlreadyExists, std::move(m));
}
inline std::unexpected<Error> PermissionDenied(std::string m) {
  return MakeError(ErrorCode::kPermissionDenied, std::move(m));
}
inline std::unexpected<Error> Unavailable(std::string m) {
  return MakeError(ErrorCode::kUnavailable, std::move(m));
}
inline std::unexpected<Error> FailedPrecondition(std::string m) {
  return MakeError(ErrorCode::kFailedPrecondition, std::move(m));
}
inline std::unexpected<Error> Internal(std::string m) {
  return MakeError(ErrorCode::kInternal, std::move(m));
}

}  // namespace agentsim
