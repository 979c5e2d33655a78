//! The first answers to API requests that carried an `Idempotency-Key`, so a retry gets the same
//! answer and changes nothing.

use crate::db::schema::idempotency_records;
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// How long an answer is kept for a retry: long enough for a case system to retry through a
/// weekend's outage; after that the same key counts as a new request.
pub const KEPT_FOR: TimeDelta = TimeDelta::days(7);

/// A stored answer.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_records, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct IdempotencyRecord {
    pub client_id: i64,
    pub idempotency_key: String,
    /// Hex SHA-256 of method, path and body of the first request.
    pub request_sha256: String,
    pub status_code: i32,
    pub response_body: String,
    pub etag: Option<String>,
    pub location: Option<String>,
    pub created_at: NaiveDateTime,
}

impl IdempotencyRecord {
    /// The answer stored under this client's key, if any.
    pub async fn find(
        conn: &mut Conn,
        client_id: i64,
        key: &str,
    ) -> QueryResult<Option<IdempotencyRecord>> {
        dispatch!(conn, |c| idempotency_records::table
            .find((client_id, key))
            .select(IdempotencyRecord::as_select())
            .first(c)
            .await
            .optional())
    }

    /// Stores an answer. A unique violation means another request with the same key got there
    /// first (its transaction committed while this one ran).
    pub async fn insert(conn: &mut Conn, record: &IdempotencyRecord) -> QueryResult<()> {
        dispatch!(conn, |c| diesel::insert_into(idempotency_records::table)
            .values(record)
            .execute(c)
            .await)?;
        Ok(())
    }

    /// Forgets the answers kept since before `cutoff`; a key older than that counts as new.
    /// Returns how many were removed.
    pub async fn delete_created_before(
        conn: &mut Conn,
        cutoff: NaiveDateTime,
    ) -> QueryResult<usize> {
        dispatch!(conn, |c| diesel::delete(
            idempotency_records::table.filter(idempotency_records::created_at.lt(cutoff))
        )
        .execute(c)
        .await)
    }
}
