//! Webhooks of a company: registering and removing receivers from `/indstillinger`, and posting
//! deliveries from the outbox signed after Standard Webhooks (<https://www.standardwebhooks.com/>):
//! `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
//! "{id}.{timestamp}.{body}">` keyed with the base64-decoded secret after `whsec_`.

use crate::http::HttpState;
use crate::outbox_worker::SendError;
use app::auth::SessionUser;
use app::authorization::{may_manage_webhooks, Viewer};
use app::db::outbox::OutboxMessage;
use app::db::webhooks::{NewWebhookEndpoint, WebhookEndpoint, MAX_ENDPOINTS_PER_CVR};
use app::db::DbError;
use app::error::AppError;
use app::flash::{WebhookFlash, WEBHOOK_FLASH_KEY};
use app::in_transaction;
use app::state::now_utc;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use openidconnect::reqwest;
use sha2::Sha256;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Duration;
use tower_sessions::Session;

/// How long a receiver has to answer one delivery.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest receiver address accepted.
const MAX_URL_LENGTH: usize = 2000;

/// The `webhook-signature` value of a message: `v1,` and the base64 HMAC-SHA256 of
/// `{msg_id}.{timestamp}.{body}`, keyed with the bytes of the secret (`whsec_` + base64).
/// `None` when the secret is not base64.
pub fn sign(secret: &str, msg_id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .ok()?;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).ok()?;
    mac.update(format!("{msg_id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// A new signing secret: 32 random bytes, written as Standard Webhooks does.
pub fn generate_secret() -> String {
    let key: [u8; 32] = rand::random();
    format!("whsec_{}", STANDARD.encode(key))
}

/// The `webhook-id` of an outbox message: the same for every attempt, so a receiver can drop a
/// repeat.
pub fn message_id(message: &OutboxMessage) -> String {
    format!("msg_{}", message.id)
}

/// Checks a receiver address as typed: HTTPS, or plain HTTP to this machine only (tests and
/// development). Returns the address to store, or the message code of what is wrong.
pub fn check_url(input: &str) -> Result<String, &'static str> {
    let input = input.trim();
    if input.is_empty() {
        return Err("webhooks.error.url_missing");
    }
    if input.len() > MAX_URL_LENGTH {
        return Err("webhooks.error.url_invalid");
    }
    let Ok(url) = url::Url::parse(input) else {
        return Err("webhooks.error.url_invalid");
    };
    let Some(host) = url.host_str() else {
        return Err("webhooks.error.url_invalid");
    };
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err("webhooks.error.url_invalid");
    }
    let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    if is_private_address(&url) {
        return Err("webhooks.error.url_private");
    }
    match url.scheme() {
        "https" => Ok(url.to_string()),
        "http" if local => Ok(url.to_string()),
        "http" => Err("webhooks.error.url_insecure"),
        _ => Err("webhooks.error.url_invalid"),
    }
}

/// Whether the address names, as a literal IP, a private, link-local or unspecified address —
/// the machine's own network, which a company's receiver has no business being on. (Loopback is
/// allowed for development; a host *name* that resolves to such an address is not caught here.)
fn is_private_address(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => {
            ip.is_private() || ip.is_link_local() || ip.is_unspecified() || ip.is_broadcast()
        }
        Some(url::Host::Ipv6(ip)) => {
            let first = ip.segments()[0];
            ip.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || ip.to_ipv4_mapped().is_some_and(|v4| !v4.is_loopback())
        }
        _ => false,
    }
}

/// The HTTP client of deliveries: no redirects (a receiver does not send us elsewhere), a
/// bounded wait.
fn client() -> Result<&'static reqwest::Client, SendError> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .timeout(DELIVERY_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .ok()
        })
        .as_ref()
        .ok_or_else(|| SendError::Transient("could not build the HTTP client".to_string()))
}

