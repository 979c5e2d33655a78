//! The session store: tower-sessions records kept in the `web_sessions` table, so sessions
//! survive restarts and are shared by every server instance.

use crate::db::schema::web_sessions;
use crate::db::{Database, DbError};
use crate::dispatch;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// Sessions in Sagsspor's own database.
#[derive(Clone)]
pub struct DatabaseSessionStore {
    db: Database,
}

impl std::fmt::Debug for DatabaseSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSessionStore")
            .finish_non_exhaustive()
    }
}

impl DatabaseSessionStore {
    /// A store over this database.
    pub fn new(db: Database) -> Self {
        DatabaseSessionStore { db }
    }

    /// Removes expired sessions; returns how many.
    pub async fn delete_expired(&self, now: NaiveDateTime) -> Result<usize, DbError> {
        let mut conn = self.db.conn().await?;
        dispatch!(&mut conn, |c| diesel::delete(
            web_sessions::table.filter(web_sessions::expires_at.lt(now))
        )
        .execute(c)
        .await)
    }
}

fn backend(error: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

/// tower-sessions speaks `time`; the database speaks chrono in UTC.
fn to_naive(at: OffsetDateTime) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond())
        .map(|t| t.naive_utc())
        .unwrap_or_default()
}

fn to_offset(at: NaiveDateTime) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(at.and_utc().timestamp())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

#[async_trait::async_trait]
impl SessionStore for DatabaseSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // A fresh random id that collides with a stored one gets another.
        let mut conn = self.db.conn().await.map_err(backend)?;
        loop {
            let data = serde_json::to_string(&record.data)
                .map_err(|e| session_store::Error::Encode(e.to_string()))?;
            let row = (
                web_sessions::id.eq(record.id.to_string()),
                web_sessions::data.eq(data),
                web_sessions::expires_at.eq(to_naive(record.expiry_date)),
            );
            let inserted = dispatch!(&mut conn, |c| diesel::insert_into(web_sessions::table)
                .values(row.clone())
                .on_conflict_do_nothing()
                .execute(c)
                .await)
            .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let mut conn = self.db.conn().await.map_err(backend)?;
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let expires = to_naive(record.expiry_date);
        let id = record.id.to_string();
        dispatch!(&mut conn, |c| diesel::insert_into(web_sessions::table)
            .values((
                web_sessions::id.eq(&id),
                web_sessions::data.eq(&data),
                web_sessions::expires_at.eq(expires)
            ))
            .on_conflict(web_sessions::id)
            .do_update()
            .set((
                web_sessions::data.eq(&data),
                web_sessions::expires_at.eq(expires)
            ))
            .execute(c)
            .await)
        .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let mut conn = self.db.conn().await.map_err(backend)?;
        let now = chrono::Utc::now().naive_utc();
        let key = id.to_string();
        let row: Option<(String, NaiveDateTime)> = dispatch!(&mut conn, |c| web_sessions::table
            .filter(web_sessions::id.eq(&key))
            .filter(web_sessions::expires_at.gt(now))
            .select((web_sessions::data, web_sessions::expires_at))
            .first(c)
            .await
            .optional())
        .map_err(backend)?;
        let Some((data, expires)) = row else {
            return Ok(None);
        };
        let data =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: to_offset(expires),
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let mut conn = self.db.conn().await.map_err(backend)?;
        let key = id.to_string();
        dispatch!(&mut conn, |c| diesel::delete(
            web_sessions::table.filter(web_sessions::id.eq(&key))
        )
        .execute(c)
        .await)
        .map_err(backend)?;
        Ok(())
    }
}
