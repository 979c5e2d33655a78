//! Applying: start a draft, save what was typed, send it. Plain HTML form posts answered with a
//! redirect (post-redirect-get). What the applicant typed is saved in the draft before anything
//! is checked, so a form that comes back with errors has lost nothing.

use crate::http::HttpState;
use app::auth::{login_path, SessionUser};
use app::authorization::RunMode;
use app::error::AppError;
use app::in_transaction;
use app::services::commands::applying::{save_application, start_application, submit_application};
use app::services::commands::refusals::{CommandError, RefusalCode};
use app::state::now_utc;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use std::collections::BTreeMap;

/// Step one: which authority and which type.
#[derive(Debug, serde::Deserialize)]
pub struct NewApplication {
    #[serde(default)]
    pub myndighed: String,
    #[serde(default, rename = "type")]
    pub case_type: String,
}

/// Why a request is not an applicant's.
enum NotApplicant {
    /// Not logged in: log in, then come back here.
    LogIn(String),
    /// Logged in, but not as an applicant (a caseworker).
    Forbidden,
}

impl IntoResponse for NotApplicant {
    fn into_response(self) -> Response {
        match self {
            NotApplicant::LogIn(target) => Redirect::to(&target).into_response(),
            NotApplicant::Forbidden => AppError::Forbidden.into_response(),
        }
    }
}

fn require_applicant(
    state: &HttpState,
    user: Option<Extension<SessionUser>>,
    back: &str,
) -> Result<SessionUser, NotApplicant> {
    match user {
        Some(Extension(user)) if user.viewer.is_applicant() => Ok(user),
        Some(_) => Err(NotApplicant::Forbidden),
        None => Err(NotApplicant::LogIn(login_path(
            state.app.mode == RunMode::Demo,
            back,
        ))),
    }
}

/// `POST /handlinger/ansoegning/ny`: creates a draft for the chosen authority and type.
pub async fn start(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Form(form): Form<NewApplication>,
) -> Response {
    let user = match require_applicant(&state, user, "/ansoegning/ny") {
        Ok(user) => user,
        Err(refusal) => return refusal.into_response(),
    };
    let started = async {
        let mut conn = state.app.db.conn().await?;
        start_application(
            &mut conn,
            &user,
            &form.myndighed,
            &form.case_type,
            now_utc(),
        )
        .await
    }
    .await;
    match started {
        Ok(draft) => Redirect::to(&format!("/ansoegning/{}", draft.id)).into_response(),
        // Back to the form with what was chosen, so nothing is lost; the page shows the errors.
        Err(CommandError::Refused(_)) => Redirect::to(&format!(
            "/ansoegning/ny?fejl=1&myndighed={}&type={}",
            form.myndighed
                .trim()
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>(),
            form.case_type
                .trim()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        ))
        .into_response(),
        Err(error) => AppError::from(error).into_response(),
    }
}

/// `POST /handlinger/ansoegning/{id}`: saves the details; `handling=videre` also checks them
/// and goes on to the review.
pub async fn save(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Path(id): Path<i64>,
    Form(values): Form<BTreeMap<String, String>>,
) -> Response {
    let user = match require_applicant(&state, user, &format!("/ansoegning/{id}")) {
        Ok(user) => user,
        Err(refusal) => return refusal.into_response(),
    };
    let saved = async {
        let mut conn = state.app.db.conn().await?;
        save_application(&mut conn, &user, id, &values, now_utc()).await
    }
    .await;
    match saved {
        Ok(errors) => {
            let onward = values.get("handling").map(String::as_str) == Some("videre");
            let target = match (onward, errors.is_empty()) {
                (true, true) => format!("/ansoegning/{id}/gennemse"),
                (true, false) => format!("/ansoegning/{id}?fejl=1"),
                (false, _) => format!("/ansoegning/{id}?gemt=1"),
            };
            Redirect::to(&target).into_response()
        }
        Err(error) => AppError::from(error).into_response(),
    }
}

/// `POST /handlinger/ansoegning/{id}/send`: sends the application; it gets its reference in the
/// same transaction, and the applicant lands on the receipt.
pub async fn submit(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Path(id): Path<i64>,
) -> Response {
    let user = match require_applicant(&state, user, &format!("/ansoegning/{id}/gennemse")) {
        Ok(user) => user,
        Err(refusal) => return refusal.into_response(),
    };
    let submitted = async {
        let mut conn = state.app.db.conn().await?;
        in_transaction!(conn, {
            submit_application(&mut conn, &user, id, now_utc()).await
        })
    }
    .await;
    match submitted {
        Ok(recorded) => Redirect::to(&format!(
            "/sager/{}/kvittering",
            recorded.case.reference.unwrap_or_default()
        ))
        .into_response(),
        // Fields to fill in: back to the form, which shows them.
        Err(CommandError::Refused(refusal)) if refusal.code == RefusalCode::Incomplete => {
            Redirect::to(&format!("/ansoegning/{id}?fejl=1")).into_response()
        }
        Err(error) => AppError::from(error).into_response(),
    }
}
