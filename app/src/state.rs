//! What every request handler and page can reach: the database and how the process runs.

use crate::authorization::RunMode;
use crate::db::Database;

/// Shared by the axum router and provided to Leptos as context.
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub mode: RunMode,
}

impl AppState {
    /// The state as a Leptos page or server function sees it.
    pub fn from_context() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>()
            .ok_or_else(|| crate::error::AppError::internal("context", &"AppState missing"))
    }
}

/// The current time as the database stores it: UTC, truncated to whole microseconds so that
/// PostgreSQL and SQLite store and return the same value.
pub fn now_utc() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::microseconds(1)).unwrap_or(now)
}
