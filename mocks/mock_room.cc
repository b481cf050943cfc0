#include "mocks/mock_room.h"

#include <nlohmann/json.hpp>

namespace agentsim {

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
  if (hidden.empty()) return;
  nlohmann::json parsed = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
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

Status MockRoom::PublishData(std::string_view topic, std::string_view payload) {
  monitor_->OnData(session_id_, *hidden_, topic, payload);
  return {};
}

Status MockRoom::PublishAudio(const AudioSegment& segment) {
  monitor_->OnAudio(segment);
  return {};
}

}  // namespace agentsim
