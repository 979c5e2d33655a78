//! The caseworker's queue: one authority's cases, filtered, searched, sorted and paged in the
//! database, with counts per state.

use crate::db::cases::Case;
use crate::db::schema::cases;
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use crate::domain::clock::at_risk_threshold;
use crate::domain::lifecycle::{CaseState, Phase};
use chrono::{Days, NaiveDate};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

diesel::define_sql_function!(fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Cases per page.
pub const PAGE_SIZE: i64 = 25;

/// Which states to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateFilter {
    /// Every state that still needs work (the default).
    Open,
    All,
    One(CaseState),
}

/// Whose cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    Anyone,
    Me(i64),
    Unassigned,
}

/// Where the cases stand against the service goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalFilter {
    Any,
    /// Open, with the authority, and within the at-risk margin of the goal (or past it).
    AtRisk,
    /// Open, with the authority, and past the expected date.
    Missed,
}

/// The sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueSort {
    /// Expected decision date, earliest first (the default): what is most urgent on top.
    Expected,
    /// Received, oldest first.
    Received,
}

/// Everything the queue is asked.
#[derive(Debug, Clone)]
pub struct QueueQuery {
    pub authority_code: i32,
    pub state: StateFilter,
    pub case_type: Option<String>,
    pub assignee: AssigneeFilter,
    pub goal: GoalFilter,
    pub phase: Option<Phase>,
    pub search: Option<String>,
    pub sort: QueueSort,
    /// 1-based.
    pub page: i64,
}

/// One page of the queue.
#[derive(Debug, Clone)]
pub struct QueuePage {
    pub cases: Vec<Case>,
    /// How many cases match the filters in all.
    pub total: i64,
    /// How many of the authority's cases are in each state (for the state filter's labels).
    pub state_counts: Vec<(String, i64)>,
}

/// The filter for the states that still need work, as literal SQL rather than bound values: the
/// queue's partial indexes (migration `access_log`) carry exactly this text as their `WHERE`, and
/// a database can use a partial index only when it sees the query imply it.
pub const OPEN_STATES_SQL: &str =
    "state IN ('submitted', 'registered', 'in_progress', 'awaiting_applicant', 'hearing')";

/// Expected-date order with the cases that have no expected date last, on both databases alike
/// (they put NULL at opposite ends by default). Written as the very expression of the
/// `cases_by_expected` index of each backend, so the queue walks that index and stops after one
/// page even across an authority's 100,000 cases.
pub const EXPECTED_ORDER_POSTGRES: &str =
    "COALESCE(expected_decision_on, DATE '9999-12-31') ASC, id ASC";
/// SQLite stores dates as `YYYY-MM-DD` text.
pub const EXPECTED_ORDER_SQLITE: &str = "COALESCE(expected_decision_on, '9999-12-31') ASC, id ASC";

fn open_states() -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql::<diesel::sql_types::Bool>(OPEN_STATES_SQL)
}

/// The service goals' at-risk margins: (category, the last expected date that counts as at risk
/// today).
pub type RiskMargins = Vec<(String, NaiveDate)>;

/// The at-risk margins of each service goal as of `today` (see [`at_risk_threshold`]).
pub fn risk_margins(goals: &[(String, i32)], today: NaiveDate) -> RiskMargins {
    goals
        .iter()
        .map(|(category, days)| {
            let margin = at_risk_threshold(u32::try_from(*days).unwrap_or(0));
            let until = today
                .checked_add_days(Days::new(u64::try_from(margin).unwrap_or(0)))
                .unwrap_or(today);
            (category.clone(), until)
        })
        .collect()
}

/// Builds the filtered query inside each backend's arm (a boxed query is tied to one backend).
macro_rules! filtered_cases {
    ($query:expr, $q:expr, $today:expr, $margins:expr) => {{
        let q: &QueueQuery = $q;
        // Drafts are the applicant's alone; every filter keeps to indexed columns where it can.
        let mut query = $query.filter(cases::authority_code.eq(q.authority_code));
        query = match &q.state {
            StateFilter::Open => query.filter(open_states()),
            StateFilter::All => query.filter(cases::state.ne(CaseState::Draft.as_str())),
            StateFilter::One(state) => query.filter(cases::state.eq(state.as_str())),
        };
        if let Some(case_type) = &q.case_type {
            query = query.filter(cases::case_type_code.eq(case_type.clone()));
        }
        query = match q.assignee {
            AssigneeFilter::Anyone => query,
            AssigneeFilter::Me(id) => query.filter(cases::assignee_user_id.eq(id)),
            AssigneeFilter::Unassigned => query.filter(cases::assignee_user_id.is_null()),
        };
        if q.goal != GoalFilter::Any {
            query = query
                .filter(open_states())
                .filter(cases::must_act.eq("authority"))
                .filter(cases::declared_complete.eq(true))
                .filter(cases::not_covered_reason.is_null());
            query = match q.goal {
                GoalFilter::Missed => query.filter(cases::expected_decision_on.lt($today)),
                _ => {
                    // At risk: the expected date falls within this goal's margin from today.
                    let margins: &RiskMargins = $margins;
                    let mut at_risk: Box<
                        dyn BoxableExpression<cases::table, _, SqlType = diesel::sql_types::Bool>,
                    > = Box::new(diesel::dsl::sql::<diesel::sql_types::Bool>("1 = 0"));
                    for (category, until) in margins {
                        at_risk = Box::new(
                            at_risk.or(cases::service_goal_category
                                .eq(category.clone())
                                .and(cases::expected_decision_on.le(*until))
                                .assume_not_null()),
                        );
                    }
                    query.filter(at_risk)
                }
            };
        }
        if let Some(phase) = q.phase {
            query = match phase {
                Phase::Received => query.filter(cases::state.eq("submitted")),
                Phase::Registered | Phase::Screening => query.filter(
                    cases::state.eq("registered").or(cases::state
                        .eq("awaiting_applicant")
                        .and(cases::declared_complete.eq(false))),
                ),
                Phase::Processing => query.filter(
                    cases::state
                        .eq_any(["in_progress", "hearing"])
                        .or(cases::state
                            .eq("awaiting_applicant")
                            .and(cases::declared_complete.eq(true))),
                ),
                Phase::Decided => query.filter(cases::state.eq_any(["decided", "closed"])),
            };
        }
        if let Some(search) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            query = match crate::domain::reference::CaseReference::parse(search) {
                Ok(reference) => query.filter(cases::reference.eq(reference.to_string())),
                Err(_) if search.len() == 8 && search.bytes().all(|b| b.is_ascii_digit()) => query
                    .filter(
                        cases::applicant_cvr
                            .eq(search.to_string())
                            .or(cases::esdh_number.eq(search.to_string()).assume_not_null()),
                    ),
                Err(_) => {
                    // `%` and `_` typed in the search are characters, not wildcards.
                    let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
                    query.filter(
                        lower(cases::property_address)
                            .like(pattern.clone())
                            .escape('\\')
                            .or(lower(cases::applicant_name)
                                .like(pattern.clone())
                                .escape('\\'))
                            .or(lower(cases::title).like(pattern).escape('\\'))
                            .or(cases::esdh_number.eq(search.to_string()).assume_not_null()),
                    )
                }
            };
        }
        query
    }};
}

