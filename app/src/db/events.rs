//! The case history: append-only events (hændelser), one per change.

use crate::db::schema::case_events;
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use crate::domain::clock::ClockEvent;
use crate::domain::lifecycle::{CaseState, EventKind, Party};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// One stored event of a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = case_events, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct CaseEvent {
    pub id: i64,
    pub case_id: i64,
    pub seq: i32,
    pub kind: String,
    pub actor_kind: String,
    pub actor_user_id: Option<i64>,
    pub actor_label: String,
    pub occurred_at: NaiveDateTime,
    pub state_after: String,
    pub must_act_after: String,
    pub visible_to_applicant: bool,
    pub public_text: Option<String>,
    pub internal_text: Option<String>,
    pub data: String,
    /// When the row was written (see the changes feed); `None` on rows from before it was kept.
    pub recorded_at: Option<NaiveDateTime>,
}

/// An event about to be appended.
#[derive(Debug, Clone, Insertable)]
// NULL rather than DEFAULT for `None`: SQLite has no DEFAULT keyword in multi-row inserts.
#[diesel(table_name = case_events, treat_none_as_default_value = false)]
pub struct NewCaseEvent<'a> {
    pub case_id: i64,
    pub seq: i32,
    pub kind: &'a str,
    pub actor_kind: &'a str,
    pub actor_user_id: Option<i64>,
    pub actor_label: &'a str,
    pub occurred_at: NaiveDateTime,
    pub state_after: &'a str,
    pub must_act_after: &'a str,
    pub visible_to_applicant: bool,
    pub public_text: Option<&'a str>,
    pub internal_text: Option<&'a str>,
    pub data: &'a str,
}

impl CaseEvent {
    /// Appends an event. The `(case_id, seq)` unique constraint refuses a second writer that
    /// read the same version of the case. The row is stamped with the time it was written.
    pub async fn append(conn: &mut Conn, event: &NewCaseEvent<'_>) -> QueryResult<CaseEvent> {
        let recorded_at = crate::state::now_utc();
        dispatch!(conn, |c| diesel::insert_into(case_events::table)
            .values((event, case_events::recorded_at.eq(recorded_at)))
            .returning(CaseEvent::as_returning())
            .get_result(c)
            .await)
    }

    /// Appends many events at once (the synthetic data generator); see
    /// [`Case::insert_bulk`](crate::db::cases::Case::insert_bulk) for why SQLite goes row by row.
    pub async fn append_many(conn: &mut Conn, events: &[NewCaseEvent<'_>]) -> QueryResult<usize> {
        match conn {
            Conn::Postgres(c) => {
                diesel::insert_into(case_events::table)
                    .values(events)
                    .execute(&mut **c)
                    .await
            }
            Conn::Sqlite(c) => {
                for event in events {
                    diesel::insert_into(case_events::table)
                        .values(event)
                        .execute(&mut **c)
                        .await?;
                }
                Ok(events.len())
            }
        }
    }

    /// The whole history of a case, oldest first.
    pub async fn for_case(conn: &mut Conn, case_id: i64) -> QueryResult<Vec<CaseEvent>> {
        dispatch!(conn, |c| case_events::table
            .filter(case_events::case_id.eq(case_id))
            .order(case_events::seq)
            .select(CaseEvent::as_select())
            .load(c)
            .await)
    }

    /// The changes feed of one authority: events after the cursor `after_id`, oldest first, with
    /// their case's reference. Events of drafts (invisible to the authority) are left out.
    ///
    /// Only events written at or before `settled_before` are handed out, and the page stops at
    /// the first younger one: event ids are taken when a row is inserted but become visible when
    /// its transaction commits, so a young id may still have an older, uncommitted neighbour below
    /// it — handing it out would move the cursor past that neighbour for good.
    pub async fn changes_for_authority(
        conn: &mut Conn,
        authority_code: i32,
        after_id: i64,
        settled_before: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<Vec<(CaseEvent, String)>> {
        use crate::db::schema::cases;
        let rows: Vec<(CaseEvent, Option<String>)> = dispatch!(conn, |c| case_events::table
            .inner_join(cases::table)
            .filter(cases::authority_code.eq(authority_code))
            .filter(case_events::id.gt(after_id))
            .filter(case_events::state_after.ne("draft"))
            .order(case_events::id)
            .limit(limit)
            .select((CaseEvent::as_select(), cases::reference))
            .load(c)
            .await)?;
        Ok(rows
            .into_iter()
            .take_while(|(event, _)| event.recorded_at.is_none_or(|at| at <= settled_before))
            .filter_map(|(event, reference)| reference.map(|r| (event, r)))
            .collect())
    }

    /// The event kind, if it is one this version knows.
    pub fn event_kind(&self) -> Option<EventKind> {
        EventKind::parse(&self.kind)
    }

    /// The state the case was in after this event.
    pub fn state(&self) -> Option<CaseState> {
        CaseState::parse(&self.state_after)
    }

    /// Who had to act after this event.
    pub fn must_act(&self) -> Option<Party> {
        Party::parse(&self.must_act_after)
    }

    /// The history as the responsibility clock reads it (unknown kinds are skipped).
    pub fn clock_events(history: &[CaseEvent]) -> Vec<ClockEvent> {
        history
            .iter()
            .filter_map(|e| {
                e.event_kind().map(|kind| ClockEvent {
                    at: e.occurred_at,
                    kind,
                })
            })
            .collect()
    }
}
