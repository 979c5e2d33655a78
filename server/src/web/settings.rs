//! The applicant's notification settings, posted from `/indstillinger`.

use crate::http::HttpState;
use app::auth::SessionUser;
use app::authorization::Viewer;
use app::error::AppError;
use app::flash::{SettingsFlash, SETTINGS_FLASH_KEY};
use app::services::commands::contact_settings::{save_contact_settings, SettingsNotSaved};
use app::state::now_utc;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use std::collections::BTreeMap;
use tower_sessions::Session;

/// `POST /handlinger/indstillinger`: stores the choices, or sends the form back with what was
/// typed and what was wrong.
pub async fn save(
    State(state): State<HttpState>,
    session: Session,
    user: Option<Extension<SessionUser>>,
    Form(values): Form<BTreeMap<String, String>>,
) -> Response {
    let Some(Extension(user)) = user else {
        return crate::http::login_redirect(&state, "/indstillinger");
    };
    let (user_id, is_business) = match &user.viewer {
        Viewer::Citizen { user_id, .. } => (*user_id, false),
        Viewer::Business { user_id, .. } => (*user_id, true),
        Viewer::Anonymous | Viewer::Caseworker { .. } => return AppError::NotFound.into_response(),
    };
    let saved = async {
        let mut conn = state
            .app
            .db
            .conn()
            .await
            .map_err(|error| SettingsNotSaved::Failed(error.into()))?;
        save_contact_settings(&mut conn, user_id, is_business, &values, now_utc()).await
    }
    .await;
    match saved {
        Ok(()) => Redirect::to("/indstillinger?besked=gemt").into_response(),
        Err(SettingsNotSaved::Failed(error)) => AppError::from(error).into_response(),
        Err(SettingsNotSaved::Problems(problems)) => {
            let flash = SettingsFlash {
                values,
                problems: problems
                    .into_iter()
                    .map(|(field, code)| (field, code.to_string()))
                    .collect(),
            };
            if let Err(error) = session.insert(SETTINGS_FLASH_KEY, flash).await {
                tracing::warn!(%error, "could not keep the settings form for the page");
            }
            Redirect::to("/indstillinger").into_response()
        }
    }
}
