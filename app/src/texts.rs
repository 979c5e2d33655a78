//! The words the pages use for domain values, in one place (Danish; the English catalogue
//! arrives with the language switch).

use crate::domain::clock::{GoalStatus, NotCoveredReason};
use crate::domain::lifecycle::{CaseState, EventKind, Party, Phase};
use crate::domain::reference::ReferenceError;
use chrono::{Datelike, NaiveDate};

/// The state as the applicant reads it.
pub fn state_label(state: CaseState) -> &'static str {
    match state {
        CaseState::Draft => "Kladde",
        CaseState::Submitted => "Modtaget",
        CaseState::Registered => "Registreret — screenes for fuldstændighed",
        CaseState::InProgress => "Under behandling",
        CaseState::AwaitingApplicant => "Afventer dine oplysninger",
        CaseState::Hearing => "I høring",
        CaseState::Decided => "Afgjort",
        CaseState::Closed => "Afsluttet",
        CaseState::Withdrawn => "Trukket tilbage",
    }
}

/// The step names of the progress indicator.
pub fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::Received => "Modtaget",
        Phase::Registered => "Registreret",
        Phase::Screening => "Screening",
        Phase::Processing => "Sagsbehandling",
        Phase::Decided => "Afgjort",
    }
}

/// Who must act next, as a sentence.
pub fn must_act_sentence(party: Party) -> &'static str {
    match party {
        Party::Authority => "Myndigheden arbejder på sagen.",
        Party::Applicant => "Myndigheden venter på oplysninger fra dig.",
        Party::Nobody => "Ingen skal handle på sagen lige nu.",
    }
}

/// Who must act next, as a short tag.
pub fn party_label(party: Party) -> &'static str {
    match party {
        Party::Authority => "Myndigheden",
        Party::Applicant => "Ansøger",
        Party::Nobody => "Ingen",
    }
}

/// What an event in the timeline was.
pub fn event_label(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Submitted => "Ansøgningen er modtaget",
        EventKind::Registered => "Sagen er registreret (journaliseret)",
        EventKind::DeclaredComplete => "Sagen er fuldt oplyst — servicemålet tæller fra i dag",
        EventKind::InformationRequested => "Myndigheden har bedt om flere oplysninger",
        EventKind::InformationReceived => "Oplysningerne er modtaget",
        EventKind::HearingStarted => "Sagen er sendt i høring",
        EventKind::HearingEnded => "Høringen er afsluttet",
        EventKind::Decided => "Der er truffet afgørelse",
        EventKind::Closed => "Sagen er afsluttet",
        EventKind::Reopened => "Sagen er genoptaget",
        EventKind::Withdrawn => "Ansøgningen er trukket tilbage",
        EventKind::Assigned => "Sagen er tildelt en sagsbehandler",
        EventKind::NoteAdded => "Intern note",
        EventKind::GoalNotCovered => "Sagen er ikke omfattet af servicemålet",
        EventKind::DocumentAdded => "Dokument tilføjet",
    }
}

/// The service-goal status as a tag.
pub fn goal_status_label(status: &GoalStatus) -> String {
    match status {
        GoalStatus::NotStarted => "Servicemålet er ikke startet".into(),
        GoalStatus::Running { days_left } => {
            format!("Inden for servicemålet ({days_left} dage tilbage)")
        }
        GoalStatus::AtRisk { days_left } => {
            format!("Tæt på servicemålet ({days_left} dage tilbage)")
        }
        GoalStatus::Kept { .. } => "Servicemålet er overholdt".into(),
        GoalStatus::Missed { days_over } => {
            format!("Servicemålet er overskredet med {days_over} dage")
        }
        GoalStatus::NotCovered(reason) => {
            format!("Ikke omfattet af servicemål: {}", not_covered_label(reason))
        }
    }
}

/// Why a case is outside the service goal.
pub fn not_covered_label(reason: &NotCoveredReason) -> String {
    match reason {
        NotCoveredReason::NoNationalGoal => {
            "der er intet nationalt servicemål for denne ansøgningstype".into()
        }
        NotCoveredReason::Marked(text) => text.clone(),
        NotCoveredReason::Withdrawn => "ansøgningen er trukket tilbage".into(),
        NotCoveredReason::DecidedBeforeComplete => {
            "afgjort uden at være erklæret fuldt oplyst".into()
        }
    }
}

/// The message for a reference that could not be read.
pub fn reference_error(error: &ReferenceError) -> &'static str {
    match error {
        ReferenceError::NotFound => {
            "Det ligner ikke en sagsreference. En reference ser sådan ud: 101-2026-000123-8."
        }
        ReferenceError::Malformed => {
            "Referencen har ikke det rigtige antal cifre. En reference ser sådan ud: 101-2026-000123-8."
        }
        ReferenceError::CheckDigitMismatch => {
            "Kontrolcifferet passer ikke — er et ciffer tastet forkert?"
        }
    }
}

const MONTHS_DA: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

/// A date as Danish prose: "27. november 2026".
pub fn date_long(date: NaiveDate) -> String {
    let month = MONTHS_DA[date.month0() as usize];
    format!("{}. {} {}", date.day(), month, date.year())
}

/// A date as Danish digits: "27.11.2026".
pub fn date_short(date: NaiveDate) -> String {
    date.format("%d.%m.%Y").to_string()
}

/// "1 dag" / "3 dage".
pub fn days(n: i64) -> String {
    if n == 1 || n == -1 {
        format!("{n} dag")
    } else {
        format!("{n} dage")
    }
}
