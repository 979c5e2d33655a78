//! The applicant's notification settings, posted from `/indstillinger`.

use crate::http::HttpState;
use app::auth::SessionUser;
use app::authorization::Viewer;
use app::db::contact_preferences::ContactPreferences;
use app::error::AppError;
use app::flash::{SettingsFlash, SETTINGS_FLASH_KEY};
use app::forms::contact_settings;
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
    match contact_settings::read(user_id, is_business, &values, now_utc()) {
        Ok(preferences) => {
            let stored = async {
                let mut conn = state.app.db.conn().await?;
                ContactPreferences::save(&mut conn, &preferences).await
            };
            match stored.await {
                Ok(()) => Redirect::to("/indstillinger?besked=gemt").into_response(),
                Err(error) => AppError::from(error).into_response(),
            }
        }
        Err(problems) => {
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
