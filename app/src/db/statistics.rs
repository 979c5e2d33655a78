//! What the statistics read: the clock's figures of decided cases (kept per case as they are
//! decided), counts of received and open cases, and the applicants' own status look-ups.

use crate::db::queue::OPEN_STATES_SQL;
use crate::db::schema::{cases, decision_figures, status_lookups};
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use crate::domain::local_time::copenhagen_offset_hours;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// The clock's figures of one decided case.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = decision_figures, treat_none_as_null = true)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct DecisionFigures {
    pub case_id: i64,
    pub authority_code: i32,
    pub case_type_code: String,
    pub decided_on: NaiveDate,
    pub total_days: i32,
    pub authority_days: i32,
    pub applicant_days: i32,
    pub goal_days_used: Option<i32>,
    /// `kept`, `missed` or `not_covered`.
    pub goal_status: String,
    /// Why not covered: `no_national_goal`, `decided_before_complete`, or `marked:<reason>`.
    pub not_covered: Option<String>,
}

/// Which cases a statistic covers: one authority, one application type, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub authority_code: Option<i32>,
    pub case_type_code: Option<String>,
}

/// The first UTC moment of a Danish date.
fn danish_midnight(date: NaiveDate) -> NaiveDateTime {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    midnight - TimeDelta::hours(copenhagen_offset_hours(midnight))
}

impl DecisionFigures {
    /// Keeps a case's figures: stores them while it is decided, removes them when it is not
    /// (reopened). In the transaction of the event.
    pub async fn keep(
        conn: &mut Conn,
        case_id: i64,
        figures: Option<&DecisionFigures>,
    ) -> QueryResult<()> {
        match figures {
            Some(figures) => dispatch!(conn, |c| diesel::insert_into(decision_figures::table)
                .values(figures)
                .on_conflict(decision_figures::case_id)
                .do_update()
                .set(figures)
                .execute(c)
                .await),
            None => dispatch!(conn, |c| diesel::delete(
                decision_figures::table.find(case_id)
            )
            .execute(c)
            .await),
        }?;
        Ok(())
    }

    /// Stores many at once (the synthetic generator).
    pub async fn insert_many(conn: &mut Conn, rows: &[DecisionFigures]) -> QueryResult<usize> {
        let mut written = 0;
        for chunk in rows.chunks(1000) {
            written += match conn {
                Conn::Postgres(c) => {
                    diesel::insert_into(decision_figures::table)
                        .values(chunk)
                        .execute(&mut **c)
                        .await?
                }
                Conn::Sqlite(c) => {
                    let mut n = 0;
                    for row in chunk {
                        n += diesel::insert_into(decision_figures::table)
                            .values(row)
                            .execute(&mut **c)
                            .await?;
                    }
                    n
                }
            };
        }
        Ok(written)
    }

    /// The figures of the cases in scope decided between `from` and `to` (Danish dates, both
    /// included).
    pub async fn decided_between(
        conn: &mut Conn,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> QueryResult<Vec<DecisionFigures>> {
        let authority = scope.authority_code;
        let case_type = scope.case_type_code.clone();
        dispatch!(conn, |c| {
            let mut query = decision_figures::table
                .filter(decision_figures::decided_on.between(from, to))
                .select(DecisionFigures::as_select())
                .into_boxed();
            if let Some(code) = authority {
                query = query.filter(decision_figures::authority_code.eq(code));
            }
            if let Some(code) = case_type.clone() {
                query = query.filter(decision_figures::case_type_code.eq(code));
            }
            query.load(c).await
        })
    }
}

/// Counts per (authority, application type).
pub type GroupCounts = Vec<(i32, String, i64)>;

/// Cases in scope submitted between `from` and `to` (Danish dates, both included).
pub async fn received_between(
    conn: &mut Conn,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<GroupCounts> {
    let start = danish_midnight(from);
    let end = danish_midnight(to + TimeDelta::days(1));
    let authority = scope.authority_code;
    let case_type = scope.case_type_code.clone();
    dispatch!(conn, |c| {
        let mut query = cases::table
            .filter(cases::submitted_at.ge(start))
            .filter(cases::submitted_at.lt(end))
            .group_by((cases::authority_code, cases::case_type_code))
            .select((
                cases::authority_code,
                cases::case_type_code,
                diesel::dsl::count_star(),
            ))
            .into_boxed();
        if let Some(code) = authority {
            query = query.filter(cases::authority_code.eq(code));
        }
        if let Some(code) = case_type.clone() {
            query = query.filter(cases::case_type_code.eq(code));
        }
        query.load(c).await
    })
}

/// Cases in scope open now.
pub async fn open_now(conn: &mut Conn, scope: &Scope) -> QueryResult<GroupCounts> {
    let authority = scope.authority_code;
    let case_type = scope.case_type_code.clone();
    dispatch!(conn, |c| {
        let mut query = cases::table
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(OPEN_STATES_SQL))
            .group_by((cases::authority_code, cases::case_type_code))
            .select((
                cases::authority_code,
                cases::case_type_code,
                diesel::dsl::count_star(),
            ))
            .into_boxed();
        if let Some(code) = authority {
            query = query.filter(cases::authority_code.eq(code));
        }
        if let Some(code) = case_type.clone() {
            query = query.filter(cases::case_type_code.eq(code));
        }
        query.load(c).await
    })
}

/// Counts one look-up of a case's status by its applicant (`month` as `YYYY-MM`).
pub async fn count_status_lookup(
    conn: &mut Conn,
    authority_code: i32,
    month: &str,
) -> QueryResult<()> {
    dispatch!(conn, |c| diesel::insert_into(status_lookups::table)
        .values((
            status_lookups::authority_code.eq(authority_code),
            status_lookups::month.eq(month),
            status_lookups::lookups.eq(1_i64),
        ))
        .on_conflict((status_lookups::authority_code, status_lookups::month))
        .do_update()
        .set(status_lookups::lookups.eq(status_lookups::lookups + 1_i64))
        .execute(c)
        .await)?;
    Ok(())
}

/// How many look-ups the authority's applicants made in `month` (`YYYY-MM`).
pub async fn status_lookups_in(
    conn: &mut Conn,
    authority_code: i32,
    month: &str,
) -> QueryResult<i64> {
    dispatch!(conn, |c| status_lookups::table
        .filter(status_lookups::authority_code.eq(authority_code))
        .filter(status_lookups::month.eq(month))
        .select(status_lookups::lookups)
        .first(c)
        .await
        .optional())
    .map(|n| n.unwrap_or(0))
}
