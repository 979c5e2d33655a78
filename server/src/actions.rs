//! The applicant's actions on a case, as plain HTML form posts that answer with a redirect
//! (post-redirect-get), so they work without JavaScript. Each asks the authorization policy
//! and changes the case only through the event path.

use crate::http::HttpState;
use app::auth::{login_path, SessionUser};
use app::authorization::{may_act_as_applicant, RunMode};
use app::db::cases::Case;
use app::domain::lifecycle::EventKind;
use app::domain::reference::CaseReference;
use app::error::AppError;
use app::in_transaction;
use app::services::case_events::{record, Actor, ActorKind, EventRequest, RecordError};
use app::state::now_utc;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};

/// The withdraw form: which case, and the version the applicant confirmed.
#[derive(Debug, serde::Deserialize)]
pub struct WithdrawForm {
    pub reference: String,
    pub version: i64,
}

/// `POST /handlinger/traek-tilbage`: withdraws an application after the applicant confirmed it.
/// A case that changed since the confirmation page was shown is not withdrawn; the applicant
/// sees its new state first.
pub async fn withdraw(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Form(form): Form<WithdrawForm>,
) -> Response {
    let Some(Extension(user)) = user else {
        let back = format!("/sager/{}", form.reference.trim());
        return Redirect::to(&login_path(state.app.mode == RunMode::Demo, &back)).into_response();
    };
    let Ok(reference) = CaseReference::parse(&form.reference) else {
        return AppError::NotFound.into_response();
    };
    let outcome = withdraw_case(&state, &user, &reference, form.version).await;
    let notice = match outcome {
        Ok(()) => "trukket",
        Err(WithdrawError::Refused) => "umuligt",
        Err(WithdrawError::Conflict) => "konflikt",
        Err(WithdrawError::App(error)) => return error.into_response(),
    };
    Redirect::to(&format!("/sager/{reference}?besked={notice}")).into_response()
}

enum WithdrawError {
    Refused,
    Conflict,
    App(AppError),
}

impl From<AppError> for WithdrawError {
    fn from(error: AppError) -> Self {
        WithdrawError::App(error)
    }
}

async fn withdraw_case(
    state: &HttpState,
    user: &SessionUser,
    reference: &CaseReference,
    version: i64,
) -> Result<(), WithdrawError> {
    let mut conn = state.app.db.conn().await.map_err(AppError::from)?;
    let case = Case::find_by_reference(&mut conn, reference)
        .await
        .map_err(AppError::from)?;
    // Not the applicant's case answers as if it did not exist.
    let case = case
        .filter(|c| may_act_as_applicant(&user.viewer, c))
        .ok_or(AppError::NotFound)?;
    let actor = Actor {
        kind: ActorKind::Applicant,
        user_id: user.viewer.user_id(),
        label: &user.name,
    };
    let request = EventRequest::new(EventKind::Withdrawn, actor, now_utc());
    let result: Result<_, RecordError> = in_transaction!(conn, {
        record(&mut conn, case.id, Some(version), &request).await
    });
    match result {
        Ok(recorded) => {
            tracing::info!(case_id = recorded.case.id, "application withdrawn");
            Ok(())
        }
        Err(RecordError::Refused(_)) => Err(WithdrawError::Refused),
        Err(RecordError::Conflict { .. }) => Err(WithdrawError::Conflict),
        Err(other) => Err(WithdrawError::App(other.into())),
    }
}
