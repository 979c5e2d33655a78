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
            other if crate::db::is_out_of_storage(&other) => {
                // A full disk or a read-only database: the service is unavailable, not broken.
                tracing::warn!(error = %other, "the database takes no writes");
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

#[cfg(feature = "ssr")]
impl From<crate::services::commands::refusals::CommandError> for AppError {
    /// A command that ended without its outcome, for a page or form that cannot show the
    /// refusal beside its field: a refused state or a changed case is a conflict; a field's
    /// refusal a validation error naming the field and the message's key.
    fn from(error: crate::services::commands::refusals::CommandError) -> Self {
        use crate::services::commands::refusals::{CommandError as E, RefusalCode};
        match error {
            E::Refused(refusal) => match refusal.code {
                RefusalCode::NotNow | RefusalCode::Changed | RefusalCode::StaleForm => {
                    AppError::Conflict(refusal.code.message_key().into())
                }
                code => AppError::Validation(BTreeMap::from([(
                    refusal.field.form_name(),
                    code.message_key().into(),
                )])),
            },
            E::NotFound => AppError::NotFound,
            E::Database(error) => error.into(),
            E::Store(error) => error.into(),
            E::Failed(error) => AppError::internal("a command", &error),
        }
    }
}

/// Plain handlers (logins, form posts, downloads) answer with the site's error page: the status
/// and an HTML page in Danish, with the error itself attached to the response, so the server's
/// error-page layer can word it again in the visitor's language. The integration API answers
/// `application/problem+json` through its own wrapper.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let mut response = self.page_response(crate::i18n::Locale::default());
        response.extensions_mut().insert(self);
        response
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The heading and text of the error page, as translation keys.
    pub fn page_keys(&self) -> (&'static str, &'static str) {
        match self {
            AppError::NotFound => ("not_found.title", "not_found.body"),
            AppError::Forbidden => ("error.forbidden.title", "error.forbidden.body"),
            AppError::Validation(_) => ("error.validation.title", "error.validation.body"),
            AppError::Conflict(_) => ("error.conflict.title", "error.conflict.body"),
            AppError::Unavailable => ("error.unavailable.title", "error.unavailable.body"),
            AppError::Internal(_) => ("error.internal.title", "error.internal.body"),
        }
    }

    /// The site's error page for this error in this language: a whole HTML document in the
    /// design system's look with the frame's language switch, saying what changed for a
    /// conflict and giving the id of the log line for an internal error.
    pub fn page(&self, locale: crate::i18n::Locale) -> String {
        use crate::escape::escape_html as escape;
        use crate::i18n::Locale;
        let (title, body) = self.page_keys();
        let detail = match self {
            AppError::Internal(id) => Some(locale.tf("error.internal.reference", &[("id", id)])),
            // A conflict names what stood in the way when it carries a message of its own.
            AppError::Conflict(key) if locale.has(key) => Some(locale.t_owned(key)),
            _ => None,
        };
        let detail = detail.map_or(String::new(), |text| format!("<p>{}</p>", escape(&text)));
        let languages: String = Locale::ALL
            .into_iter()
            .map(|language| {
                let current = if language == locale {
                    " aria-current=\"true\""
                } else {
                    ""
                };
                format!(
                    "<li><a href=\"/sprog/{code}?tilbage=/\" lang=\"{code}\" hreflang=\"{code}\"{current}>{name}</a></li>",
                    code = language.code(),
                    name = escape(language.native_name()),
                )
            })
            .collect();
        format!(
            "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} — {site}</title>\
             <link rel=\"stylesheet\" href=\"{theme}\"><link rel=\"stylesheet\" href=\"/assets/main.css\">\
             </head><body><a class=\"skipnav\" href=\"#main-content\">{skip}</a>\
             <div class=\"language-switcher\"><div class=\"container\"><ul aria-label=\"{language_label}\">{languages}</ul></div></div>\
             <header class=\"header\"><div class=\"container\"><a href=\"/\">{site}</a></div></header>\
             <main id=\"main-content\" class=\"container page-content\"><h1>{title}</h1><p>{body}</p>\
             {detail}<p><a href=\"/\">{front}</a></p></main>\
             <footer class=\"footer\"><div class=\"container\"><p>{site}</p></div></footer></body></html>",
            lang = locale.code(),
            title = escape(locale.t(title)),
            site = escape(locale.t("site.name")),
            theme = crate::app::Theme::Borger.stylesheet(),
            skip = escape(locale.t("site.skip")),
            language_label = escape(locale.t("site.language_label")),
            body = escape(locale.t(body)),
            front = escape(locale.t("not_found.front_link")),
        )
    }

    /// The error page as an answer with this error's status.
    pub fn page_response(&self, locale: crate::i18n::Locale) -> axum::response::Response {
        use axum::response::IntoResponse as _;
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::response::Html(self.page(locale))).into_response()
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
