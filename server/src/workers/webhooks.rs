//! Webhook deliveries: which receiver addresses are allowed (asked at registration and again at
//! delivery), and posting deliveries from the outbox signed after Standard Webhooks (<https://www.standardwebhooks.com/>):
//! `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
//! "{id}.{timestamp}.{body}">` keyed with the base64-decoded secret after `whsec_`.

use crate::workers::outbox::SendError;
use app::db::outbox::OutboxMessage;
use app::db::webhooks::WebhookEndpoint;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use openidconnect::reqwest;
use sha2::Sha256;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

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

/// Which receivers a process may post to. A company's receiver belongs on the public internet:
/// this machine and its private network hold the database, the providers and the metadata
/// services a forged receiver could probe. Development, the demo and the tests post to this
/// machine, and say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiverScope {
    /// Public addresses only, over HTTPS (production).
    PublicOnly,
    /// Also this machine (loopback, `localhost`), over plain HTTP too.
    AlsoThisMachine,
}

/// Checks a receiver address as typed: HTTPS to a public host, or, where the scope allows this
/// machine, also HTTP to it. Returns the address to store, or the message code of what is
/// wrong. A host *name* is resolved only when posting (see [`PublicAddressesOnly`]): what it
/// points to may change after it is registered.
pub fn check_url(input: &str, scope: ReceiverScope) -> Result<String, &'static str> {
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
    let Some(host) = url.host() else {
        return Err("webhooks.error.url_invalid");
    };
    if !url.username().is_empty() || url.password().is_some() || url.fragment().is_some() {
        return Err("webhooks.error.url_invalid");
    }
    if !matches!(url.scheme(), "https" | "http") {
        return Err("webhooks.error.url_invalid");
    }
    if url.port() == Some(0) {
        return Err("webhooks.error.url_invalid");
    }
    let this_machine = match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => classify(IpAddr::V4(ip)) == AddressClass::Loopback,
        url::Host::Ipv6(ip) => classify(IpAddr::V6(ip)) == AddressClass::Loopback,
    };
    let allowed_here = this_machine && scope == ReceiverScope::AlsoThisMachine;
    let literal = match host {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    };
    if (this_machine && !allowed_here) || literal.is_some_and(|ip| !reachable(ip, scope)) {
        return Err("webhooks.error.url_private");
    }
    match url.scheme() {
        "http" if !allowed_here => Err("webhooks.error.url_insecure"),
        _ => Ok(url.to_string()),
    }
}

/// Where an address leads, as far as a receiver is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressClass {
    /// The public internet.
    Public,
    /// This machine (`127.0.0.0/8`, `::1`).
    Loopback,
    /// Anything else that is not the public internet: private and shared networks, link-local
    /// (cloud metadata), "this network", multicast, broadcast, reserved, documentation and
    /// benchmarking ranges, and their IPv6 kin.
    NotPublic,
}

/// The one classification of addresses, for a receiver's literal address when it is registered
/// and for every address its name resolves to at delivery. IPv6 forms that carry an IPv4
/// address — IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`), NAT64
/// (`64:ff9b::/96`) and 6to4 (`2002::/16`) — are judged by the IPv4 address inside, and are
/// never "this machine": a receiver on loopback is registered as loopback.
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(ip) => classify_v4(ip),
        IpAddr::V6(ip) => classify_v6(ip),
    }
}

fn classify_v4(ip: std::net::Ipv4Addr) -> AddressClass {
    let [a, b, c, _] = ip.octets();
    if a == 127 {
        return AddressClass::Loopback;
    }
    let not_public = a == 0 // "this network", 0.0.0.0/8
        || a == 10
        || (a == 100 && (64..128).contains(&b)) // shared address space (carrier-grade NAT)
        || (a == 169 && b == 254) // link-local, cloud metadata
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // TEST-NET-1
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || (a == 192 && b == 168)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // TEST-NET-2
        || (a == 203 && b == 0 && c == 113) // TEST-NET-3
        || a >= 224; // multicast 224/4, reserved 240/4 and broadcast
    if not_public {
        AddressClass::NotPublic
    } else {
        AddressClass::Public
    }
}

