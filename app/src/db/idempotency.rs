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

    /// Claims a key for the request that runs in the caller's transaction, before it does its
    /// work: writes the row with an empty answer unless the key has one. `false` means another
    /// request has the key — and by then its answer is committed: PostgreSQL makes the insert
    /// wait while the other transaction holds the same key, SQLite has one writer at a time.
    /// The caller fills the answer in with [`IdempotencyRecord::keep_answer`] in the same
    /// transaction, so no one ever reads an empty one.
    pub async fn claim(conn: &mut Conn, record: &IdempotencyRecord) -> QueryResult<bool> {
        let written = dispatch!(conn, |c| diesel::insert_into(idempotency_records::table)
            .values(record)
            .on_conflict((
                idempotency_records::client_id,
                idempotency_records::idempotency_key,
            ))
            .do_nothing()
            .execute(c)
            .await)?;
        Ok(written == 1)
    }

    /// Writes the answer of a claimed key.
    pub async fn keep_answer(conn: &mut Conn, record: &IdempotencyRecord) -> QueryResult<()> {
        dispatch!(conn, |c| diesel::update(
            idempotency_records::table.find((record.client_id, record.idempotency_key.as_str()))
        )
        .set((
            idempotency_records::status_code.eq(record.status_code),
            idempotency_records::response_body.eq(&record.response_body),
            idempotency_records::etag.eq(&record.etag),
            idempotency_records::location.eq(&record.location),
        ))
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
