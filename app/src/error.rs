//! The one error type for what a user can be told.

use std::collections::BTreeMap;

/// Errors a request can end in. Each has a stable code so both languages can word it; internal
/// errors are logged in full where they happen and shown only as a generic message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Field name → message code.
    #[error("validation failed")]
    Validation(BTreeMap<String, String>),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("service unavailable")]
    Unavailable,
    #[error("internal error (request {0})")]
    Internal(String),
}

impl AppError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Forbidden => 403,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::Unavailable => 503,
            AppError::Internal(_) => 500,
        }
    }

    /// A stable code for the message catalogue.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "error.not_found",
            AppError::Forbidden => "error.forbidden",
            AppError::Validation(_) => "error.validation",
            AppError::Conflict(_) => "error.conflict",
            AppError::Unavailable => "error.unavailable",
            AppError::Internal(_) => "error.internal",
        }
    }

    /// Logs an internal failure in full and returns the error a user may see: a generic
    /// message with an id that finds the log line.
    pub fn internal(context: &str, error: &dyn std::fmt::Display) -> AppError {
        let id = format!("{:016x}", rand_id());
        tracing::error!(error_id = %id, context, error = %error, "internal error");
        AppError::Internal(id)
    }
}

#[cfg(feature = "ssr")]
impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => AppError::NotFound,
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UnableToSendCommand
                | diesel::result::DatabaseErrorKind::ClosedConnection,
                _,
            ) => {
                tracing::warn!(error = %error, "database unavailable");
                AppError::Unavailable
            }
            other => AppError::internal("database", &other),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::services::case_events::RecordError> for AppError {
    fn from(error: crate::services::case_events::RecordError) -> Self {
        use crate::services::case_events::RecordError as E;
        match error {
            E::NotFound => AppError::NotFound,
            E::Refused(refusal) => AppError::Conflict(refusal.to_string()),
            E::Conflict { .. } => AppError::Conflict("case_changed".into()),
            E::DuplicateEsdhNumber => AppError::Validation(BTreeMap::from([(
                "esdh_number".into(),
                "esdh.duplicate".into(),
            )])),
            E::MissingEsdhNumber => AppError::Validation(BTreeMap::from([(
                "esdh_number".into(),
                "field.required".into(),
            )])),
            E::MissingItems => {
                AppError::Validation(BTreeMap::from([("items".into(), "field.required".into())]))
            }
            E::MissingReason => {
                AppError::Validation(BTreeMap::from([("reason".into(), "field.required".into())]))
            }
            E::ItemNotOpen => AppError::Conflict("item_not_open".into()),
            E::Database(e) => e.into(),
        }
    }
}

/// Plain handlers (logins, downloads) answer with the status and a short text; the integration
/// API answers `application/problem+json` through its own wrapper.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        let body = match &self {
            AppError::Internal(id) => format!("{} ({id})", self.code()),
            _ => self.code().to_string(),
        };
        (
            status,
            [(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            body,
        )
            .into_response()
    }
}

/// A random id without pulling a UUID crate: time and address entropy are enough to find a log line.
fn rand_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.finish()
}