fn classify_v6(ip: std::net::Ipv6Addr) -> AddressClass {
    let segments = ip.segments();
    let embedded_v4 = |high: u16, low: u16| {
        let v4 = std::net::Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
        match classify_v4(v4) {
            AddressClass::Public => AddressClass::Public,
            AddressClass::Loopback | AddressClass::NotPublic => AddressClass::NotPublic,
        }
    };
    if ip.is_loopback() {
        return AddressClass::Loopback;
    }
    if ip.is_unspecified() {
        return AddressClass::NotPublic;
    }
    match segments {
        // IPv4-mapped ::ffff:0:0/96 and IPv4-compatible ::/96
        [0, 0, 0, 0, 0, 0xffff, high, low] | [0, 0, 0, 0, 0, 0, high, low] => {
            embedded_v4(high, low)
        }
        // NAT64, well-known prefix 64:ff9b::/96
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => embedded_v4(high, low),
        // 6to4 2002::/16: the IPv4 address follows the prefix
        [0x2002, high, low, ..] => embedded_v4(high, low),
        [first, second, ..] => {
            let not_public = (first == 0x64 && second == 0xff9b) // NAT64 local use 64:ff9b:1::/48
                || (first == 0x100 && second == 0) // discard 100::/64
                || (first == 0x2001 && second < 0x200) // IETF protocol assignments (Teredo…)
                || (first == 0x2001 && second == 0xdb8) // documentation
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (first & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
                || (first & 0xff00) == 0xff00 // multicast
                || (first & 0xe000) != 0x2000; // outside global unicast 2000::/3
            if not_public {
                AddressClass::NotPublic
            } else {
                AddressClass::Public
            }
        }
    }
}

/// Whether a receiver may be reached at this address under the scope.
fn reachable(ip: IpAddr, scope: ReceiverScope) -> bool {
    match classify(ip) {
        AddressClass::Public => true,
        AddressClass::Loopback => scope == ReceiverScope::AlsoThisMachine,
        AddressClass::NotPublic => false,
    }
}

/// The name resolver of deliveries: it keeps only the addresses a receiver may have, so a host
/// name that points into this machine's network — when registered, or re-pointed later — is
/// never connected to.
struct PublicAddressesOnly(ReceiverScope);

impl reqwest::dns::Resolve for PublicAddressesOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let scope = self.0;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let resolved = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let kept: Vec<SocketAddr> = resolved.filter(|a| reachable(a.ip(), scope)).collect();
            if kept.is_empty() {
                return Err(
                    Box::new(PointsInward(host)) as Box<dyn std::error::Error + Send + Sync>
                );
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// A receiver's host name that resolves to no address a receiver may have: not worth retrying.
#[derive(Debug)]
struct PointsInward(String);

impl std::fmt::Display for PointsInward {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} points only to private addresses", self.0)
    }
}

impl std::error::Error for PointsInward {}

