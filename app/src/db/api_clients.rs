//! Machine clients of the integration API: one authority's case system (ESDH) each, known by a
//! secret of which only a hash is kept.

use crate::db::schema::api_clients;
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// A registered client.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = api_clients, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct ApiClient {
    pub id: i64,
    /// The only authority whose cases the client may read and change.
    pub authority_code: i32,
    pub name: String,
    /// Hex SHA-256 of the whole bearer token.
    pub secret_sha256: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = api_clients)]
struct NewApiClient<'a> {
    authority_code: i32,
    name: &'a str,
    secret_sha256: &'a str,
    created_at: NaiveDateTime,
}

impl ApiClient {
    /// Registers a client with a placeholder hash; the caller sets the real one with
    /// [`ApiClient::set_secret_hash`] once the id (part of the token) is known.
    pub async fn create(
        conn: &mut Conn,
        authority_code: i32,
        name: &str,
        at: NaiveDateTime,
    ) -> QueryResult<ApiClient> {
        let new = NewApiClient {
            authority_code,
            name,
            secret_sha256: "",
            created_at: at,
        };
        dispatch!(conn, |c| diesel::insert_into(api_clients::table)
            .values(&new)
            .returning(ApiClient::as_returning())
            .get_result(c)
            .await)
    }

    /// Stores the hash of the client's token.
    pub async fn set_secret_hash(conn: &mut Conn, id: i64, sha256_hex: &str) -> QueryResult<()> {
        dispatch!(conn, |c| diesel::update(api_clients::table.find(id))
            .set(api_clients::secret_sha256.eq(sha256_hex))
            .execute(c)
            .await)?;
        Ok(())
    }

    /// The client with this id, revoked or not.
    pub async fn find(conn: &mut Conn, id: i64) -> QueryResult<Option<ApiClient>> {
        dispatch!(conn, |c| api_clients::table
            .find(id)
            .select(ApiClient::as_select())
            .first(c)
            .await
            .optional())
    }

    /// Every client, oldest first.
    pub async fn all(conn: &mut Conn) -> QueryResult<Vec<ApiClient>> {
        dispatch!(conn, |c| api_clients::table
            .order(api_clients::id)
            .select(ApiClient::as_select())
            .load(c)
            .await)
    }

    /// Revokes a client from now on; `false` when there is no such client or it was revoked.
    pub async fn revoke(conn: &mut Conn, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
        let changed = dispatch!(conn, |c| diesel::update(
            api_clients::table
                .find(id)
                .filter(api_clients::revoked_at.is_null())
        )
        .set(api_clients::revoked_at.eq(at))
        .execute(c)
        .await)?;
        Ok(changed == 1)
    }

    /// How often a client's last use is written down.
    pub const LAST_USE_EVERY: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

    /// Whether the stored last use is old enough to be written again at `now` (checked on the
    /// row in memory, so most requests write nothing).
    pub fn last_use_is_stale(client: &ApiClient, now: NaiveDateTime) -> bool {
        client
            .last_used_at
            .is_none_or(|at| at < now - Self::LAST_USE_EVERY)
    }

    /// Notes that the client was seen, at most once a minute (a write per call would be waste).
    pub async fn touch(conn: &mut Conn, id: i64, at: NaiveDateTime) -> QueryResult<()> {
        let a_minute_ago = at - Self::LAST_USE_EVERY;
        dispatch!(conn, |c| diesel::update(
            api_clients::table.find(id).filter(
                api_clients::last_used_at
                    .is_null()
                    .or(api_clients::last_used_at.lt(a_minute_ago))
            )
        )
        .set(api_clients::last_used_at.eq(at))
        .execute(c)
        .await)?;
        Ok(())
    }
}
