//! A company's webhook receivers, registered and removed from `/indstillinger` (plain form posts
//! answered with a redirect). The registration itself is
//! `app::services::commands::webhook_receivers`; the address rules are the delivery worker's
//! ([`crate::workers::webhooks::check_url`]).

use crate::http::HttpState;
use crate::workers::webhooks::{check_url, generate_secret};
use app::auth::SessionUser;
use app::authorization::{may_manage_webhooks, Viewer};
use app::error::AppError;
use app::flash::{WebhookFlash, WEBHOOK_FLASH_KEY};
use app::services::commands::webhook_receivers::{
    self, ReceiverOwner, ReceiverRefusal, RegisterReceiver,
};
use app::state::now_utc;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use std::collections::BTreeMap;
use tower_sessions::Session;

/// The CVR whose receivers this user may manage, as the policy decides.
fn managed_cvr(user: &SessionUser) -> Option<String> {
    match &user.viewer {
        Viewer::Business { cvr, .. } if may_manage_webhooks(&user.viewer, cvr) => Some(cvr.clone()),
        _ => None,
    }
}

async fn keep(session: &Session, flash: WebhookFlash) {
    if let Err(error) = session.insert(WEBHOOK_FLASH_KEY, flash).await {
        tracing::warn!(%error, "could not keep the webhook form for the page");
    }
}

/// `POST /handlinger/indstillinger/webhooks`: registers a receiver for the user's CVR and shows
/// its signing secret once; a refused address comes back as typed with the reason.
pub async fn add(
    State(state): State<HttpState>,
    session: Session,
    user: Option<Extension<SessionUser>>,
    Form(values): Form<BTreeMap<String, String>>,
) -> Response {
    let Some(Extension(user)) = user else {
        return crate::http::login_redirect(&state, "/indstillinger");
    };
    let Some(cvr) = managed_cvr(&user) else {
        return AppError::Forbidden.into_response();
    };
    let typed = values.get("url").cloned().unwrap_or_default();
    let url = match check_url(&typed, state.webhook_receivers) {
        Ok(url) => url,
        Err(code) => {
            keep(
                &session,
                WebhookFlash {
                    url: typed,
                    problem: Some(code.to_string()),
                    new_secret: None,
                },
            )
            .await;
            return Redirect::to("/indstillinger#webhooks").into_response();
        }
    };
    let secret = generate_secret();
    let command = RegisterReceiver {
        owner: ReceiverOwner::Company { cvr: &cvr },
        url: &url,
        secret: &secret,
        created_by_user_id: user.viewer.user_id(),
        at: now_utc(),
    };
    let added = async {
        let mut conn = state.app.db.conn().await?;
        webhook_receivers::register(&mut conn, command).await
    };
    match added.await {
        Ok(endpoint) => {
            tracing::info!(endpoint_id = endpoint.id, "webhook receiver registered");
            keep(
                &session,
                WebhookFlash {
                    url: String::new(),
                    problem: None,
                    new_secret: Some(secret),
                },
            )
            .await;
            Redirect::to("/indstillinger#webhooks").into_response()
        }
        Err(ReceiverRefusal::TooMany) => {
            keep(
                &session,
                WebhookFlash {
                    url: typed,
                    problem: Some("webhooks.error.too_many".to_string()),
                    new_secret: None,
                },
            )
            .await;
            Redirect::to("/indstillinger#webhooks").into_response()
        }
        Err(ReceiverRefusal::NotFound) => AppError::NotFound.into_response(),
        Err(ReceiverRefusal::Db(error)) => AppError::from(error).into_response(),
    }
}

/// `POST /handlinger/indstillinger/webhooks/{id}/fjern`: removes a receiver of the user's CVR.
/// Another company's receiver answers exactly like one that does not exist.
pub async fn remove(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Path(id): Path<i64>,
) -> Response {
    let Some(Extension(user)) = user else {
        return crate::http::login_redirect(&state, "/indstillinger");
    };
    // Only a receiver of a CVR this user may manage is theirs to remove.
    let Some(cvr) = managed_cvr(&user) else {
        return AppError::NotFound.into_response();
    };
    let removed = async {
        let mut conn = state.app.db.conn().await?;
        let owner = ReceiverOwner::Company { cvr: &cvr };
        webhook_receivers::remove(&mut conn, owner, id, now_utc()).await
    };
    match removed.await {
        Ok(()) => {
            tracing::info!(endpoint_id = id, "webhook receiver removed");
            Redirect::to("/indstillinger?besked=webhook-fjernet#webhooks").into_response()
        }
        Err(ReceiverRefusal::NotFound | ReceiverRefusal::TooMany) => {
            AppError::NotFound.into_response()
        }
        Err(ReceiverRefusal::Db(error)) => AppError::from(error).into_response(),
    }
}