/// Whether an error was, somewhere down its chain of causes, a [`PointsInward`].
fn points_inward(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<PointsInward>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// The HTTP client of deliveries under a scope: names resolved by [`PublicAddressesOnly`], no
/// redirects (a receiver does not send us elsewhere), no proxy (it would resolve the name
/// itself), a bounded wait.
fn client(scope: ReceiverScope) -> Result<&'static reqwest::Client, SendError> {
    static PUBLIC: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    static LOCAL: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    let cell = match scope {
        ReceiverScope::PublicOnly => &PUBLIC,
        ReceiverScope::AlsoThisMachine => &LOCAL,
    };
    cell.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(DELIVERY_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(PublicAddressesOnly(scope)))
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
    scope: ReceiverScope,
) -> Result<(), SendError> {
    let Some(endpoint) = endpoint.filter(|e| e.removed_at.is_none()) else {
        return Err(SendError::Permanent("receiver removed".to_string()));
    };
    // The stored address is checked again: the scope may be narrower than when it was added.
    if let Err(code) = check_url(&endpoint.url, scope) {
        return Err(SendError::Permanent(format!(
            "receiver address not allowed here ({code})"
        )));
    }
    let id = message_id(message);
    let body = message.payload.as_bytes();
    let signature = sign(&endpoint.secret, &id, timestamp, body)
        .ok_or_else(|| SendError::Permanent("unusable signing secret".to_string()))?;
    let response = client(scope)?
        .post(&endpoint.url)
        .header("Content-Type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(message.payload.clone())
        .send()
        .await
        .map_err(|e| {
            if points_inward(&e) {
                SendError::Permanent(format!("receiver not allowed: {e}"))
            } else {
                SendError::Transient(format!("receiver unreachable: {e}"))
            }
        })?;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
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
    fn receiver_addresses_must_be_public_and_https_unless_this_machine_is_allowed() {
        use ReceiverScope::*;
        assert_eq!(
            check_url(" https://erp.example.dk/hooks ", PublicOnly).as_deref(),
            Ok("https://erp.example.dk/hooks")
        );
        for local in [
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "https://[::1]/x",
        ] {
            assert!(check_url(local, AlsoThisMachine).is_ok(), "{local}");
            assert_eq!(
                check_url(local, PublicOnly),
                Err("webhooks.error.url_private"),
                "{local}"
            );
        }
        assert_eq!(check_url("", PublicOnly), Err("webhooks.error.url_missing"));
        for scope in [PublicOnly, AlsoThisMachine] {
            assert_eq!(
                check_url("http://erp.example.dk/hooks", scope),
                Err("webhooks.error.url_insecure")
            );
        }
        for bad in [
            "erp.example.dk",
            "ftp://erp.example.dk",
            "https://user:pw@erp.example.dk/",
            "https://erp.example.dk/#x",
            "javascript:alert(1)",
        ] {
            assert_eq!(
                check_url(bad, AlsoThisMachine),
                Err("webhooks.error.url_invalid"),
                "{bad}"
            );
        }
        for private in [
            "https://10.0.0.7/hooks",
            "https://192.168.1.1/",
            "https://172.16.0.1/",
            "https://100.64.0.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://0.0.0.0/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://0.0.0.1/",
            "https://[::127.0.0.1]/",
            "https://[::7f00:1]/",
            "https://[64:ff9b::7f00:1]/",
            "https://[64:ff9b::a00:1]/",
            "https://[2002:7f00:1::]/",
            "https://[2002:c0a8:101::1]/",
            "https://[fec0::1]/",
            "https://[ff02::1]/",
            "https://[2001:db8::1]/",
            "https://224.0.0.1/",
            "https://198.18.0.1/",
            "https://192.0.0.1/",
            "https://240.0.0.1/",
            "https://255.255.255.255/",
        ] {
            assert_eq!(
                check_url(private, AlsoThisMachine),
                Err("webhooks.error.url_private"),
                "{private}"
            );
        }
    }

    #[test]
    fn embedded_public_addresses_stay_public_and_port_zero_is_refused() {
        use ReceiverScope::*;
        for public in [
            "https://93.184.215.14/",
            "https://[2a00:1450:4001:80b::200e]/",
            "https://[64:ff9b::5db8:d70e]/",
            "https://[2002:5db8:d70e::1]/",
        ] {
            assert!(check_url(public, PublicOnly).is_ok(), "{public}");
        }
        assert_eq!(
            check_url("https://erp.example.dk:0/hooks", PublicOnly),
            Err("webhooks.error.url_invalid")
        );
    }

    #[test]
    fn delivery_and_registration_classify_alike() {
        use std::net::{Ipv4Addr, Ipv6Addr};
        assert_eq!(
            classify(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            AddressClass::Loopback
        );
        assert_eq!(
            classify(IpAddr::V6(Ipv6Addr::LOCALHOST)),
            AddressClass::Loopback
        );
        let mapped_loopback: Ipv6Addr = "::ffff:127.0.0.1".parse().expect("address");
        assert!(!reachable(
            IpAddr::V6(mapped_loopback),
            ReceiverScope::AlsoThisMachine
        ));
        let benchmark: Ipv4Addr = "198.19.255.1".parse().expect("address");
        assert!(!reachable(
            IpAddr::V4(benchmark),
            ReceiverScope::AlsoThisMachine
        ));
    }

    #[tokio::test]
    async fn the_resolver_drops_what_a_name_points_to_on_this_machine() {
        use reqwest::dns::Resolve as _;
        let public_only = PublicAddressesOnly(ReceiverScope::PublicOnly)
            .resolve("localhost".parse().expect("a name"))
            .await;
        let error = public_only
            .err()
            .expect("localhost has only loopback addresses");
        assert!(points_inward(error.as_ref()), "{error}");

        let local = PublicAddressesOnly(ReceiverScope::AlsoThisMachine)
            .resolve("localhost".parse().expect("a name"))
            .await
            .expect("localhost resolves");
        assert!(local.into_iter().all(|a| a.ip().is_loopback()));
    }
}
