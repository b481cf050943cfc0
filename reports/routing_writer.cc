// ReportWriter::WriteRoutingTables: timeline, hot reload propagation, experiments, rollout
// evaluations and comparisons (docs/report-schema.md).
#include <sqlite3.h>

#include <functional>

#include "reports/report_writer.h"
#include "reports/sql_row.h"

namespace agentsim {

Status ReportWriter::WriteRoutingTables(const RoutingTables& t) {
  // Prepares `sql` and calls `bind` for each row of `rows`; `table` names errors.
  auto insert = [&](const char* sql, const char* table, const auto& rows,
                    auto&& bind) -> Status {
    if (rows.empty()) return {};
    auto stmt = sqlite::Prepare(db_.get(), sql, path_);
    if (!stmt) return std::unexpected(std::move(stmt.error()));
    for (const auto& row : rows) {
      SqlRow r(stmt->get());
      bind(r, row);
      if (int rc = r.Step(); rc != SQLITE_DONE) {
        return std::unexpected(
            sqlite::MakeSqliteError(db_.get(), rc, path_, std::string("insert into ") + table));
      }
    }
    return {};
  };
  std::int64_t seq = 0;
  Status s = insert("INSERT INTO timeline_event VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    "timeline_event", t.timeline, [&](SqlRow& r, const TimelineEventRow& e) {
                      r.Int(++seq).Int(e.at_us).Text(e.source).Text(e.kind).Text(e.subject)
                          .Text(e.outcome).Text(e.detail);
                    });
  if (s) {
    s = insert("INSERT INTO config_propagation VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
               "config_propagation", t.propagation, [](SqlRow& r, const PropagationRow& p) {
                 r.Uint(p.sequence).Int(p.worker).Text(p.agent_id).Text(p.version)
                     .Int(p.published_at_us).Int(p.applied_at_us)
                     .OptionalInt(p.first_served_at_us).Uint(p.sessions_notified);
               });
  }
  if (s) {
    s = insert("INSERT INTO experiment_variant VALUES (?1, ?2, ?3, ?4, ?5)", "experiment_variant",
               t.experiment_variants, [](SqlRow& r, const ExperimentVariantRow& v) {
                 r.Text(v.experiment).Int(v.variant).Text(v.agent_id).Real(v.weight)
                     .Int(v.users);
               });
  }
  if (s) {
    s = insert("INSERT INTO experiment_metric VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
               "experiment_metric", t.experiment_metrics,
               [](SqlRow& r, const ExperimentMetricRow& m) {
                 r.Text(m.experiment).Text(m.metric).Int(m.variant).Text(m.kind).Int(m.n)
                     .Real(m.sum).Real(m.sum_squares);
               });
  }
  if (s) {
    s = insert("INSERT INTO experiment_srm VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "experiment_srm",
               t.experiment_srm, [](SqlRow& r, const ExperimentSrmRow& m) {
                 r.Text(m.experiment).Real(m.chi2).Real(m.dof).Real(m.p_value)
                     .Int(m.total_users).Text(m.health);
               });
  }
  if (s) {
    s = insert(
        "INSERT INTO experiment_result VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12, ?13, ?14, ?15, ?16)",
        "experiment_result", t.experiment_results, [](SqlRow& r, const ExperimentResultRow& e) {
          r.Text(e.experiment).Text(e.metric).Int(e.variant).Text(e.kind).Int(e.n_control)
              .Int(e.n_variant).Real(e.control_mean).Real(e.variant_mean).Real(e.abs_effect)
              .Real(e.abs_ci_low).Real(e.abs_ci_high).Real(e.p_value).Real(e.lift)
              .Real(e.lift_ci_low).Real(e.lift_ci_high).Text(e.status);
        });
  }
  if (s) {
    s = insert(
        "INSERT INTO rollout_evaluation VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12, ?13)",
        "rollout_evaluation", t.rollout_evaluations,
        [](SqlRow& r, const RolloutEvaluationRow& e) {
          r.Text(e.rollout_id).Int(e.stage).Int(e.at_us).Int(e.old_outcomes)
              .Real(e.old_fallback_rate).Real(e.old_error_rate).Real(e.old_ttfa_p95_us)
              .Int(e.new_outcomes).Real(e.new_fallback_rate).Real(e.new_error_rate)
              .Real(e.new_ttfa_p95_us).Int(e.passed ? 1 : 0).Text(e.breaches);
        });
  }
  if (s) {
    s = insert(
        "INSERT INTO comparison VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        "comparison", t.comparisons, [](SqlRow& r, const ComparisonRow& c) {
          r.Text(c.metric).Text(c.variant).Text(c.baseline).Int(c.pairs).Real(c.baseline_mean)
              .Real(c.variant_mean).Real(c.mean_diff).Real(c.ci_low).Real(c.ci_high)
              .Real(c.p_value).Text(c.status);
        });
  }
  std::int64_t breaker_seq = 0;
  if (s) {
    s = insert("INSERT INTO breaker_transition VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
               "breaker_transition", t.breaker_transitions,
               [&](SqlRow& r, const BreakerTransitionRow& b) {
                 r.Int(++breaker_seq).Int(b.worker).Text(b.provider).Int(b.at_us)
                     .Text(b.from_state).Text(b.to_state).Text(b.reason);
               });
  }
  std::int64_t fault_seq = 0;
  if (s) {
    s = insert("INSERT INTO injected_fault VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "injected_fault",
               t.injected_faults, [&](SqlRow& r, const InjectedFaultRow& f) {
                 r.Int(++fault_seq).Int(f.at_us).Text(f.backend).Text(f.provider).Text(f.kind)
                     .Text(f.site);
               });
  }
  if (s) {
    s = insert("INSERT INTO chaos_site VALUES (?1, ?2, ?3, ?4)", "chaos_site", t.chaos_sites,
               [&](SqlRow& r, const ChaosSiteRow& c) {
                 r.Text(c.site).Int(c.enabled ? 1 : 0).Int(c.opportunities).Int(c.fired);
               });
  }
  return s;
}

}  // namespace agentsim
