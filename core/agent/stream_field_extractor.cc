#include "core/agent/stream_field_extractor.h"

#include <nlohmann/json.hpp>

namespace agentsim {

namespace {

// Decodes the raw bytes between a JSON string's quotes; nullopt when they are not valid JSON.
std::optional<std::string> DecodeJsonString(const std::string& raw) {
  nlohmann::json v = nlohmann::json::parse("\"" + raw + "\"", nullptr, /*allow_exceptions=*/false);
  if (!v.is_string()) return std::nullopt;
  return v.get<std::string>();
}

}  // namespace

void StreamFieldExtractor::OnStringEnd() {
  if (string_is_key_) {
    key_ = DecodeJsonString(raw_).value_or(std::string());
  } else if (string_is_target_ && !yielded_) {
    std::optional<std::string> decoded = DecodeJsonString(raw_);
    if (decoded) {
      yielded_ = true;
      value_ = *decoded;
      pending_ = std::move(decoded);
    }
  }
  raw_.clear();
  string_is_key_ = false;
  string_is_target_ = false;
}

std::optional<std::string> StreamFieldExtractor::Feed(std::string_view chunk) {
  for (char c : chunk) {
    if (closed_) break;
    if (!started_) {
      if (c == '{') {
        started_ = true;
        depth_ = 1;
      }
      continue;
    }
    if (in_string_) {
      const bool capture = string_is_key_ || string_is_target_;
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
        OnStringEnd();
        continue;
      }
      if (capture) raw_.push_back(c);
      continue;
    }
    switch (c) {
      case '"':
        in_string_ = true;
        if (depth_ == 1) {
          string_is_key_ = !expect_value_;
          string_is_target_ = expect_value_ && key_ == field_;
          expect_value_ = false;
        }
        break;
      case ':':
        if (depth_ == 1) expect_value_ = true;
        break;
      case ',':
        if (depth_ == 1) {
          expect_value_ = false;
          key_.clear();
        }
        break;
      case '{':
      case '[':
        if (depth_ == 1) expect_value_ = false;
        ++depth_;
        break;
      case '}':
      case ']':
        if (--depth_ == 0) closed_ = true;
        break;
      default:
        // Blanks and scalar values (numbers, true, false, null).
        if (depth_ == 1 && expect_value_ && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          expect_value_ = false;
        }
        break;
    }
  }
  std::optional<std::string> out = std::move(pending_);
  pending_.reset();
  return out;
}

}  // namespace agentsim
