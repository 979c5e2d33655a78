//! A login on its way through the provider (state, nonce, PKCE verifier, return path), carried
//! by the browser in a short-lived cookie and sealed with an HMAC, so that starting a login
//! writes nothing to the session store: an anonymous visitor gets a session row only once the
//! provider has vouched for them at the callback.
//!
//! The cookie's value is `base64url(JSON) "." base64url(HMAC-SHA256)`. The key is derived from
//! the provider's client secret, which every instance already shares, so a login begun on one
//! instance finishes on another and nothing more needs configuring; changing the secret only
//! voids the logins in flight. The values are not encrypted: the browser carries the state and
//! the PKCE verifier of its own login, which the provider's redirect shows it anyway; the HMAC
//! keeps them, the login kind and the start time from being made up or changed. The callback
//! removes the cookie whatever the outcome; a replayed copy gets no further than the token
//! endpoint, where the authorization code is good for one exchange only.

use super::LoginKind;
use axum::http::{header, HeaderMap, HeaderValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use tower_sessions::cookie::{time, Cookie, SameSite};

/// The cookie's name; its path is the callback of its login kind, so nothing else receives it
/// and an applicant's and a staff login in flight do not overwrite each other.
pub const COOKIE_NAME: &str = "sagsspor_login";

/// A login must come back within this many seconds (the cookie lives as long).
pub const PENDING_LOGIN_SECONDS: i64 = 15 * 60;

/// What the callback needs to finish a login it started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingLogin {
    pub kind: LoginKind,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next: Option<String>,
    pub started_at: i64,
}

/// The key that seals pending logins of one provider.
#[derive(Clone)]
pub struct SealKey([u8; 32]);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(…)")
    }
}

impl SealKey {
    /// The key derived from a provider's client secret (an HMAC of a fixed label under it, so the
    /// secret itself never keys anything but the provider's token endpoint).
    pub fn from_client_secret(secret: &str) -> SealKey {
        let mut mac = hmac_with(secret.as_bytes());
        mac.update(b"sagsspor pending login v1");
        SealKey(mac.finalize().into_bytes().into())
    }

    fn mac(&self) -> Hmac<Sha256> {
        hmac_with(&self.0)
    }
}

#[expect(clippy::expect_used, reason = "HMAC takes keys of any length")]
fn hmac_with(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length")
}

impl PendingLogin {
    /// The sealed cookie value.
    pub fn seal(&self, key: &SealKey) -> String {
        // A struct of strings and numbers always serialises.
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default());
        let mut mac = key.mac();
        mac.update(payload.as_bytes());
        let tag = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{payload}.{tag}")
    }

    /// The pending login in a cookie value, when its seal is this key's; `None` for anything
    /// else (tampered, truncated, sealed with another secret).
    pub fn open(value: &str, key: &SealKey) -> Option<PendingLogin> {
        let (payload, tag) = value.split_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        let mut mac = key.mac();
        mac.update(payload.as_bytes());
        // Constant-time comparison.
        mac.verify_slice(&tag).ok()?;
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
    }

    /// Whether it is of this kind and still within its time at `now` (Unix seconds).
    pub fn is_current(&self, kind: LoginKind, now: i64) -> bool {
        self.kind == kind && (0..=PENDING_LOGIN_SECONDS).contains(&(now - self.started_at))
    }

    /// The `Set-Cookie` that hands it to the browser for its callback.
    pub fn set_cookie(&self, key: &SealKey, secure: bool) -> Option<HeaderValue> {
        cookie_header(
            self.kind,
            self.seal(key),
            time::Duration::seconds(PENDING_LOGIN_SECONDS),
            secure,
        )
    }
}

/// The `Set-Cookie` that removes the pending login of this kind (the callback sends it whatever
/// the outcome: a pending login is good for one try).
pub fn clear_cookie(kind: LoginKind, secure: bool) -> Option<HeaderValue> {
    cookie_header(kind, String::new(), time::Duration::ZERO, secure)
}

fn cookie_header(
    kind: LoginKind,
    value: String,
    max_age: time::Duration,
    secure: bool,
) -> Option<HeaderValue> {
    let cookie = Cookie::build((COOKIE_NAME, value))
        .path(kind.callback_path())
        .http_only(true)
        // Lax: the callback is a top-level navigation from the provider's site.
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(max_age)
        .build();
    HeaderValue::from_str(&cookie.to_string()).ok()
}

/// The sealed value the browser sent, if any.
pub fn from_request(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == COOKIE_NAME && !cookie.value().is_empty())
        .map(|cookie| cookie.value().to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn pending() -> PendingLogin {
        PendingLogin {
            kind: LoginKind::Applicant,
            state: "state-1".into(),
            nonce: "nonce-1".into(),
            pkce_verifier: "verifier-1".into(),
            next: Some("/mine-sager".into()),
            started_at: 1_800_000_000,
        }
    }

    #[test]
    fn a_sealed_login_opens_with_its_key_only() {
        let key = SealKey::from_client_secret("secret");
        let sealed = pending().seal(&key);
        assert_eq!(PendingLogin::open(&sealed, &key), Some(pending()));
        let other = SealKey::from_client_secret("another secret");
        assert_eq!(PendingLogin::open(&sealed, &other), None);
    }

    #[test]
    fn a_changed_seal_or_payload_does_not_open() {
        let key = SealKey::from_client_secret("secret");
        let sealed = pending().seal(&key);
        let (payload, tag) = sealed.split_once('.').unwrap();
        let mut forged = pending();
        forged.started_at += 3600;
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        for value in [
            format!("{forged_payload}.{tag}"),
            format!("{payload}.{}", &tag[1..]),
            format!("{payload}."),
            payload.to_string(),
            String::new(),
        ] {
            assert_eq!(PendingLogin::open(&value, &key), None, "{value}");
        }
    }

    #[test]
    fn a_pending_login_is_current_for_its_kind_and_fifteen_minutes() {
        let login = pending();
        let start = login.started_at;
        assert!(login.is_current(LoginKind::Applicant, start));
        assert!(login.is_current(LoginKind::Applicant, start + PENDING_LOGIN_SECONDS));
        assert!(!login.is_current(LoginKind::Applicant, start + PENDING_LOGIN_SECONDS + 1));
        assert!(!login.is_current(LoginKind::Applicant, start - 1));
        assert!(!login.is_current(LoginKind::Staff, start));
    }

    #[test]
    fn the_cookie_goes_only_to_its_callback_and_is_read_back() {
        let key = SealKey::from_client_secret("secret");
        let header = pending().set_cookie(&key, true).unwrap();
        let header = header.to_str().unwrap();
        for part in [
            "sagsspor_login=",
            "Path=/auth/callback",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Max-Age=900",
        ] {
            assert!(header.contains(part), "{part} in {header}");
        }
        let value = header
            .split(';')
            .next()
            .and_then(|c| c.strip_prefix("sagsspor_login="))
            .unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; sagsspor_login={value}; c=d")).unwrap(),
        );
        assert_eq!(from_request(&headers).as_deref(), Some(value));
        let cleared = clear_cookie(LoginKind::Staff, false).unwrap();
        let cleared = cleared.to_str().unwrap();
        assert!(
            cleared.contains("Max-Age=0") && cleared.contains("Path=/auth/staff/callback"),
            "{cleared}"
        );
    }
}
