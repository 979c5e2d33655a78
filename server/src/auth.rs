//! Login and logout: sessions in the database, the demo's persona login, and the logged-in user
//! attached to every request.

pub mod oidc;

use crate::http::HttpState;
use app::auth::{
    demo_persona, demo_subject, is_local_path, PersonaKind, SessionUser, SESSION_USER_KEY,
};
use app::authorization::Viewer;
use app::db::sessions::DatabaseSessionStore;
use app::db::users::{LoginIdentity, User};
use app::error::AppError;
use app::state::now_utc;
use axum::extract::{Path, Query, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

/// How sessions behave: cookie flags and the idle timeout.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// `Secure` cookies: on whenever the public address is https.
    pub secure: bool,
    /// A session unused this long ends.
    pub idle_minutes: i64,
}

/// The session layer: records in the database, cookie `sagsspor_session`, HttpOnly,
/// SameSite=Lax (the login callback is a cross-site navigation that must carry it).
pub fn session_layer(
    store: DatabaseSessionStore,
    settings: &SessionSettings,
) -> SessionManagerLayer<DatabaseSessionStore> {
    SessionManagerLayer::new(store)
        .with_name("sagsspor_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::minutes(settings.idle_minutes),
        ))
}

/// Puts the logged-in user (if any, and if the login has not outlived its absolute limit) into
/// the request, where pages and handlers read it.
pub async fn attach_user(session: Session, mut request: Request, next: Next) -> Response {
    match session.get::<SessionUser>(SESSION_USER_KEY).await {
        Ok(Some(user)) if !user.expired(now_utc().and_utc().timestamp()) => {
            request.extensions_mut().insert(user);
        }
        Ok(Some(_)) => {
            // The absolute lifetime is over: forget the login.
            if let Err(error) = session.flush().await {
                tracing::warn!(%error, "could not end an expired session");
            }
        }
        Ok(None) => {}
        Err(error) => {
            // Not "logged out": a visitor whose session cannot be read is told the service is
            // unavailable, so neither a page nor a form post sends them to log in again.
            tracing::warn!(%error, "could not read the session");
            return AppError::Unavailable.into_response();
        }
    }
    next.run(request).await
}

/// Starts a login for a user: a new session id (against session fixation) holding the user.
pub async fn start_login(session: &Session, user: SessionUser) -> Result<(), AppError> {
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::internal("session", &e))?;
    session
        .insert(SESSION_USER_KEY, user)
        .await
        .map_err(|e| AppError::internal("session", &e))
}

/// Where to go after login: the requested local page, else the user's start page.
pub fn after_login(next: Option<&str>, viewer: &Viewer) -> String {
    match next {
        Some(path) if is_local_path(path) => path.to_string(),
        _ if viewer.is_applicant() => "/mine-sager".to_string(),
        _ if matches!(viewer, Viewer::Caseworker { .. }) => "/sagsbehandling".to_string(),
        _ => "/".to_string(),
    }
}

/// Query of the login routes: where to return afterwards.
#[derive(Debug, serde::Deserialize)]
pub struct NextPage {
    pub next: Option<String>,
}

/// `GET /demo/login/{persona}`: logs in as a made-up demo persona. Registered only by `demo`.
pub async fn demo_login(
    State(state): State<HttpState>,
    session: Session,
    Path(key): Path<String>,
    Query(query): Query<NextPage>,
) -> Response {
    let Some(persona) = demo_persona(&key) else {
        return AppError::NotFound.into_response();
    };
    let subject = demo_subject(persona);
    let organisation = match persona.kind {
        PersonaKind::Business { organisation, .. } => Some(organisation),
        PersonaKind::Citizen | PersonaKind::Caseworker { .. } => None,
    };
    let identity = persona.identity(&subject);
    let user = match record_login(&state, &identity).await {
        Ok(user) => user,
        Err(error) => return error.into_response(),
    };
    let viewer = Viewer::of_user(&user);
    let session_user = SessionUser {
        viewer: viewer.clone(),
        name: user.name.clone(),
        organisation: organisation.map(str::to_string),
        logged_in_at: now_utc().and_utc().timestamp(),
        provider: "demo".to_string(),
        id_token: None,
    };
    if let Err(error) = start_login(&session, session_user).await {
        return error.into_response();
    }
    tracing::info!(user_id = user.id, persona = persona.key, "demo login");
    Redirect::to(&after_login(query.next.as_deref(), &viewer)).into_response()
}

/// Stores the login's identity and returns the user.
pub async fn record_login(
    state: &HttpState,
    identity: &LoginIdentity<'_>,
) -> Result<User, AppError> {
    let mut conn = state.app.db.conn().await?;
    Ok(User::upsert_login(&mut conn, identity, now_utc()).await?)
}

/// `POST /auth/logout` (the header's button): ends the session here (and at the provider, where
/// it offers end-session). A cross-site POST is refused before it gets here; `GET` shows the
/// button ([`app::pages::public::logout`]) and ends nothing.
pub async fn logout(State(state): State<HttpState>, session: Session) -> Response {
    let user = session
        .get::<SessionUser>(SESSION_USER_KEY)
        .await
        .ok()
        .flatten();
    if let Err(error) = session.flush().await {
        tracing::warn!(%error, "could not delete the session");
    }
    let provider_logout = user
        .as_ref()
        .and_then(|user| crate::auth::oidc::end_session_url(&state, user));
    Redirect::to(provider_logout.as_deref().unwrap_or("/")).into_response()
}

/// Query of the entry from Virk: the company and, optionally, the case.
#[derive(Debug, serde::Deserialize)]
pub struct VirkEntry {
    pub cvr: Option<String>,
    pub sag: Option<String>,
}

/// `GET /virk?cvr=…&sag=…`: the link from the business portal Virk. Sends the visitor through
/// login and on to the named case, or to *Mine sager*. Which company's cases are shown is
/// decided by the login, never by the link; `cvr` only has to agree with it.
pub async fn virk_entry(
    State(state): State<HttpState>,
    Query(entry): Query<VirkEntry>,
    request: Request,
) -> Response {
    let user = request.extensions().get::<SessionUser>().cloned();
    let target = match entry
        .sag
        .as_deref()
        .map(app::domain::reference::CaseReference::parse)
    {
        Some(Ok(reference)) => format!("/sager/{reference}"),
        _ => "/mine-sager".to_string(),
    };
    let Some(user) = user else {
        let demo = state.app.mode == app::authorization::RunMode::Demo;
        let back = request
            .uri()
            .path_and_query()
            .map_or("/virk".to_string(), |pq| pq.as_str().to_string());
        return Redirect::to(&app::auth::login_path(demo, &back)).into_response();
    };
    if let (Some(wanted), Viewer::Business { cvr, .. }) = (entry.cvr.as_deref(), &user.viewer) {
        if wanted.trim() != cvr {
            tracing::info!("Virk link for another CVR than the login's; showing the login's cases");
            return Redirect::to("/mine-sager").into_response();
        }
    }
    Redirect::to(&target).into_response()
}
