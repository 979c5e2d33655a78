//! The applicant's actions on a case, as plain HTML form posts that answer with a redirect
//! (post-redirect-get), so they work without JavaScript. Each asks the authorization policy
//! and changes the case only through the event path.

use crate::http::HttpState;
use app::auth::SessionUser;
use app::authorization::{may_act_as_applicant, may_rotate_tracking_link};
use app::db::cases::Case;
use app::db::users::User;
use app::domain::reference::CaseReference;
use app::error::AppError;
use app::forms::case_folder::FolderNotice;
use app::in_transaction;
use app::services::commands::applying::applicant_actor;
use app::services::commands::case_actions::{act_on_case, ActOnCase, ActionTime, CaseAction};
use app::services::commands::refusals::{CommandError, RefusalCode};
use app::services::commands::secret_links::replace_tracking_link;
use app::services::notifications::{self, Channel, StatusRequest};
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
        return crate::http::login_redirect(&state, &back);
    };
    let Ok(reference) = CaseReference::parse(&form.reference) else {
        return AppError::NotFound.into_response();
    };
    let withdrawn = async {
        let mut conn = state.app.db.conn().await?;
        // Not the applicant's case answers as if it did not exist.
        let case = Case::find_by_reference(&mut conn, &reference)
            .await?
            .filter(|c| may_act_as_applicant(&user.viewer, c))
            .ok_or(CommandError::NotFound)?;
        let store = &state.app.documents;
        in_transaction!(conn, {
            act_on_case(
                &mut conn,
                store,
                ActOnCase {
                    case: &case,
                    read_version: Some(form.version),
                    actor: applicant_actor(&user),
                    time: ActionTime::Now(now_utc()),
                    public_text: None,
                    action: CaseAction::Withdraw,
                },
            )
            .await
        })
    }
    .await;
    let notice = match withdrawn {
        Ok(_) => FolderNotice::Withdrawn,
        Err(CommandError::Refused(refusal)) if refusal.code == RefusalCode::Changed => {
            FolderNotice::WithdrawConflict
        }
        Err(CommandError::Refused(_)) => FolderNotice::WithdrawNotPossible,
        Err(other) => return AppError::from(other).into_response(),
    };
    Redirect::to(&notice.folder_path(&reference)).into_response()
}

/// The "send me the status now" form: which channel.
#[derive(Debug, serde::Deserialize)]
pub struct StatusForm {
    pub kanal: String,
}

/// `POST /handlinger/sager/{reference}/status`: sends the applicant the case's status now, by
/// e-mail or SMS, at most once per quarter of an hour per case and person.
pub async fn send_status(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    axum::extract::Path(raw): axum::extract::Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    let Ok(reference) = CaseReference::parse(&raw) else {
        return AppError::NotFound.into_response();
    };
    let Some(Extension(user)) = user else {
        let back = format!("/sager/{reference}");
        return crate::http::login_redirect(&state, &back);
    };
    let Some(channel) = Channel::parse(&form.kanal) else {
        let problem = ("kanal".to_string(), "error.validation".to_string());
        return AppError::Validation([problem].into()).into_response();
    };
    match request_status_now(&state, &user, &reference, channel).await {
        Ok(notice) => Redirect::to(&notice.folder_path(&reference)).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn request_status_now(
    state: &HttpState,
    user: &SessionUser,
    reference: &CaseReference,
    channel: Channel,
) -> Result<FolderNotice, AppError> {
    let mut conn = state.app.db.conn().await?;
    let case = Case::find_by_reference(&mut conn, reference)
        .await?
        .filter(|c| may_act_as_applicant(&user.viewer, c))
        .ok_or(AppError::NotFound)?;
    let person = match user.viewer.user_id() {
        Some(id) => User::find(&mut conn, id).await?,
        None => None,
    }
    .ok_or(AppError::NotFound)?;
    let outcome =
        notifications::request_status(&mut conn, &case, &person, channel, now_utc()).await?;
    Ok(match outcome {
        StatusRequest::Queued { .. } => FolderNotice::StatusSent,
        StatusRequest::TooSoon { .. } => FolderNotice::StatusTooSoon,
        StatusRequest::NoAddress => match channel {
            Channel::Email => FolderNotice::StatusNoEmail,
            Channel::Sms => FolderNotice::StatusNoMobile,
        },
    })
}

/// `POST /handlinger/sager/{reference}/sporingslink`: gives the case a new status-only tracking
/// link; the old one stops working at once. Only the applicant may; anyone else is answered as
/// if the case did not exist.
pub async fn rotate_tracking_link(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    axum::extract::Path(raw): axum::extract::Path<String>,
) -> Response {
    let Ok(reference) = CaseReference::parse(&raw) else {
        return AppError::NotFound.into_response();
    };
    let Some(Extension(user)) = user else {
        let back = format!("/sager/{reference}");
        return crate::http::login_redirect(&state, &back);
    };
    match rotate(&state, &user, &reference).await {
        Ok(()) => Redirect::to(&FolderNotice::TrackingLinkReplaced.folder_path(&reference))
            .into_response(),
        Err(error) => AppError::from(error).into_response(),
    }
}

async fn rotate(
    state: &HttpState,
    user: &SessionUser,
    reference: &CaseReference,
) -> Result<(), CommandError> {
    let mut conn = state.app.db.conn().await?;
    let case = Case::find_by_reference(&mut conn, reference)
        .await?
        .filter(|c| may_rotate_tracking_link(&user.viewer, c))
        .ok_or(CommandError::NotFound)?;
    replace_tracking_link(&mut conn, &case).await
}
