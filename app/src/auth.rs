//! Who is logged in: the record kept in the session, and how pages read it.

use crate::authorization::Viewer;
use serde::{Deserialize, Serialize};

/// The session key under which the logged-in user is kept.
pub const SESSION_USER_KEY: &str = "user";

/// How long a login lasts at most, however active the user is (the idle timeout is the
/// session's own expiry).
pub const ABSOLUTE_LOGIN_SECONDS: i64 = 12 * 60 * 60;

/// The logged-in user as kept in the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub viewer: Viewer,
    pub name: String,
    /// The company's name, for business users, when the login carries it.
    pub organisation: Option<String>,
    /// When the login happened (Unix seconds), for the absolute timeout.
    pub logged_in_at: i64,
    /// Which login it came from: `applicant`, `staff` or `demo`.
    pub provider: String,
    /// The ID token, kept to end the session at the provider on logout.
    pub id_token: Option<String>,
}

impl SessionUser {
    /// Whether the absolute lifetime of the login is over.
    pub fn expired(&self, now_unix: i64) -> bool {
        now_unix - self.logged_in_at > ABSOLUTE_LOGIN_SECONDS
    }
}

/// The viewer of the request being rendered (the HTTP layer puts it in the request).
pub fn current_viewer() -> Viewer {
    current_user()
        .map(|u| u.viewer)
        .unwrap_or(Viewer::Anonymous)
}

/// The logged-in user of the request being rendered.
pub fn current_user() -> Option<SessionUser> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SessionUser>().cloned())
}

/// Where to send an anonymous visitor to log in and come back to `next`.
pub fn login_path(demo: bool, next: &str) -> String {
    let start = if demo { "/demo/login" } else { "/auth/login" };
    format!(
        "{start}?next={}",
        crate::components::page_frame::percent_encode(next)
    )
}

/// Where to send an anonymous visitor to the caseworker pages: the staff login (in the demo,
/// the persona picker, which has the caseworkers too).
pub fn staff_login_path(demo: bool, next: &str) -> String {
    let start = if demo {
        "/demo/login"
    } else {
        "/auth/staff/login"
    };
    format!(
        "{start}?next={}",
        crate::components::page_frame::percent_encode(next)
    )
}

/// What a demo persona is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonaKind {
    Citizen,
    Business {
        cvr: &'static str,
        organisation: &'static str,
    },
    Caseworker {
        authority_code: i32,
    },
}

/// A made-up person of the demo login (`/demo/login/{key}`), never available in `serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoPersona {
    pub key: &'static str,
    pub name: &'static str,
    pub kind: PersonaKind,
}

/// The demo's personas: a citizen, two employees of one company, one of another, and a
/// caseworker of København and one of Aalborg. The demo data holds cases of every applicant.
pub const DEMO_PERSONAS: &[DemoPersona] = &[
    DemoPersona {
        key: "borger",
        name: "Mette Borger",
        kind: PersonaKind::Citizen,
    },
    DemoPersona {
        key: "virksomhed-a",
        name: "Anders Nordbyg",
        kind: PersonaKind::Business {
            cvr: "12345678",
            organisation: "Nordbyg ApS",
        },
    },
    DemoPersona {
        key: "virksomhed-a2",
        name: "Birgitte Nordbyg",
        kind: PersonaKind::Business {
            cvr: "12345678",
            organisation: "Nordbyg ApS",
        },
    },
    DemoPersona {
        key: "virksomhed-b",
        name: "Carsten Sydvarme",
        kind: PersonaKind::Business {
            cvr: "87654321",
            organisation: "Sydvarme A/S",
        },
    },
    DemoPersona {
        key: "sagsbehandler-101",
        name: "Sara Sagsbehandler",
        kind: PersonaKind::Caseworker {
            authority_code: 101,
        },
    },
    DemoPersona {
        key: "sagsbehandler-851",
        name: "Niels Sagsbehandler",
        kind: PersonaKind::Caseworker {
            authority_code: 851,
        },
    },
];

impl DemoPersona {
    /// What the persona's login says about them (the demo login and the demo data both use it).
    pub fn identity<'a>(&'a self, subject: &'a str) -> crate::db::users::LoginIdentity<'a> {
        let (kind, cvr, authority_code) = match self.kind {
            PersonaKind::Citizen => ("citizen", None, None),
            PersonaKind::Business { cvr, .. } => ("business", Some(cvr), None),
            PersonaKind::Caseworker { authority_code } => {
                ("caseworker", None, Some(authority_code))
            }
        };
        crate::db::users::LoginIdentity {
            kind,
            issuer: "demo",
            subject,
            name: self.name,
            email: None,
            cvr,
            authority_code,
        }
    }
}

/// The persona with this key.
pub fn demo_persona(key: &str) -> Option<&'static DemoPersona> {
    DEMO_PERSONAS.iter().find(|p| p.key == key)
}

/// The subject a demo persona logs in with (the demo data's citizen cases carry it).
pub fn demo_subject(persona: &DemoPersona) -> String {
    format!("demo-{}", persona.key)
}

/// Whether a redirect target is a path on this site, and so safe to follow after a login or the
/// language switch. The one rule every redirect to a target from the request follows.
///
/// Browsers drop tabs and line breaks from an address and read a backslash as `/`, so
/// `/<TAB>/evil.example` and `/\evil.example` lead off-site as surely as `//evil.example`. The
/// path is therefore judged as given and once more percent-decoded: it must start with one `/`
/// and hold no second `/` right after it, no control character, no backslash and no scheme.
pub fn is_local_path(path: &str) -> bool {
    let is_local = |path: &str| {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.chars().any(|c| c.is_control() || c == '\\')
            && !path.contains("://")
    };
    is_local(path) && is_local(&crate::escape::percent_decode(path))
}

/// The target if it is a local path ([`is_local_path`]), else `fallback`.
pub fn local_path_or<'a>(target: Option<&'a str>, fallback: &'a str) -> &'a str {
    target
        .filter(|path| is_local_path(path))
        .unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::{is_local_path, local_path_or};

    #[test]
    fn only_paths_on_this_site_are_local() {
        for local in [
            "/",
            "/mine-sager",
            "/sager/101-2026-000123-8?x=1#y",
            "/s%C3%B8g",
        ] {
            assert!(is_local_path(local), "{local:?} should be local");
        }
        for foreign in [
            "",
            "mine-sager",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/x\r\nSet-Cookie: a=b",
            "/\0",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%0d%0aSet-Cookie:%20a=b",
            "/redirect?to=https://evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "/\u{7f}",
        ] {
            assert!(!is_local_path(foreign), "{foreign:?} must not be local");
        }
    }

    #[test]
    fn a_foreign_target_falls_back() {
        assert_eq!(local_path_or(Some("/%09/evil.example"), "/"), "/");
        assert_eq!(local_path_or(None, "/mine-sager"), "/mine-sager");
        assert_eq!(local_path_or(Some("/indstillinger"), "/"), "/indstillinger");
    }
}
