#include "sim/workload/rate_profile.h"

#include <algorithm>
#include <cmath>

namespace agentsim {

RateProfile::RateProfile(double start_rate, Micros time_unit_us,
                         const std::vector<RateStage>& stages)
    : time_unit_us_(static_cast<double>(time_unit_us)), start_rate_(start_rate) {
  double from = start_rate;
  double area_before = 0;
  for (const RateStage& stage : stages) {
    const double d = static_cast<double>(stage.duration_us);
    const double area = d * (from + stage.target) / (2 * time_unit_us_);
    segments_.push_back(Segment{end_us_, stage.duration_us, from, stage.target, area_before, area});
    area_before += area;
    end_us_ += stage.duration_us;
    from = stage.target;
  }
}

double RateProfile::total() const {
  return segments_.empty() ? 0.0 : segments_.back().area_before + segments_.back().area;
}

double RateProfile::AreaBefore(Micros t) const {
  double area = 0;
  for (const Segment& s : segments_) {
    if (t >= s.start_us + s.duration_us) {
      area = s.area_before + s.area;
      continue;
    }
    if (t <= s.start_us) break;
    const double x = static_cast<double>(t - s.start_us);
    const double d = static_cast<double>(s.duration_us);
    return s.area_before + x * (s.from_rate + (s.to_rate - s.from_rate) * x / (2 * d)) / time_unit_us_;
  }
  return area;
}

std::optional<double> RateProfile::InstantOfArea(double area) const {
  for (const Segment& s : segments_) {
    // As k6: an arrival whose count equals a stage's end belongs to that stage.
    if (s.area <= 0 || area > s.area_before + s.area) continue;
    const double n = area - s.area_before;
    const double a = s.from_rate;
    const double b = s.to_rate;
    const double u = time_unit_us_;
    const double d = static_cast<double>(s.duration_us);
    // Rounding may make the discriminant slightly negative when b < a at the stage's end.
    const double discriminant = std::max(0.0, a * a + 2 * n * (b - a) * u / d);
    const double x = 2 * n * u / (a + std::sqrt(discriminant));
    return static_cast<double>(s.start_us) + std::min(x, d);
  }
  return std::nullopt;
}

double RateProfile::RateAt(Micros t) const {
  if (t < 0) return start_rate_;
  for (const Segment& s : segments_) {
    if (t >= s.start_us + s.duration_us) continue;
    const double x = static_cast<double>(t - s.start_us);
    return s.from_rate + (s.to_rate - s.from_rate) * x / static_cast<double>(s.duration_us);
  }
  return 0.0;
}

}  // namespace agentsim
