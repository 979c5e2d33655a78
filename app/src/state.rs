//! What every request handler and page can reach: the database and how the process runs.

use crate::authorization::RunMode;
use crate::db::Database;
use crate::services::document_store::{DocumentStore, DEFAULT_MAX_UPLOAD_BYTES};

/// Shared by the axum router and provided to Leptos as context.
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub mode: RunMode,
    /// Whether an OpenID provider for applicants is configured (the demo then offers both its
    /// persona login and the real one).
    pub applicant_oidc: bool,
    /// The origins of the configured login providers (allowed as form targets, for logout).
    pub login_origins: Vec<String>,
    /// Where documents' bytes are kept, and how large a file may be.
    pub documents: DocumentStore,
}

impl AppState {
    /// The state of a process without an OpenID provider (tests, and the demo by default), with
    /// documents in a directory of the system's temporary directory until
    /// [`AppState::with_documents`] names the data directory's.
    pub fn new(db: Database, mode: RunMode) -> AppState {
        AppState {
            db,
            mode,
            applicant_oidc: false,
            login_origins: Vec::new(),
            documents: DocumentStore::new(
                std::env::temp_dir().join("sagsspor-documents"),
                DEFAULT_MAX_UPLOAD_BYTES,
            ),
        }
    }

    /// The same state with this document store.
    pub fn with_documents(mut self, documents: DocumentStore) -> AppState {
        self.documents = documents;
        self
    }

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

/// Where users reach Sagsspor (`SAGSSPOR_PUBLIC_URL`, without a trailing slash), provided to
/// pages as context so they can write whole links that are handed on (the tracking link).
#[derive(Clone, Debug)]
pub struct PublicUrl(pub String);

impl PublicUrl {
    /// The configured public URL, or an empty string (a link relative to this site) when none
    /// was provided.
    pub fn from_context() -> String {
        leptos::prelude::use_context::<PublicUrl>()
            .map(|url| url.0)
            .unwrap_or_default()
    }

    /// The whole address of a case's status-only tracking page.
    pub fn tracking_link(token: &str) -> String {
        format!("{}/spor/{token}", Self::from_context())
    }
}