/// Posts one outbox message to its receiver, signed. 2xx is delivered; 408, 429, 5xx and a
/// receiver that does not answer are tried again; any other answer fails the message.
pub async fn deliver(
    message: &OutboxMessage,
    endpoint: Option<&WebhookEndpoint>,
    timestamp: i64,
) -> Result<(), SendError> {
    let Some(endpoint) = endpoint.filter(|e| e.removed_at.is_none()) else {
        return Err(SendError::Permanent("receiver removed".to_string()));
    };
    let id = message_id(message);
    let body = message.payload.as_bytes();
    let signature = sign(&endpoint.secret, &id, timestamp, body)
        .ok_or_else(|| SendError::Permanent("unusable signing secret".to_string()))?;
    let response = client()?
        .post(&endpoint.url)
        .header("Content-Type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(message.payload.clone())
        .send()
        .await
        .map_err(|e| SendError::Transient(format!("receiver unreachable: {e}")))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else if status.is_server_error()
        || status == reqwest::StatusCode::TOO_MANY_REQUESTS
        || status == reqwest::StatusCode::REQUEST_TIMEOUT
    {
        Err(SendError::Transient(format!("receiver answered {status}")))
    } else {
        Err(SendError::Permanent(format!("receiver refused: {status}")))
    }
}

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

/// What became of a new receiver.
enum Added {
    Created(WebhookEndpoint),
    TooMany,
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
    let url = match check_url(&typed) {
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
    let added = async {
        let mut conn = state.app.db.conn().await?;
        let result: Result<Added, DbError> = in_transaction!(conn, {
            WebhookEndpoint::lock_cvr(&mut conn, &cvr).await?;
            let existing = WebhookEndpoint::active_for_cvr(&mut conn, &cvr).await?;
            if i64::try_from(existing.len()).unwrap_or(i64::MAX) >= MAX_ENDPOINTS_PER_CVR {
                return Ok(Added::TooMany);
            }
            let new = NewWebhookEndpoint {
                cvr: &cvr,
                url: &url,
                secret: &secret,
                created_by_user_id: user.viewer.user_id(),
                created_at: now_utc(),
            };
            WebhookEndpoint::create(&mut conn, &new)
                .await
                .map(Added::Created)
        });
        Ok::<_, AppError>(result?)
    };
    match added.await {
        Ok(Added::Created(endpoint)) => {
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
        Ok(Added::TooMany) => {
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
        Err(error) => error.into_response(),
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
    let removed = async {
        let mut conn = state.app.db.conn().await?;
        let Some(endpoint) = WebhookEndpoint::find(&mut conn, id).await? else {
            return Err(AppError::NotFound);
        };
        if !may_manage_webhooks(&user.viewer, &endpoint.cvr) || endpoint.removed_at.is_some() {
            return Err(AppError::NotFound);
        }
        let result: Result<bool, DbError> = in_transaction!(conn, {
            WebhookEndpoint::remove(&mut conn, endpoint.id, now_utc()).await
        });
        result?;
        Ok(())
    };
    match removed.await {
        Ok(()) => {
            tracing::info!(endpoint_id = id, "webhook receiver removed");
            Redirect::to("/indstillinger?besked=webhook-fjernet#webhooks").into_response()
        }
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference vector of the Standard Webhooks specification's libraries.
    #[test]
    fn signature_matches_the_standard_webhooks_test_vector() {
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn a_secret_that_is_not_base64_signs_nothing() {
        assert_eq!(sign("whsec_not base64!", "msg_1", 1, b"{}"), None);
    }

    #[test]
    fn generated_secrets_have_the_standard_form_and_differ() {
        let a = generate_secret();
        assert!(a.starts_with("whsec_"));
        assert_eq!(STANDARD.decode(&a[6..]).map(|k| k.len()).ok(), Some(32));
        assert_ne!(a, generate_secret());
    }

    #[test]
    fn receiver_addresses_must_be_https_except_on_this_machine() {
        assert_eq!(
            check_url(" https://erp.example.dk/hooks ").as_deref(),
            Ok("https://erp.example.dk/hooks")
        );
        assert!(check_url("http://127.0.0.1:8080/x").is_ok());
        assert!(check_url("http://localhost/x").is_ok());
        assert_eq!(check_url(""), Err("webhooks.error.url_missing"));
        assert_eq!(
            check_url("http://erp.example.dk/hooks"),
            Err("webhooks.error.url_insecure")
        );
        for bad in [
            "erp.example.dk",
            "ftp://erp.example.dk",
            "https://user:pw@erp.example.dk/",
            "https://erp.example.dk/#x",
            "javascript:alert(1)",
        ] {
            assert_eq!(check_url(bad), Err("webhooks.error.url_invalid"), "{bad}");
        }
        for private in [
            "https://10.0.0.7/hooks",
            "https://192.168.1.1/",
            "https://172.16.0.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://0.0.0.0/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:10.0.0.1]/",
        ] {
            assert_eq!(
                check_url(private),
                Err("webhooks.error.url_private"),
                "{private}"
            );
        }
    }
}
