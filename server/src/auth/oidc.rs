//! Login through OpenID Connect providers: authorization code flow with PKCE, state and nonce,
//! the `iss` check of RFC 9207, claims read from the ID token and userinfo, and logout at the
//! provider. Two providers can be configured: applicants (MitID / MitID Erhverv through
//! NemLog-in or a broker) and staff (the authority's own identity provider).

mod pending_login;

use crate::auth::{after_login, record_login, start_login, NextPage};
use crate::http::HttpState;
use app::auth::{is_local_path, SessionUser};
use app::db::authorities::Authority;
use app::db::users::LoginIdentity;
use app::error::AppError;
use app::i18n::Locale;
use app::state::now_utc;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthenticationFlow, CoreClaimName, CoreClaimType, CoreClient,
    CoreClientAuthMethod, CoreGenderClaim, CoreGrantType, CoreIdToken, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreResponseMode,
    CoreResponseType, CoreSubjectIdentifierType,
};
use openidconnect::{
    AdditionalClaims, AdditionalProviderMetadata, AuthorizationCode, ClientId, ClientSecret,
    CsrfToken, IssuerUrl, LogoutProviderMetadata, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadata, RedirectUrl, Scope, TokenResponse,
    UserInfoClaims,
};
use pending_login::{PendingLogin, SealKey};
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;
use tower_sessions::Session;

/// Which of the two logins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginKind {
    /// Citizens and business users.
    Applicant,
    /// Caseworkers.
    Staff,
}

impl LoginKind {
    fn as_str(self) -> &'static str {
        match self {
            LoginKind::Applicant => "applicant",
            LoginKind::Staff => "staff",
        }
    }

    pub(crate) fn callback_path(self) -> &'static str {
        match self {
            LoginKind::Applicant => "/auth/callback",
            LoginKind::Staff => "/auth/staff/callback",
        }
    }
}

/// Which claims carry what, per provider.
#[derive(Debug, Clone)]
pub struct ClaimMapping {
    /// The CVR number of a business login (e.g. `https://data.gov.dk/model/core/eid/professional/cvr`).
    pub cvr: String,
    /// The organisation's name, shown beside the user's.
    pub organisation: String,
    /// Staff: the authority's three-digit code.
    pub authority: String,
    /// Staff: the role; only `caseworker` may log in as staff.
    pub role: String,
}

/// One configured OpenID provider.
pub struct OidcProvider {
    pub kind: LoginKind,
    pub issuer: IssuerUrl,
    pub client_id: ClientId,
    pub client_secret: ClientSecret,
    pub redirect: RedirectUrl,
    pub claims: ClaimMapping,
    /// The scopes asked for besides `openid` (which is always asked for).
    pub scopes: Vec<Scope>,
    /// Seals the logins in flight (see [`pending_login`]).
    seal_key: SealKey,
    http: openidconnect::reqwest::Client,
    metadata: RwLock<Option<(Instant, Metadata)>>,
}

/// Provider metadata beyond the core and logout fields that Sagsspor reads.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExtraProviderMetadata {
    /// RFC 9207: the provider puts `iss` into every authorization response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_response_iss_parameter_supported: Option<bool>,
}

impl AdditionalProviderMetadata for ExtraProviderMetadata {}

/// A provider's discovery document as Sagsspor reads it: the core fields, end-session
/// (RP-initiated logout) and [`ExtraProviderMetadata`]. (The crate's own
/// `ProviderMetadataWithLogout` drops every field it does not know, RFC 9207's among them.)
pub type Metadata = ProviderMetadata<
    LogoutProviderMetadata<ExtraProviderMetadata>,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// The scopes asked for unless configured otherwise (`SAGSSPOR_OIDC_SCOPES`,
/// `SAGSSPOR_STAFF_OIDC_SCOPES`).
pub const DEFAULT_SCOPES: &str = "openid profile email";

