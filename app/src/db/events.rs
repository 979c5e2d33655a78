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
    /// The PostgreSQL transaction that wrote the row (0 on SQLite); the changes feed's order.
    pub writer_xid: i64,
    /// The case's authority (copied for the changes feed's index).
    pub authority_code: i32,
}

/// A position in the changes feed: the writing transaction, then the event id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct FeedPosition {
    pub writer_xid: i64,
    pub event_id: i64,
}

impl FeedPosition {
    /// The cursor a client sees: `{writer_xid}-{event_id}` (`0` is the start).
    pub fn to_cursor(self) -> String {
        format!("{}-{}", self.writer_xid, self.event_id)
    }

    /// A cursor this feed gave out, or `0` for the start.
    pub fn parse_cursor(text: &str) -> Option<FeedPosition> {
        let text = text.trim();
        if text.is_empty() || text == "0" {
            return Some(FeedPosition::default());
        }
        let (xid, id) = text.split_once('-')?;
        let parse = |part: &str| part.parse::<i64>().ok().filter(|n| *n >= 0);
        Some(FeedPosition {
            writer_xid: parse(xid)?,
            event_id: parse(id)?,
        })
    }
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
    pub authority_code: i32,
}

impl CaseEvent {
    /// Appends an event. The `(case_id, seq)` unique constraint refuses a second writer that
    /// read the same version of the case.
    pub async fn append(conn: &mut Conn, event: &NewCaseEvent<'_>) -> QueryResult<CaseEvent> {
        dispatch!(conn, |c| diesel::insert_into(case_events::table)
            .values(event)
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

    /// When the case's latest event happened (the one with the highest sequence number).
    pub async fn latest_at(conn: &mut Conn, case_id: i64) -> QueryResult<Option<NaiveDateTime>> {
        dispatch!(conn, |c| case_events::table
            .filter(case_events::case_id.eq(case_id))
            .order(case_events::seq.desc())
            .select(case_events::occurred_at)
            .first(c)
            .await
            .optional())
    }

    /// The changes feed of one authority: events after `after`, in feed order, with their case's
    /// reference. Events of drafts (invisible to the authority) are left out.
    ///
    /// On PostgreSQL an event id is taken at insert but the row becomes visible at commit, so a
    /// lower id can appear after a higher one was handed out. The feed therefore orders by the
    /// writing transaction, then id, and hands out only events of transactions that had all
    /// finished when the page was read (below the snapshot's `xmin`): no later commit can land
    /// below a position already given out. SQLite has one writer at a time and commits in id
    /// order; its `writer_xid` is always 0.
    pub async fn changes_for_authority(
        conn: &mut Conn,
        authority_code: i32,
        after: FeedPosition,
        limit: i64,
    ) -> QueryResult<Vec<(CaseEvent, String)>> {
        use crate::db::schema::cases;
        use diesel::sql_types::BigInt;
        let rows: Vec<(CaseEvent, Option<String>)> = match conn {
            Conn::Postgres(c) => {
                let all_finished_below: i64 = diesel::select(diesel::dsl::sql::<BigInt>(
                    "pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
                ))
                .get_result(&mut **c)
                .await?;
                case_events::table
                    .inner_join(cases::table)
                    .filter(case_events::authority_code.eq(authority_code))
                    .filter(case_events::writer_xid.ge(after.writer_xid))
                    .filter(case_events::writer_xid.lt(all_finished_below))
                    .filter(
                        case_events::writer_xid
                            .gt(after.writer_xid)
                            .or(case_events::writer_xid
                                .eq(after.writer_xid)
                                .and(case_events::id.gt(after.event_id))),
                    )
                    .filter(case_events::state_after.ne("draft"))
                    .order((case_events::writer_xid, case_events::id))
                    .limit(limit)
                    .select((CaseEvent::as_select(), cases::reference))
                    .load(&mut **c)
                    .await?
            }
            // Every writer_xid is 0 here and commits come in id order.
            Conn::Sqlite(c) => {
                case_events::table
                    .inner_join(cases::table)
                    .filter(case_events::authority_code.eq(authority_code))
                    .filter(case_events::writer_xid.eq(0))
                    .filter(case_events::id.gt(after.event_id))
                    .filter(case_events::state_after.ne("draft"))
                    .order(case_events::id)
                    .limit(limit)
                    .select((CaseEvent::as_select(), cases::reference))
                    .load(&mut **c)
                    .await?
            }
        };
        Ok(rows
            .into_iter()
            .filter_map(|(event, reference)| reference.map(|r| (event, r)))
            .collect())
    }

    /// This event's position in the changes feed.
    pub fn feed_position(&self) -> FeedPosition {
        FeedPosition {
            writer_xid: self.writer_xid,
            event_id: self.id,
        }
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
