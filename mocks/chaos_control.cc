#include "mocks/chaos_control.h"

namespace agentsim {

void FaultControl::StartOutage(std::string_view backend, std::string_view provider) {
  outages_.emplace(std::string(backend), std::string(provider));
}

bool FaultControl::EndOutage(std::string_view backend, std::string_view provider) {
  auto it = outages_.find(std::make_pair(std::string(backend), std::string(provider)));
  if (it == outages_.end()) return false;
  outages_.erase(it);
  return true;
}

bool FaultControl::InOutage(std::string_view backend, std::string_view provider) const {
  if (outages_.empty()) return false;
  if (outages_.contains(std::make_pair(std::string(backend), std::string()))) return true;
  return !provider.empty() &&
         outages_.contains(std::make_pair(std::string(backend), std::string(provider)));
}

void FaultControl::LogAt(Micros at_us, std::string_view backend, std::string provider,
                         FaultKind kind, std::string_view site) {
  log_.push_back(InjectedFault{at_us, backend, std::move(provider), kind, site});
}

}  // namespace agentsim
