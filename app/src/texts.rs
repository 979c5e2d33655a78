//! The words for domain values, in the chosen language (the catalogues are in `app/locales`).

use crate::domain::clock::{GoalStatus, NotCoveredReason};
use crate::domain::lifecycle::{CaseState, EventKind, Party, Phase};
use crate::domain::reference::ReferenceError;
use crate::i18n::Locale;

/// The state as the applicant reads it.
pub fn state_label(locale: Locale, state: CaseState) -> &'static str {
    locale.t(match state {
        CaseState::Draft => "state.draft",
        CaseState::Submitted => "state.submitted",
        CaseState::Registered => "state.registered",
        CaseState::InProgress => "state.in_progress",
        CaseState::AwaitingApplicant => "state.awaiting_applicant",
        CaseState::Hearing => "state.hearing",
        CaseState::Decided => "state.decided",
        CaseState::Closed => "state.closed",
        CaseState::Withdrawn => "state.withdrawn",
    })
}

/// The step names of the progress indicator.
pub fn phase_label(locale: Locale, phase: Phase) -> &'static str {
    locale.t(match phase {
        Phase::Received => "phase.received",
        Phase::Registered => "phase.registered",
        Phase::Screening => "phase.screening",
        Phase::Processing => "phase.processing",
        Phase::Decided => "phase.decided",
    })
}

/// Who must act next, as a sentence.
pub fn must_act_sentence(locale: Locale, party: Party) -> &'static str {
    locale.t(match party {
        Party::Authority => "must_act.authority",
        Party::Applicant => "must_act.applicant",
        Party::Nobody => "must_act.nobody",
    })
}

/// Who must act next, as a short label.
pub fn party_label(locale: Locale, party: Party) -> &'static str {
    locale.t(match party {
        Party::Authority => "party.authority",
        Party::Applicant => "party.applicant",
        Party::Nobody => "party.nobody",
    })
}

/// What an event in the timeline was.
pub fn event_label(locale: Locale, kind: EventKind) -> &'static str {
    locale.t(match kind {
        EventKind::Submitted => "event.submitted",
        EventKind::Registered => "event.registered",
        EventKind::DeclaredComplete => "event.declared_complete",
        EventKind::InformationRequested => "event.information_requested",
        EventKind::InformationReceived => "event.information_received",
        EventKind::ItemAnswered => "event.item_answered",
        EventKind::HearingStarted => "event.hearing_started",
        EventKind::HearingEnded => "event.hearing_ended",
        EventKind::Decided => "event.decided",
        EventKind::Closed => "event.closed",
        EventKind::Reopened => "event.reopened",
        EventKind::Withdrawn => "event.withdrawn",
        EventKind::Assigned => "event.assigned",
        EventKind::NoteAdded => "event.note_added",
        EventKind::GoalNotCovered => "event.goal_not_covered",
        EventKind::DocumentAdded => "event.document_added",
    })
}

/// The service-goal status as a sentence.
pub fn goal_status_label(locale: Locale, status: &GoalStatus) -> String {
    match status {
        GoalStatus::NotStarted => locale.t("goal.not_started").to_string(),
        GoalStatus::Running { days_left } => {
            locale.tf("goal.running", &[("days", &locale.days(*days_left))])
        }
        GoalStatus::AtRisk { days_left } => {
            locale.tf("goal.at_risk", &[("days", &locale.days(*days_left))])
        }
        GoalStatus::Kept { .. } => locale.t("goal.kept").to_string(),
        GoalStatus::Missed { days_over } => {
            locale.tf("goal.missed", &[("days", &locale.days(*days_over))])
        }
        GoalStatus::NotCovered(reason) => locale.tf(
            "goal.not_covered",
            &[("reason", &not_covered_label(locale, reason))],
        ),
    }
}

/// Why a case is outside the service goal. A caseworker's own reason is shown as written.
pub fn not_covered_label(locale: Locale, reason: &NotCoveredReason) -> String {
    match reason {
        NotCoveredReason::NoNationalGoal => locale.t("not_covered.no_national_goal").to_string(),
        NotCoveredReason::Marked(text) => text.clone(),
        NotCoveredReason::Withdrawn => locale.t("not_covered.withdrawn").to_string(),
        NotCoveredReason::DecidedBeforeComplete => {
            locale.t("not_covered.decided_before_complete").to_string()
        }
    }
}

/// The message for a reference that could not be read.
pub fn reference_error(locale: Locale, error: &ReferenceError) -> &'static str {
    locale.t(match error {
        ReferenceError::NotFound => "reference_error.not_found",
        ReferenceError::Malformed => "reference_error.malformed",
        ReferenceError::CheckDigitMismatch => "reference_error.check_digit",
    })
}

/// What a document is to the case.
pub fn document_kind_label(locale: Locale, kind: &str) -> &'static str {
    locale.t(match kind {
        "decision" => "documents.kind_decision",
        "answer" => "documents.kind_answer",
        _ => "documents.kind_attachment",
    })
}

/// A file size as people read it: "340 kB", "1,2 MB" ("1.2 MB" in English).
pub fn file_size(locale: Locale, bytes: i64) -> String {
    const KB: f64 = 1000.0;
    let bytes = bytes.max(0) as f64;
    let text = if bytes < KB * KB {
        format!("{} kB", (bytes / KB).ceil())
    } else {
        format!("{:.1} MB", bytes / (KB * KB))
    };
    match locale {
        Locale::Da => text.replace('.', ","),
        Locale::En => text,
    }
}

/// Why an attachment was not added (the code the upload handler sends back).
pub fn attachment_problem(locale: Locale, code: &str, max_mb: u64) -> String {
    let key = crate::forms::case_folder::UploadProblem::parse(code).attachment_message_key();
    locale.tf(key, &[("mb", &max_mb)])
}

/// Why an answer to a request for information was not accepted.
pub fn answer_problem(locale: Locale, code: &str, max_mb: u64) -> String {
    let key = crate::forms::case_folder::AnswerProblem::parse(code).message_key();
    locale.tf(key, &[("mb", &max_mb)])
}

/// The name of a caseworker action (the `handling` of its form; an unknown code reads as
/// the generic word "action", never as a raw key).
pub fn caseworker_action_label(locale: Locale, action: &str) -> String {
    match crate::forms::caseworker_actions::CaseworkerAction::parse(action) {
        Some(action) => locale.t_owned(&action.label_key()),
        None => locale.t_owned("caseworker.action.unknown"),
    }
}

/// Why a caseworker action was not carried out.
pub fn caseworker_problem(locale: Locale, flash: &crate::flash::CaseworkerFlash) -> String {
    let text = locale.t_owned(&flash.problem);
    match flash.limit {
        Some(max) => text.replace("{max}", &max.to_string()),
        None => text,
    }
}

/// Who a user is, for the audit trail.
pub fn user_kind_label(locale: Locale, kind: &str) -> &'static str {
    locale.t(match kind {
        "caseworker" => "user_kind.caseworker",
        "business" => "user_kind.business",
        _ => "user_kind.citizen",
    })
}

/// A decision's outcome as the caseworker chooses it.
pub fn outcome_label(locale: Locale, outcome: crate::services::decisions::Outcome) -> &'static str {
    use crate::services::decisions::Outcome;
    locale.t(match outcome {
        Outcome::Approved => "decision.outcome_approved",
        Outcome::ApprovedWithConditions => "decision.outcome_conditions",
        Outcome::Refused => "decision.outcome_refused",
        Outcome::Dismissed => "decision.outcome_dismissed",
    })
}
