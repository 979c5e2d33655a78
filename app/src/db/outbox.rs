//! The transactional outbox: messages written in the transaction of the event that causes them,
//! and the worker's side of it — take due messages under a lease, then record what happened.

use crate::db::schema::outbox_messages;
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// A message waiting, sent or given up on.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = outbox_messages, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct OutboxMessage {
    pub id: i64,
    pub dedup_key: String,
    pub case_id: Option<i64>,
    pub event_id: Option<i64>,
    pub user_id: Option<i64>,
    pub topic: String,
    pub channel: String,
    pub recipient: String,
    pub language: String,
    /// What the message says, as JSON (`services::notifications::Payload`).
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub leased_until: Option<NaiveDateTime>,
    pub lease_owner: Option<String>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

/// A message to write.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox_messages)]
pub struct NewOutboxMessage<'a> {
    pub dedup_key: &'a str,
    pub case_id: Option<i64>,
    pub event_id: Option<i64>,
    pub user_id: Option<i64>,
    pub topic: &'a str,
    pub channel: &'a str,
    pub recipient: &'a str,
    pub language: &'a str,
    pub payload: &'a str,
    pub status: &'a str,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// Takes due messages: pending, due, and not held by a live lease. PostgreSQL skips rows another
/// worker is taking at this moment (`SKIP LOCKED`), so two instances never take the same one;
/// SQLite has one writer at a time, so the single statement is enough there.
const CLAIM_POSTGRES: &str = "UPDATE outbox_messages \
     SET leased_until = $1, lease_owner = $2, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM outbox_messages \
         WHERE status = 'pending' AND next_attempt_at <= $3 \
           AND (leased_until IS NULL OR leased_until < $3) \
         ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
     RETURNING *";
const CLAIM_SQLITE: &str = "UPDATE outbox_messages \
     SET leased_until = ?1, lease_owner = ?2, attempts = attempts + 1 \
     WHERE id IN (SELECT id FROM outbox_messages \
         WHERE status = 'pending' AND next_attempt_at <= ?3 \
           AND (leased_until IS NULL OR leased_until < ?3) \
         ORDER BY next_attempt_at, id LIMIT ?4) \
     RETURNING *";

impl OutboxMessage {
    /// Writes a message unless one with the same de-duplication key exists; returns whether it
    /// was written. Runs in the caller's transaction.
    pub async fn enqueue(conn: &mut Conn, message: &NewOutboxMessage<'_>) -> QueryResult<bool> {
        let written = dispatch!(conn, |c| diesel::insert_into(outbox_messages::table)
            .values(message)
            .on_conflict(outbox_messages::dedup_key)
            .do_nothing()
            .execute(c)
            .await)?;
        Ok(written > 0)
    }

