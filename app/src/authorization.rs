//! The one authorization policy: every page, server function and download asks it.

use crate::db::cases::Case;
use crate::db::documents::Document;
use crate::db::users::User;
use serde::{Deserialize, Serialize};

/// How the process runs: the demo has a persona login and made-up data; `serve` has neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// Production: logins through the configured OpenID providers only.
    Serve,
    /// The demo with made-up data and a persona login.
    Demo,
}

/// Who is asking, as the login established it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Viewer {
    Anonymous,
    /// A citizen, identified by the provider's stable subject.
    Citizen {
        user_id: i64,
        subject: String,
    },
    /// An employee of a business; sees every case of the company's CVR number.
    Business {
        user_id: i64,
        cvr: String,
    },
    /// A caseworker (sagsbehandler) of one authority.
    Caseworker {
        user_id: i64,
        authority_code: i32,
    },
}

impl Viewer {
    /// The logged-in user's id.
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Viewer::Anonymous => None,
            Viewer::Citizen { user_id, .. }
            | Viewer::Business { user_id, .. }
            | Viewer::Caseworker { user_id, .. } => Some(*user_id),
        }
    }

    /// The viewer a stored user is when logged in (their login decided kind, CVR and authority).
    pub fn of_user(user: &User) -> Viewer {
        match (user.kind.as_str(), user.cvr.clone(), user.authority_code) {
            ("business", Some(cvr), _) => Viewer::Business {
                user_id: user.id,
                cvr,
            },
            ("caseworker", _, Some(authority_code)) => Viewer::Caseworker {
                user_id: user.id,
                authority_code,
            },
            _ => Viewer::Citizen {
                user_id: user.id,
                subject: user.subject.clone(),
            },
        }
    }

    /// Whether someone is logged in.
    pub fn is_logged_in(&self) -> bool {
        !matches!(self, Viewer::Anonymous)
    }

    /// Whether this is an applicant (a citizen or a business user).
    pub fn is_applicant(&self) -> bool {
        matches!(self, Viewer::Citizen { .. } | Viewer::Business { .. })
    }
}

/// Whether the applicant side of this case is this viewer: the citizen who applied, or any
/// employee of the company that applied (so access survives staff changes).
pub fn is_own_case(viewer: &Viewer, case: &Case) -> bool {
    match viewer {
        Viewer::Citizen { subject, .. } => {
            case.applicant_kind == "person"
                && case.applicant_subject.as_deref() == Some(subject.as_str())
        }
        Viewer::Business { cvr, .. } => case.applicant_cvr.as_deref() == Some(cvr.as_str()),
        Viewer::Anonymous | Viewer::Caseworker { .. } => false,
    }
}

/// May this viewer see this case's folder? A `false` must be answered exactly like a case that
/// does not exist, so references cannot be probed.
pub fn may_view_case(viewer: &Viewer, case: &Case) -> bool {
    match viewer {
        Viewer::Anonymous => false,
        Viewer::Citizen { .. } | Viewer::Business { .. } => is_own_case(viewer, case),
        // A draft is the applicant's alone until it is submitted.
        Viewer::Caseworker { authority_code, .. } => {
            case.authority_code == *authority_code && case.reference.is_some()
        }
    }
}

/// May this viewer act as the applicant on this case (answer requests, withdraw)?
pub fn may_act_as_applicant(viewer: &Viewer, case: &Case) -> bool {
    is_own_case(viewer, case)
}

/// May this viewer see and replace the case's status-only tracking link? Only the applicant:
/// the link is theirs to hand on, and a new one cuts off everyone who had the old one.
pub fn may_rotate_tracking_link(viewer: &Viewer, case: &Case) -> bool {
    is_own_case(viewer, case) && case.reference.is_some()
}

/// May this viewer act as the authority on this case?
pub fn may_act_as_authority(viewer: &Viewer, case: &Case) -> bool {
    matches!(viewer, Viewer::Caseworker { authority_code, .. } if case.authority_code == *authority_code && case.reference.is_some())
}

/// May this viewer register, see and remove the webhook receivers of this CVR number? Only a
/// business user logged in for that very CVR; a citizen, a caseworker or another company's user
/// may not (and is answered as if the receiver did not exist).
pub fn may_manage_webhooks(viewer: &Viewer, cvr: &str) -> bool {
    matches!(viewer, Viewer::Business { cvr: own, .. } if own == cvr)
}

/// May a machine client of the integration API (one authority's case system) read and change this
/// case? Only its own authority's cases, and only once they are submitted (a draft is the
/// applicant's alone).
pub fn may_client_act_on(client_authority_code: i32, case: &Case) -> bool {
    case.authority_code == client_authority_code && case.reference.is_some()
}

/// May this viewer download this document of this case? Whoever may see the case sees the
/// documents the applicant may see; documents kept from the applicant only the authority sees.
pub fn may_view_document(viewer: &Viewer, case: &Case, document: &Document) -> bool {
    document.case_id == case.id
        && may_view_case(viewer, case)
        && (document.visible_to_applicant || may_act_as_authority(viewer, case))
}
