//! *Mine sager* as data for the logged-in applicant — `/mine-sager.json` and `/mine-sager.csv` —
//! and the calendar feed behind a secret address, `/kalender/{token}.ics`, with the action on the
//! settings page that makes (or replaces) that address.

use crate::http::HttpState;
use app::auth::SessionUser;
use app::authorization::Viewer;
use app::db::cases::ApplicantFilter;
use app::db::users::User;
use app::error::AppError;
use app::services::commands::secret_links::replace_calendar_feed;
use app::services::my_cases_export;
use app::state::now_utc;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

/// Whose cases a viewer's exports hold: a citizen's own, or every case of the business's CVR
/// number — the same cases the authorization policy lets them see (`is_own_case`).
fn applicant_filter(viewer: &Viewer) -> Option<ApplicantFilter<'_>> {
    match viewer {
        Viewer::Citizen { subject, .. } => Some(ApplicantFilter::Citizen(subject)),
        Viewer::Business { cvr, .. } => Some(ApplicantFilter::Business(cvr)),
        Viewer::Anonymous | Viewer::Caseworker { .. } => None,
    }
}

async fn export_rows(
    state: &HttpState,
    viewer: &Viewer,
) -> Result<Vec<my_cases_export::ExportRow>, AppError> {
    let filter = applicant_filter(viewer).ok_or(AppError::NotFound)?;
    let mut conn = state.app.db.conn().await?;
    Ok(my_cases_export::rows(&mut conn, &filter, now_utc()).await?)
}

/// `GET /mine-sager.json`: the applicant's cases as JSON; 401 without a login (a program asks).
pub async fn json(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
) -> Response {
    let Some(Extension(user)) = user else {
        return (StatusCode::UNAUTHORIZED, "login required").into_response();
    };
    match export_rows(&state, &user.viewer).await {
        Ok(rows) => (
            [(header::CACHE_CONTROL, "private, no-store")],
            axum::Json(serde_json::json!({ "cases": rows })),
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

/// `GET /mine-sager.csv`: the applicant's cases for a spreadsheet; to the login without one,
/// like the *Mine sager* page.
pub async fn csv(State(state): State<HttpState>, user: Option<Extension<SessionUser>>) -> Response {
    let Some(Extension(user)) = user else {
        return crate::http::login_redirect(&state, "/mine-sager");
    };
    match export_rows(&state, &user.viewer).await {
        Ok(rows) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"mine-sager.csv\"",
                ),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            my_cases_export::to_csv(&rows),
        )
            .into_response(),
        Err(error) => error.into_response(),
    }
}

/// `GET /kalender/{token}.ics`: the calendar feed of the user with this secret. An unknown
/// token, and anything that is not one, is a plain 404.
pub async fn calendar(State(state): State<HttpState>, Path(file): Path<String>) -> Response {
    let Some(token) = file
        .strip_suffix(".ics")
        .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match feed(&state, token).await {
        Ok(Some(body)) => (
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (header::CACHE_CONTROL, "private, max-age=900"),
            ],
            body,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => error.into_response(),
    }
}

async fn feed(state: &HttpState, token: &str) -> Result<Option<String>, AppError> {
    let mut conn = state.app.db.conn().await?;
    let Some(user) = User::find_by_calendar_token(&mut conn, token).await? else {
        return Ok(None);
    };
    let viewer = Viewer::of_user(&user);
    let Some(filter) = applicant_filter(&viewer) else {
        return Ok(None);
    };
    let now = now_utc();
    let entries = my_cases_export::calendar_entries(&mut conn, &filter, now).await?;
    Ok(Some(my_cases_export::to_ics(&entries, now)))
}

/// `POST /handlinger/indstillinger/kalender`: makes a new secret calendar address for the
/// applicant (an earlier one stops working) and shows it on the settings page.
pub async fn replace_calendar(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
) -> Response {
    let Some(Extension(user)) = user else {
        return crate::http::login_redirect(&state, "/indstillinger");
    };
    let (Some(user_id), true) = (user.viewer.user_id(), user.viewer.is_applicant()) else {
        return AppError::NotFound.into_response();
    };
    let replaced = async {
        let mut conn = state.app.db.conn().await?;
        replace_calendar_feed(&mut conn, user_id).await
    }
    .await;
    match replaced {
        Ok(()) => Redirect::to("/indstillinger?besked=kalender#kalender").into_response(),
        Err(error) => AppError::from(error).into_response(),
    }
}
