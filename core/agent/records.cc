#include "core/agent/records.h"

namespace agentsim {

std::string_view TurnOutcomeName(TurnOutcome outcome) {
  switch (outcome) {
    case TurnOutcome::kStructured: return "structured";
    case TurnOutcome::kFallback: return "fallback";
    case TurnOutcome::kError: return "error";
  }
  return "error";
}

}  // namespace agentsim