/// The settings of one provider, from configuration.
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub claims: ClaimMapping,
    /// The scopes to ask for, space-separated (e.g. [`DEFAULT_SCOPES`] and the broker's scope
    /// for the CVR claims); `openid` is asked for whether listed or not.
    pub scopes: String,
}

/// Discovery documents are cached this long.
const METADATA_TTL: Duration = Duration::from_secs(3600);

impl OidcProvider {
    /// A provider of this kind; `public_url` is where users reach Sagsspor.
    pub fn new(
        kind: LoginKind,
        settings: ProviderSettings,
        public_url: &str,
    ) -> anyhow::Result<OidcProvider> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would open the client to server-side request forgery.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()?;
        let mut scopes: Vec<Scope> = Vec::new();
        for scope in settings.scopes.split_whitespace() {
            // The crate always asks for `openid` itself.
            if scope != "openid" && !scopes.iter().any(|s| s.as_str() == scope) {
                scopes.push(Scope::new(scope.to_string()));
            }
        }
        Ok(OidcProvider {
            kind,
            issuer: IssuerUrl::new(settings.issuer)?,
            client_id: ClientId::new(settings.client_id),
            seal_key: SealKey::from_client_secret(&settings.client_secret),
            client_secret: ClientSecret::new(settings.client_secret),
            scopes,
            redirect: RedirectUrl::new(format!(
                "{}{}",
                public_url.trim_end_matches('/'),
                kind.callback_path()
            ))?,
            claims: settings.claims,
            http,
            metadata: RwLock::new(None),
        })
    }

    /// The provider's discovery document, fetched once an hour.
    async fn metadata(&self) -> Result<Metadata, AppError> {
        if let Some((fetched, metadata)) = self.metadata.read().await.as_ref() {
            if fetched.elapsed() < METADATA_TTL {
                return Ok(metadata.clone());
            }
        }
        let metadata = Metadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|error| {
                tracing::warn!(issuer = %self.issuer.as_str(), %error, "OpenID discovery failed");
                AppError::Unavailable
            })?;
        *self.metadata.write().await = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    /// Whether the pending login's cookie may only travel over https (the callback is https).
    fn secure_cookie(&self) -> bool {
        self.redirect.url().scheme() == "https"
    }
}

/// The configured providers.
#[derive(Default)]
pub struct OidcConfig {
    pub applicant: Option<Arc<OidcProvider>>,
    pub staff: Option<Arc<OidcProvider>>,
    pub public_url: String,
}

impl OidcConfig {
    /// The origins (`scheme://host:port`) of the configured providers.
    pub fn origins(&self) -> Vec<String> {
        [&self.applicant, &self.staff]
            .into_iter()
            .flatten()
            .filter_map(|p| url::Url::parse(p.issuer.as_str()).ok())
            .map(|u| u.origin().ascii_serialization())
            .collect()
    }

    fn provider(&self, kind: LoginKind) -> Option<&Arc<OidcProvider>> {
        match kind {
            LoginKind::Applicant => self.applicant.as_ref(),
            LoginKind::Staff => self.staff.as_ref(),
        }
    }
}

/// Claims beyond the standard ones (the CVR number, the authority), whatever their names.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ExtraClaims {
    #[serde(flatten)]
    claims: serde_json::Map<String, serde_json::Value>,
}

impl AdditionalClaims for ExtraClaims {}

