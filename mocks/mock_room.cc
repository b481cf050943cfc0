#include "mocks/mock_room.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/agent/json_fast_parse.h"

namespace agentsim {
namespace {

// Whether `payload` may have a top-level key in `hidden`, without parsing it. Exact in one
// direction: a text without a backslash spells every key verbatim between quotes, so when no
// hidden name appears as "name" there is no such key (valid JSON or not). A backslash anywhere
// (an escape could spell a name differently) answers yes.
//
// A name without a quote in it appears as "name" exactly when two consecutive quotes of the
// text enclose it, so the text's quoted spans are looked up (one pass; spans of another length
// than every name are skipped) instead of searching the text once per name.
bool MayCarryHidden(const std::set<std::string, std::less<>>& hidden, std::string_view payload) {
  if (hidden.empty()) return false;
  if (payload.find('\\') != std::string_view::npos) return true;
  std::size_t shortest = SIZE_MAX, longest = 0;
  for (const std::string& name : hidden) {
    if (name.find('"') != std::string::npos) return true;  // never in a schema's field names
    shortest = std::min(shortest, name.size());
    longest = std::max(longest, name.size());
  }
  std::size_t open = payload.find('"');
  while (open != std::string_view::npos) {
    const std::size_t close = payload.find('"', open + 1);
    if (close == std::string_view::npos) break;
    const std::size_t size = close - open - 1;
    if (size >= shortest && size <= longest && hidden.contains(payload.substr(open + 1, size))) {
      return true;
    }
    open = close;
  }
  return false;
}

}  // namespace

void RoomMonitor::Fail(std::uint64_t session_id, std::string detail) {
  CheckFailure failure{clock_->NowMicros(), "hidden_field_published",
                       "session " + std::to_string(session_id), std::move(detail)};
  if (sink_ != nullptr) sink_->OnCheckFailure(failure);
  failures_.push_back(std::move(failure));
}

void RoomMonitor::OnData(std::uint64_t session_id,
                         const std::set<std::string, std::less<>>& hidden,
                         std::string_view topic, std::string_view payload) {
  ++stats_.data_messages;
  stats_.data_bytes += payload.size();
  if (keep_messages_) messages_.push_back({session_id, std::string(topic), std::string(payload)});
  // Most payloads end here: re-parsing every one was 14% of a load run's instructions.
  if (hidden.empty() || !MayCarryHidden(hidden, payload)) return;
  // simdjson's fast path where it agrees with nlohmann; nlohmann otherwise. Invalid JSON is not
  // checked.
  std::optional<nlohmann::json> fast = FastParseJson(payload);
  const nlohmann::json parsed = fast ? std::move(*fast)
                                     : nlohmann::json::parse(payload, nullptr,
                                                             /*allow_exceptions=*/false);
  if (!parsed.is_object()) return;
  for (const auto& [key, value] : parsed.items()) {
    if (hidden.contains(key)) {
      Fail(session_id, "topic " + std::string(topic) + " carried hidden field '" + key + "'");
    }
  }
}

void RoomMonitor::OnAudio(const AudioSegment& segment) {
  ++stats_.audio_segments;
  stats_.audio_duration_us += segment.duration_us;
}

void MockRoom::EnableFaults(const RoomFaults* faults, FaultControl* control, Rng rng) {
  faults_ = faults;
  control_ = control;
  rng_ = rng;
  if (faults_ != nullptr && faults_->session_disconnect_rate > 0) {
    Rng at = rng_.Fork("disconnect_at");
    if (at.Bernoulli(faults_->session_disconnect_rate)) {
      drop_at_us_ = monitor_->clock()->NowMicros() +
                    faults_->disconnect_after_ms.SampleMillisAsMicros(at);
    }
  }
}

void MockRoom::Disconnect(Micros at_us, std::string_view site) {
  disconnected_ = true;
  disconnected_at_us_ = at_us;
  monitor_->OnDisconnect();
  if (control_ != nullptr) {
    control_->LogAt(at_us, "room", "session " + std::to_string(session_id_),
                    FaultKind::kDisconnect, site);
  }
  if (on_disconnect_) on_disconnect_();
}

bool MockRoom::CheckConnection() {
  if (!disconnected_ && monitor_->clock()->NowMicros() >= drop_at_us_) Disconnect(drop_at_us_, "");
  return !disconnected_;
}

bool MockRoom::Admit() {
  if (control_ != nullptr && CheckConnection()) {
    if (faults_ != nullptr && faults_->disconnect_per_publish > 0 &&
        rng_.Bernoulli(faults_->disconnect_per_publish)) {
      Disconnect(monitor_->clock()->NowMicros(), "");
    } else if (control_->Fire(ChaosSite::kRoomDisconnect)) {
      Disconnect(monitor_->clock()->NowMicros(), ChaosSiteName(ChaosSite::kRoomDisconnect));
    }
  }
  if (!disconnected_) return true;
  monitor_->OnRefused();
  return false;
}

Status MockRoom::PublishData(std::string_view topic, std::string_view payload) {
  if (!Admit()) return MakeError(ErrorCode::kUnavailable, "mock room: disconnected");
  monitor_->OnData(session_id_, *hidden_, topic, payload);
  return {};
}

Status MockRoom::PublishAudio(const AudioSegment& segment) {
  if (!Admit()) return MakeError(ErrorCode::kUnavailable, "mock room: disconnected");
  monitor_->OnAudio(segment);
  return {};
}

}  // namespace agentsim