    /// Leases up to `limit` due messages to `owner` until `leased_until` and counts the attempt.
    pub async fn claim_due(
        conn: &mut Conn,
        owner: &str,
        now: NaiveDateTime,
        leased_until: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<Vec<OutboxMessage>> {
        use diesel::sql_types::{BigInt, Text, Timestamp};
        let mut claimed: Vec<OutboxMessage> = match conn {
            Conn::Postgres(c) => {
                diesel::sql_query(CLAIM_POSTGRES)
                    .bind::<Timestamp, _>(leased_until)
                    .bind::<Text, _>(owner)
                    .bind::<Timestamp, _>(now)
                    .bind::<BigInt, _>(limit)
                    .load(&mut **c)
                    .await?
            }
            Conn::Sqlite(c) => {
                diesel::sql_query(CLAIM_SQLITE)
                    .bind::<Timestamp, _>(leased_until)
                    .bind::<Text, _>(owner)
                    .bind::<Timestamp, _>(now)
                    .bind::<BigInt, _>(limit)
                    .load(&mut **c)
                    .await?
            }
        };
        // RETURNING gives no order; send the oldest first.
        claimed.sort_by_key(|m| (m.next_attempt_at, m.id));
        Ok(claimed)
    }

    /// The message went out. Recorded even if the lease ran out meanwhile: it was sent.
    pub async fn mark_sent(conn: &mut Conn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
        dispatch!(conn, |c| diesel::update(
            outbox_messages::table
                .find(id)
                .filter(outbox_messages::status.eq("pending"))
        )
        .set((
            outbox_messages::status.eq("sent"),
            outbox_messages::sent_at.eq(Some(now)),
            outbox_messages::leased_until.eq(None::<NaiveDateTime>),
            outbox_messages::last_error.eq(None::<String>),
        ))
        .execute(c)
        .await)?;
        Ok(())
    }

    /// Gives leased messages back untried (a worker stopping): free for any worker at once, and
    /// the attempt the lease counted is taken back. Only this owner's pending messages; returns
    /// how many.
    pub async fn release(conn: &mut Conn, ids: &[i64], owner: &str) -> QueryResult<usize> {
        dispatch!(conn, |c| diesel::update(
            outbox_messages::table
                .filter(outbox_messages::id.eq_any(ids))
                .filter(outbox_messages::status.eq("pending"))
                .filter(outbox_messages::lease_owner.eq(owner))
        )
        .set((
            outbox_messages::leased_until.eq(None::<NaiveDateTime>),
            outbox_messages::lease_owner.eq(None::<String>),
            outbox_messages::attempts.eq(outbox_messages::attempts - 1),
        ))
        .execute(c)
        .await)
    }

    /// Sending failed for now: try again at `next_attempt_at`.
    pub async fn schedule_retry(
        conn: &mut Conn,
        id: i64,
        next_attempt_at: NaiveDateTime,
        error: &str,
    ) -> QueryResult<()> {
        dispatch!(conn, |c| diesel::update(
            outbox_messages::table
                .find(id)
                .filter(outbox_messages::status.eq("pending"))
        )
        .set((
            outbox_messages::next_attempt_at.eq(next_attempt_at),
            outbox_messages::leased_until.eq(None::<NaiveDateTime>),
            outbox_messages::lease_owner.eq(None::<String>),
            outbox_messages::last_error.eq(Some(error)),
        ))
        .execute(c)
        .await)?;
        Ok(())
    }

    /// Sending failed for good (refused by the receiver, or too many attempts).
    pub async fn mark_failed(conn: &mut Conn, id: i64, error: &str) -> QueryResult<()> {
        dispatch!(conn, |c| diesel::update(
            outbox_messages::table
                .find(id)
                .filter(outbox_messages::status.eq("pending"))
        )
        .set((
            outbox_messages::status.eq("failed"),
            outbox_messages::leased_until.eq(None::<NaiveDateTime>),
            outbox_messages::last_error.eq(Some(error)),
        ))
        .execute(c)
        .await)?;
        Ok(())
    }

    /// The messages about one case, newest first (the caseworker's view of what reached the
    /// applicant).
    pub async fn for_case(conn: &mut Conn, case_id: i64) -> QueryResult<Vec<OutboxMessage>> {
        dispatch!(conn, |c| outbox_messages::table
            .filter(outbox_messages::case_id.eq(case_id))
            .order((
                outbox_messages::created_at.desc(),
                outbox_messages::id.desc()
            ))
            .select(OutboxMessage::as_select())
            .load(c)
            .await)
    }

    /// The newest messages of all (the demo's outbox page).
    pub async fn latest(conn: &mut Conn, limit: i64) -> QueryResult<Vec<OutboxMessage>> {
        dispatch!(conn, |c| outbox_messages::table
            .order(outbox_messages::id.desc())
            .limit(limit)
            .select(OutboxMessage::as_select())
            .load(c)
            .await)
    }

    /// One message by id.
    pub async fn find(conn: &mut Conn, id: i64) -> QueryResult<Option<OutboxMessage>> {
        dispatch!(conn, |c| outbox_messages::table
            .find(id)
            .select(OutboxMessage::as_select())
            .first(c)
            .await
            .optional())
    }

    /// When this user last asked for this case's status (the rate limit of "send me the status").
    pub async fn last_status_request(
        conn: &mut Conn,
        user_id: i64,
        case_id: i64,
        topic: &str,
    ) -> QueryResult<Option<NaiveDateTime>> {
        dispatch!(conn, |c| outbox_messages::table
            .filter(outbox_messages::user_id.eq(user_id))
            .filter(outbox_messages::case_id.eq(case_id))
            .filter(outbox_messages::topic.eq(topic))
            .select(diesel::dsl::max(outbox_messages::created_at))
            .first(c)
            .await)
    }

    /// How many messages are in each status (tests, operations).
    pub async fn count_by_status(conn: &mut Conn, status: &str) -> QueryResult<i64> {
        dispatch!(conn, |c| outbox_messages::table
            .filter(outbox_messages::status.eq(status))
            .count()
            .get_result(c)
            .await)
    }
}