impl ExtraClaims {
    fn text(&self, name: &str) -> Option<String> {
        match self.claims.get(name)? {
            serde_json::Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

/// `GET /auth/login` and `GET /auth/staff/login`: sends the browser to the provider, the login
/// in flight sealed in a cookie for the callback (nothing is written to the session store).
pub async fn login(
    kind: LoginKind,
    state: &HttpState,
    next: Option<String>,
    locale: Locale,
) -> Response {
    let Some(provider) = state.oidc.provider(kind) else {
        if state.app.mode == app::authorization::RunMode::Demo {
            let next = next
                .filter(|n| is_local_path(n))
                .unwrap_or_else(|| "/".into());
            return Redirect::to(&app::auth::login_path(true, &next)).into_response();
        }
        return login_problem(
            locale,
            StatusCode::SERVICE_UNAVAILABLE,
            "login.not_configured",
        );
    };
    let metadata = match provider.metadata().await {
        Ok(metadata) => metadata,
        Err(_) => {
            return login_problem(locale, StatusCode::SERVICE_UNAVAILABLE, "login.unavailable")
        }
    };
    let client = CoreClient::from_provider_metadata(
        metadata,
        provider.client_id.clone(),
        Some(provider.client_secret.clone()),
    )
    .set_redirect_uri(provider.redirect.clone());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scopes(provider.scopes.iter().cloned())
        .set_pkce_challenge(challenge)
        .url();
    let pending = PendingLogin {
        kind,
        state: csrf.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next: next.filter(|n| is_local_path(n)),
        started_at: now_utc().and_utc().timestamp(),
    };
    let mut response = Redirect::to(url.as_str()).into_response();
    match pending.set_cookie(&provider.seal_key, provider.secure_cookie()) {
        Some(cookie) => {
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
        }
        None => AppError::internal("login cookie", &"not a header value").into_response(),
    }
}

/// The provider's answer on the redirect URI.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
}

/// `GET /auth/callback` and `GET /auth/staff/callback`: finishes the login begun in this
/// browser, whose sealed cookie it reads and removes.
pub async fn callback(
    kind: LoginKind,
    state: &HttpState,
    session: &Session,
    headers: &HeaderMap,
    query: CallbackQuery,
) -> Response {
    let locale = locale_of(headers);
    let provider = state.oidc.provider(kind);
    // One use only: the pending login is opened once and its cookie removed whatever happens.
    let pending = provider.and_then(|provider| {
        pending_login::from_request(headers)
            .and_then(|sealed| PendingLogin::open(&sealed, &provider.seal_key))
    });
    let mut response = match finish_login(kind, state, session, pending, query).await {
        Ok(target) => Redirect::to(&target).into_response(),
        Err(LoginFailure::User(message)) => login_problem(locale, StatusCode::BAD_REQUEST, message),
        Err(LoginFailure::Internal(context, detail)) => {
            tracing::warn!(login = kind.as_str(), context, detail = %detail, "login failed");
            login_problem(locale, StatusCode::BAD_GATEWAY, "login.failed")
        }
    };
    let secure = provider.is_some_and(|provider| provider.secure_cookie());
    if let Some(clear) = pending_login::clear_cookie(kind, secure) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response
}

enum LoginFailure {
    /// Something the person can act on: a message key of the translation catalogues.
    User(&'static str),
    /// A protocol or provider failure: logged, shown generically.
    Internal(&'static str, String),
}

fn internal(context: &'static str) -> impl Fn(&dyn std::fmt::Display) -> LoginFailure {
    move |error| LoginFailure::Internal(context, error.to_string())
}

async fn finish_login(
    kind: LoginKind,
    state: &HttpState,
    session: &Session,
    pending: Option<PendingLogin>,
    query: CallbackQuery,
) -> Result<String, LoginFailure> {
    let provider = state
        .oidc
        .provider(kind)
        .ok_or(LoginFailure::User("login.not_configured"))?;
    let pending = pending
        .filter(|pending| pending.is_current(kind, now_utc().and_utc().timestamp()))
        .ok_or(LoginFailure::User("login.expired"))?;
    if let Some(error) = query.error {
        tracing::info!(login = kind.as_str(), error, "provider refused the login");
        return Err(LoginFailure::User("login.aborted"));
    }
    if query.state.as_deref() != Some(pending.state.as_str()) {
        return Err(LoginFailure::User("login.wrong_browser"));
    }
    let metadata = provider
        .metadata()
        .await
        .map_err(|e| internal("discovery")(&e))?;
    // RFC 9207: the response must say which issuer sent it (mix-up attacks); the crate does not
    // check. A provider that advertises the parameter always sends it (§2.4).
    match query.iss.as_deref() {
        Some(iss) if iss != provider.issuer.as_str() => {
            tracing::warn!(
                login = kind.as_str(),
                "authorization response from another issuer refused"
            );
            return Err(LoginFailure::User("login.wrong_issuer"));
        }
        None if metadata_says_iss_is_sent(&metadata) => {
            tracing::warn!(
                login = kind.as_str(),
                "authorization response without iss refused"
            );
            return Err(LoginFailure::User("login.wrong_issuer"));
        }
        _ => {}
    }
    let code = query.code.ok_or(LoginFailure::User("login.aborted"))?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        provider.client_id.clone(),
        Some(provider.client_secret.clone()),
    )
    .set_redirect_uri(provider.redirect.clone());
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| internal("token endpoint")(&e))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
        .request_async(&provider.http)
        .await
        .map_err(|e| internal("token exchange")(&e))?;
    let id_token = token
        .id_token()
        .ok_or_else(|| LoginFailure::Internal("id token", "missing".into()))?;
    let nonce = Nonce::new(pending.nonce);
    // A token signed with a key the cached key set does not have (the provider rotated its
    // keys) gets one fresh look at the provider's keys before it is refused.
    let verified = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .map(|_| ())
        .map_err(|e| e.to_string());
    let client = match verified {
        Ok(()) => client,
        Err(first) => {
            tracing::info!(error = %first, "ID token did not verify with cached keys; fetching them again");
            *provider.metadata.write().await = None;
            let metadata = provider
                .metadata()
                .await
                .map_err(|e| internal("discovery")(&e))?;
            CoreClient::from_provider_metadata(
                metadata,
                provider.client_id.clone(),
                Some(provider.client_secret.clone()),
            )
            .set_redirect_uri(provider.redirect.clone())
        }
    };
    let claims = id_token
        .claims(&client.id_token_verifier(), &nonce)
        .map_err(|e| internal("id token")(&e))?;
    let subject = claims.subject().as_str().to_string();
    let userinfo: UserInfoClaims<ExtraClaims, CoreGenderClaim> = client
        .user_info(token.access_token().clone(), None)
        .map_err(|e| internal("userinfo endpoint")(&e))?
        .request_async(&provider.http)
        .await
        .map_err(|e| internal("userinfo")(&e))?;
    if userinfo.subject().as_str() != subject {
        return Err(LoginFailure::Internal(
            "userinfo",
            "subject differs from the ID token".into(),
        ));
    }
    let name = userinfo
        .name()
        .and_then(|n| n.get(None))
        .or_else(|| claims.name().and_then(|n| n.get(None)))
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|| subject.clone());
    let email = userinfo
        .email()
        .or(claims.email())
        .map(|e| e.as_str().to_string());
    let extra = userinfo.additional_claims();

    let (user_kind, cvr, authority_code, organisation) = match kind {
        LoginKind::Applicant => match extra.text(&provider.claims.cvr) {
            Some(cvr) if is_cvr(&cvr) => (
                "business",
                Some(cvr),
                None,
                extra.text(&provider.claims.organisation),
            ),
            Some(_) => {
                return Err(LoginFailure::Internal(
                    "claims",
                    "CVR claim is not eight digits".into(),
                ))
            }
            None => ("citizen", None, None, None),
        },
        LoginKind::Staff => {
            let role = extra.text(&provider.claims.role);
            if role.as_deref() != Some("caseworker") {
                return Err(LoginFailure::User("login.not_caseworker"));
            }
            let code = extra
                .text(&provider.claims.authority)
                .and_then(|c| c.trim_start_matches('0').parse::<i32>().ok())
                .ok_or(LoginFailure::User("login.no_authority"))?;
            let mut conn = state
                .app
                .db
                .conn()
                .await
                .map_err(|e| internal("database")(&e))?;
            if Authority::find(&mut conn, code)
                .await
                .map_err(|e| internal("database")(&e))?
                .is_none()
            {
                return Err(LoginFailure::User("login.unknown_authority"));
            }
            ("caseworker", None, Some(code), None)
        }
    };
    let issuer = provider.issuer.as_str().to_string();
    let identity = LoginIdentity {
        kind: user_kind,
        issuer: &issuer,
        subject: &subject,
        name: &name,
        email: email.as_deref(),
        cvr: cvr.as_deref(),
        authority_code,
    };
    let user = record_login(state, &identity)
        .await
        .map_err(|e| internal("database")(&e))?;
    let viewer = app::authorization::Viewer::of_user(&user);
    let session_user = SessionUser {
        viewer: viewer.clone(),
        name: user.name.clone(),
        organisation,
        logged_in_at: now_utc().and_utc().timestamp(),
        provider: kind.as_str().to_string(),
        id_token: Some(id_token.to_string()),
    };
    start_login(session, session_user)
        .await
        .map_err(|e| internal("session")(&e))?;
    tracing::info!(
        user_id = user.id,
        login = kind.as_str(),
        kind = user_kind,
        "login"
    );
    Ok(after_login(pending.next.as_deref(), &viewer))
}

/// Whether the provider says it sends `iss` with every authorization response (RFC 9207 §3);
/// a provider that does not say so may leave it out.
fn metadata_says_iss_is_sent(metadata: &Metadata) -> bool {
    metadata
        .additional_metadata()
        .additional_metadata
        .authorization_response_iss_parameter_supported
        == Some(true)
}

fn is_cvr(text: &str) -> bool {
    text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The provider's end-session address for this user, when the provider offers one.
pub fn end_session_url(state: &HttpState, user: &SessionUser) -> Option<String> {
    let kind = match user.provider.as_str() {
        "applicant" => LoginKind::Applicant,
        "staff" => LoginKind::Staff,
        _ => return None,
    };
    let provider = state.oidc.provider(kind)?;
    let metadata = provider.metadata.try_read().ok()?.as_ref()?.1.clone();
    let endpoint = metadata
        .additional_metadata()
        .end_session_endpoint
        .clone()?;
    let mut request =
        openidconnect::LogoutRequest::from(endpoint).set_client_id(provider.client_id.clone());
    if let Some(token) = user
        .id_token
        .as_deref()
        .and_then(|t| CoreIdToken::from_str(t).ok())
    {
        request = request.set_id_token_hint(&token);
    }
    if let Ok(back) =
        PostLogoutRedirectUrl::new(format!("{}/", state.oidc.public_url.trim_end_matches('/')))
    {
        request = request.set_post_logout_redirect_uri(back);
    }
    Some(request.http_get_url().to_string())
}

/// A short page for a login that could not be completed.
fn login_problem(locale: Locale, status: StatusCode, key: &'static str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{} — Sagsspor</title>\
         <link rel=\"stylesheet\" href=\"/assets/dkfds/css/dkfds-borgerdk.min.css\"></head>\
         <body><main class=\"container page-content\"><h1>{}</h1><p>{}</p>\
         <p><a href=\"/\">{}</a></p></main></body></html>",
        locale.code(),
        html_escape(locale.t("login.title")),
        html_escape(locale.t("login.heading")),
        html_escape(locale.t(key)),
        html_escape(locale.t("not_found.front_link")),
    );
    (status, Html(body)).into_response()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The language the visitor chose (login pages are answered in it).
fn locale_of(headers: &HeaderMap) -> Locale {
    headers
        .get(axum::http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::from_cookie_header)
        .unwrap_or_default()
}

/// `GET /auth/login`.
pub async fn applicant_login(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Query(q): Query<NextPage>,
) -> Response {
    login(LoginKind::Applicant, &state, q.next, locale_of(&headers)).await
}

/// `GET /auth/staff/login`.
pub async fn staff_login(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Query(q): Query<NextPage>,
) -> Response {
    login(LoginKind::Staff, &state, q.next, locale_of(&headers)).await
}

/// `GET /auth/callback`.
pub async fn applicant_callback(
    State(state): State<HttpState>,
    session: Session,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    callback(LoginKind::Applicant, &state, &session, &headers, q).await
}

/// `GET /auth/staff/callback`.
pub async fn staff_callback(
    State(state): State<HttpState>,
    session: Session,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    callback(LoginKind::Staff, &state, &session, &headers, q).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_login_message_is_translated() {
        let source = include_str!("oidc.rs");
        let keys: Vec<&str> = source
            .split("\"login.")
            .skip(1)
            .filter_map(|rest| rest.split_once('"').map(|(key, _)| key))
            .filter(|key| {
                !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            })
            .collect();
        assert!(keys.len() >= 10, "{keys:?}");
        for key in keys {
            let key: &'static str = Box::leak(format!("login.{key}").into_boxed_str());
            for locale in Locale::ALL {
                assert_ne!(locale.t(key), key, "{key} is missing in {}", locale.code());
            }
        }
    }

    fn discovery(extra: serde_json::Value) -> Metadata {
        let mut document = serde_json::json!({
            "issuer": "http://127.0.0.1:4011",
            "authorization_endpoint": "http://127.0.0.1:4011/auth",
            "jwks_uri": "http://127.0.0.1:4011/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "end_session_endpoint": "http://127.0.0.1:4011/session/end"
        });
        if let (Some(document), Some(extra)) = (document.as_object_mut(), extra.as_object()) {
            document.extend(extra.clone());
        }
        serde_json::from_value(document).unwrap_or_else(|e| panic!("discovery: {e}"))
    }

    #[test]
    fn the_iss_parameter_is_required_when_the_provider_advertises_it() {
        let advertised = discovery(
            serde_json::json!({ "authorization_response_iss_parameter_supported": true }),
        );
        assert!(metadata_says_iss_is_sent(&advertised));
        // The logout endpoint is still read beside it.
        assert!(advertised
            .additional_metadata()
            .end_session_endpoint
            .is_some());
        let not_sent = discovery(
            serde_json::json!({ "authorization_response_iss_parameter_supported": false }),
        );
        assert!(!metadata_says_iss_is_sent(&not_sent));
        assert!(!metadata_says_iss_is_sent(&discovery(
            serde_json::json!({})
        )));
    }

    #[test]
    fn scopes_are_read_space_separated_with_openid_added_by_the_crate() {
        let provider = |scopes: &str| {
            OidcProvider::new(
                LoginKind::Applicant,
                ProviderSettings {
                    issuer: "http://127.0.0.1:4011".into(),
                    client_id: "sagsspor".into(),
                    client_secret: "secret".into(),
                    claims: ClaimMapping {
                        cvr: "cvr".into(),
                        organisation: "org".into(),
                        authority: String::new(),
                        role: String::new(),
                    },
                    scopes: scopes.into(),
                },
                "http://127.0.0.1:3000",
            )
            .map(|p| {
                p.scopes
                    .iter()
                    .map(|s| s.as_str().to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_else(|e| panic!("provider: {e}"))
        };
        assert_eq!(provider(DEFAULT_SCOPES), ["profile", "email"]);
        assert_eq!(
            provider("  openid profile\temail nemlogin  profile "),
            ["profile", "email", "nemlogin"]
        );
        assert!(provider("openid").is_empty());
    }

    #[test]
    fn cvr_numbers_are_eight_digits() {
        assert!(is_cvr("12345678"));
        assert!(!is_cvr("1234567"));
        assert!(!is_cvr("1234567a"));
    }

    #[test]
    fn extra_claims_read_strings_and_numbers_by_configured_name() {
        let claims: ExtraClaims = serde_json::from_value(serde_json::json!({
            "https://data.gov.dk/model/core/eid/professional/cvr": "12345678",
            "authority_code": 851,
            "empty": "  "
        }))
        .unwrap_or_default();
        assert_eq!(
            claims
                .text("https://data.gov.dk/model/core/eid/professional/cvr")
                .as_deref(),
            Some("12345678")
        );
        assert_eq!(claims.text("authority_code").as_deref(), Some("851"));
        assert_eq!(claims.text("empty"), None);
        assert_eq!(claims.text("missing"), None);
    }
}
