//! The one authorization policy: every page, server function and download asks it.

use crate::db::cases::Case;

/// How the process runs: the demo opens what `serve` keeps closed until login exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// Production: only what the policy grants a logged-in user.
    Serve,
    /// The demo with made-up data.
    Demo,
}

/// Who is asking. Login (applicants, business users, caseworkers) extends this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    Anonymous,
}

/// May this viewer see this case's folder? A `false` must be answered exactly like a case that
/// does not exist, so references cannot be probed.
pub fn may_view_case(mode: RunMode, viewer: &Viewer, case: &Case) -> bool {
    match (mode, viewer) {
        // Drafts are the applicant's own; nobody sees them through the folder yet.
        (_, _) if case.reference.is_none() => false,
        // Until login exists, the demo's made-up cases are open to the demo visitor, and
        // `serve` shows no case to anyone.
        (RunMode::Demo, Viewer::Anonymous) => true,
        (RunMode::Serve, Viewer::Anonymous) => false,
    }
}
