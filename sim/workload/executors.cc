#include "sim/workload/executors.h"

namespace agentsim {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

template <class Stage>
Micros SumDurations(const std::vector<Stage>& stages) {
  Micros total = 0;
  for (const Stage& s : stages) total += s.duration_us;
  return total;
}

}  // namespace

std::string_view ExecutorTypeName(const WorkloadExecutor& executor) {
  return std::visit(Overloaded{
                        [](const ConstantArrivalRate&) { return "constant-arrival-rate"; },
                        [](const RampingArrivalRate&) { return "ramping-arrival-rate"; },
                        [](const ConstantSessions&) { return "constant-sessions"; },
                        [](const RampingSessions&) { return "ramping-sessions"; },
                    },
                    executor);
}

bool IsOpenModel(const WorkloadExecutor& executor) {
  return std::holds_alternative<ConstantArrivalRate>(executor) ||
         std::holds_alternative<RampingArrivalRate>(executor);
}

Micros ExecutorEnd(const WorkloadExecutor& executor) {
  return std::visit(Overloaded{
                        [](const ConstantArrivalRate& e) { return e.duration_us; },
                        [](const RampingArrivalRate& e) { return SumDurations(e.stages); },
                        [](const ConstantSessions& e) { return e.duration_us; },
                        [](const RampingSessions& e) { return SumDurations(e.stages); },
                    },
                    executor);
}

WorkloadExecutor LegacyPoissonExecutor(std::int64_t sessions, double arrival_rate_per_s) {
  ConstantArrivalRate e;
  e.rate = arrival_rate_per_s;
  e.time_unit_us = kMicrosPerSecond;
  e.duration_us = kNoEnd;
  e.max_concurrent = 0;
  e.arrivals = ArrivalProcess::kPoisson;
  e.max_sessions = sessions;
  return e;
}

}  // namespace agentsim
