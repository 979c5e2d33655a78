//! The hourly cleanup: expired sessions, the API's kept answers past their time, and stored
//! files no document refers to.

use app::db::sessions::DatabaseSessionStore;
use app::services::document_store::DocumentStore;

/// Once an hour deletes expired sessions and the API's kept answers older than
/// [`app::db::idempotency::KEPT_FOR`], so both tables hold only what can still be used, and
/// sweeps the document store of files no document refers to. Every instance may run it; the
/// deletes are idempotent.
pub fn spawn_hourly_cleanup(db: app::db::Database, documents: DocumentStore) {
    tokio::spawn(async move {
        let sessions = DatabaseSessionStore::new(db.clone());
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            let now = app::state::now_utc();
            match sessions.delete_expired(now).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "expired sessions deleted"),
                Err(error) => tracing::warn!(%error, "could not delete expired sessions"),
            }
            match forget_old_idempotency_answers(&db, now).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "old idempotency answers deleted"),
                Err(error) => tracing::warn!(%error, "could not delete old idempotency answers"),
            }
            match sweep_orphan_documents(&db, &documents, now).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "unreferenced stored files removed"),
                Err(error) => tracing::warn!(%error, "could not sweep the document store"),
            }
        }
    });
}

/// How old a stored file no document refers to must be before the sweep removes it: older than
/// any upload's transaction, so a file just stored for a row not yet committed stays.
pub const ORPHAN_DOCUMENT_AGE: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// Removes the stored files that no document refers to (left by a transaction that failed after
/// storing, or by an attachment taken off a draft) and abandoned uploads, when older than
/// [`ORPHAN_DOCUMENT_AGE`]; returns how many.
pub async fn sweep_orphan_documents(
    db: &app::db::Database,
    documents: &DocumentStore,
    now: chrono::NaiveDateTime,
) -> Result<usize, app::services::document_store::StoreError> {
    documents.sweep(db, now - ORPHAN_DOCUMENT_AGE).await
}

/// Deletes the kept API answers that are past their time; returns how many.
pub async fn forget_old_idempotency_answers(
    db: &app::db::Database,
    now: chrono::NaiveDateTime,
) -> app::db::QueryResult<usize> {
    let mut conn = db.conn().await?;
    let cutoff = now - app::db::idempotency::KEPT_FOR;
    app::db::idempotency::IdempotencyRecord::delete_created_before(&mut conn, cutoff).await
}