impl QueueQuery {
    /// One page of the queue, the number of matches, and the counts per state.
    pub async fn run(
        &self,
        conn: &mut Conn,
        today: NaiveDate,
        goals: &[(String, i32)],
    ) -> QueryResult<QueuePage> {
        let margins = risk_margins(goals, today);
        let offset = (self.page.max(1) - 1) * PAGE_SIZE;
        let by_expected = match conn {
            Conn::Postgres(_) => EXPECTED_ORDER_POSTGRES,
            Conn::Sqlite(_) => EXPECTED_ORDER_SQLITE,
        };
        let cases: Vec<Case> = dispatch!(conn, |c| {
            let query = filtered_cases!(
                cases::table.select(Case::as_select()).into_boxed(),
                self,
                today,
                &margins
            );
            let query = match self.sort {
                QueueSort::Expected => {
                    query.order(diesel::dsl::sql::<diesel::sql_types::Bool>(by_expected))
                }
                QueueSort::Received => query.order((cases::submitted_at.asc(), cases::id.asc())),
            };
            query.limit(PAGE_SIZE).offset(offset).load(c).await
        })?;
        let total: i64 = dispatch!(conn, |c| {
            filtered_cases!(
                cases::table.select(diesel::dsl::count_star()).into_boxed(),
                self,
                today,
                &margins
            )
            .get_result(c)
            .await
        })?;
        // Counted from the (authority, state, …) index alone; drafts are left out afterwards.
        let mut state_counts: Vec<(String, i64)> = dispatch!(conn, |c| cases::table
            .filter(cases::authority_code.eq(self.authority_code))
            .group_by(cases::state)
            .select((cases::state, diesel::dsl::count_star()))
            .load(c)
            .await)?;
        state_counts.retain(|(state, _)| state != CaseState::Draft.as_str());
        Ok(QueuePage {
            cases,
            total,
            state_counts,
        })
    }
}

/// Escapes the wildcards of a `LIKE` pattern (`%`, `_`) and the escape character itself, so a
/// search for `50%` finds "50%" and `%` alone finds only what holds a `%`.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::OPEN_STATES_SQL;
    use crate::domain::lifecycle::CaseState;

    #[test]
    fn the_literal_open_filter_names_exactly_the_open_states() {
        for state in CaseState::ALL {
            let named = OPEN_STATES_SQL.contains(&format!("'{}'", state.as_str()));
            assert_eq!(
                named,
                state.is_open() && state != CaseState::Draft,
                "{state:?}"
            );
        }
    }

    #[test]
    fn the_expected_date_indexes_carry_the_same_expression() {
        for (migration, order) in [
            (
                include_str!("../../../migrations/postgres/2026-11-27-000004_access_log/up.sql"),
                super::EXPECTED_ORDER_POSTGRES,
            ),
            (
                include_str!("../../../migrations/sqlite/2026-11-27-000004_access_log/up.sql"),
                super::EXPECTED_ORDER_SQLITE,
            ),
        ] {
            let expression = order.trim_end_matches(" ASC, id ASC");
            assert!(
                migration.contains(&format!("(authority_code, {expression}, id)")),
                "{expression}"
            );
        }
    }

    #[test]
    fn the_partial_indexes_carry_the_same_filter() {
        for migration in [
            include_str!("../../../migrations/postgres/2026-11-27-000004_access_log/up.sql"),
            include_str!("../../../migrations/sqlite/2026-11-27-000004_access_log/up.sql"),
        ] {
            assert_eq!(
                migration
                    .matches(&format!("WHERE {OPEN_STATES_SQL};"))
                    .count(),
                2
            );
        }
    }
}
