//! The case lifecycle: the states a case can be in, the events that move it, and the one function
//! ([`apply`]) that decides which transitions are allowed.
//!
//! Three things are kept apart on purpose: the **state** (what has happened), the **phase** the
//! applicant sees (Modtaget → Registreret → Screening → Sagsbehandling → Afgjort), and **who must
//! act next**. A state alone cannot say the phase: waiting for the applicant happens both in
//! screening and after the case was declared complete, so [`Lifecycle`] carries that flag beside
//! the state.
//!
//! The current state of a stored case is always the result of [`replay`]ing its history; handlers
//! never set a state directly, they append an event that [`apply`] accepted.

use serde::{Deserialize, Serialize};

/// The state of a case (*sagens tilstand*): what has happened to it so far.
///
/// The string codes from [`CaseState::as_str`] are stored in the database; never change one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// *Kladde*: being written by the applicant, not yet sent and invisible to the authority.
    Draft,
    /// *Modtaget*: sent by the applicant, not yet registered by the authority.
    Submitted,
    /// *Registreret*: registered in the authority's ESDH and being screened for completeness.
    Registered,
    /// *Under behandling*: declared complete (*fuldt oplyst*) and being processed.
    InProgress,
    /// *Afventer dine oplysninger*: the authority has asked the applicant for information.
    AwaitingApplicant,
    /// *I høring*: neighbours, parties or other authorities are being consulted.
    Hearing,
    /// *Afgjort*: a decision has been made.
    Decided,
    /// *Afsluttet*: the case is closed after its decision.
    Closed,
    /// *Trukket tilbage*: the applicant withdrew the case.
    Withdrawn,
}

impl CaseState {
    /// Every state, in lifecycle order, for exhaustive tests and for listing filters.
    pub const ALL: [CaseState; 9] = [
        CaseState::Draft,
        CaseState::Submitted,
        CaseState::Registered,
        CaseState::InProgress,
        CaseState::AwaitingApplicant,
        CaseState::Hearing,
        CaseState::Decided,
        CaseState::Closed,
        CaseState::Withdrawn,
    ];

    /// The stable code stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Draft => "draft",
            CaseState::Submitted => "submitted",
            CaseState::Registered => "registered",
            CaseState::InProgress => "in_progress",
            CaseState::AwaitingApplicant => "awaiting_applicant",
            CaseState::Hearing => "hearing",
            CaseState::Decided => "decided",
            CaseState::Closed => "closed",
            CaseState::Withdrawn => "withdrawn",
        }
    }

    /// The state with the given stored code, or `None` for an unknown code.
    pub fn parse(code: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|s| s.as_str() == code)
    }

    /// Who must act next while the case is in this state.
    pub fn must_act(self) -> Party {
        match self {
            CaseState::Draft | CaseState::AwaitingApplicant => Party::Applicant,
            CaseState::Submitted
            | CaseState::Registered
            | CaseState::InProgress
            | CaseState::Hearing => Party::Authority,
            CaseState::Decided | CaseState::Closed | CaseState::Withdrawn => Party::Nobody,
        }
    }

    /// Whether the case is with the authority's processing: sent and neither decided nor
    /// withdrawn. Only open cases have a running clock and an expected decision date.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseState::Submitted
                | CaseState::Registered
                | CaseState::InProgress
                | CaseState::AwaitingApplicant
                | CaseState::Hearing
        )
    }

    /// The phase the applicant sees, given whether the case has been declared complete.
    ///
    /// A registered case is shown in [`Phase::Screening`], not [`Phase::Registered`]: screening
    /// for completeness starts the moment the case is registered, so the "registered" step is
    /// shown as passed. Drafts and withdrawn cases are not on the track at all.
    pub fn phase(self, declared_complete: bool) -> Option<Phase> {
        match self {
            CaseState::Draft | CaseState::Withdrawn => None,
            CaseState::Submitted => Some(Phase::Received),
            CaseState::Registered => Some(Phase::Screening),
            CaseState::AwaitingApplicant if !declared_complete => Some(Phase::Screening),
            CaseState::AwaitingApplicant | CaseState::InProgress | CaseState::Hearing => {
                Some(Phase::Processing)
            }
            CaseState::Decided | CaseState::Closed => Some(Phase::Decided),
        }
    }
}

/// Who must act next on a case (*hvem har bolden*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// The authority (*myndigheden*).
    Authority,
    /// The applicant (*ansøgeren*).
    Applicant,
    /// Nobody: the case is decided, closed or withdrawn.
    Nobody,
}

impl Party {
    /// The stable code stored with each event.
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Authority => "authority",
            Party::Applicant => "applicant",
            Party::Nobody => "nobody",
        }
    }

    /// The party with the given stored code, or `None` for an unknown code.
    pub fn parse(code: &str) -> Option<Party> {
        [Party::Authority, Party::Applicant, Party::Nobody]
            .into_iter()
            .find(|p| p.as_str() == code)
    }
}

/// The phases the applicant sees: Modtaget → Registreret → Screening → Sagsbehandling → Afgjort
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// *Modtaget*: the authority has received the application.
    Received,
    /// *Registreret*: the case is registered in the authority's ESDH.
    Registered,
    /// *Screening*: the authority checks whether the application is complete.
    Screening,
    /// *Sagsbehandling*: the application is complete and being processed.
    Processing,
    /// *Afgjort*: the decision is made.
    Decided,
}

impl Phase {
    /// Every phase in the order the applicant passes them, for drawing the progress steps.
    pub const ALL: [Phase; 5] = [
        Phase::Received,
        Phase::Registered,
        Phase::Screening,
        Phase::Processing,
        Phase::Decided,
    ];

    /// A stable code, used as a key for translated labels.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Received => "received",
            Phase::Registered => "registered",
            Phase::Screening => "screening",
            Phase::Processing => "processing",
            Phase::Decided => "decided",
        }
    }
}

/// What happened to a case: every event of the history has one kind.
///
/// The string codes from [`EventKind::as_str`] are stored in the database; never change one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The applicant sent the application.
    Submitted,
    /// The authority registered the case (*journaliseret*) in its ESDH.
    Registered,
    /// The authority declared the application complete (*fuldt oplyst*); starts the service-goal
    /// clock.
    DeclaredComplete,
    /// The authority asked the applicant for information (*mangelbrev*).
    InformationRequested,
    /// The applicant answered the request for information.
    InformationReceived,
    /// One item of a request for information was answered (or marked received by the
    /// authority) while others are still open. Does not change the state: the applicant still
    /// holds the case until the last item is answered, which is [`EventKind::InformationReceived`].
    ItemAnswered,
    /// A hearing (*partshøring*, *naboorientering*) started.
    HearingStarted,
    /// The hearing ended.
    HearingEnded,
    /// The authority made its decision (*afgørelse*); this includes a dismissal at screening.
    Decided,
    /// The case was closed after its decision.
    Closed,
    /// A decided or closed case was reopened, e.g. after a complaint sent it back.
    Reopened,
    /// The applicant withdrew the case.
    Withdrawn,
    /// A caseworker was assigned. Does not change the state.
    Assigned,
    /// A note was added (internal or visible). Does not change the state.
    NoteAdded,
    /// A caseworker marked the case as not covered by the service goal. Does not change the state.
    GoalNotCovered,
    /// A document was attached. Does not change the state.
    DocumentAdded,
}

impl EventKind {
    /// Every event kind, for exhaustive tests.
    pub const ALL: [EventKind; 16] = [
        EventKind::Submitted,
        EventKind::Registered,
        EventKind::DeclaredComplete,
        EventKind::InformationRequested,
        EventKind::InformationReceived,
        EventKind::ItemAnswered,
        EventKind::HearingStarted,
        EventKind::HearingEnded,
        EventKind::Decided,
        EventKind::Closed,
        EventKind::Reopened,
        EventKind::Withdrawn,
        EventKind::Assigned,
        EventKind::NoteAdded,
        EventKind::GoalNotCovered,
        EventKind::DocumentAdded,
    ];

    /// The stable code stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Submitted => "submitted",
            EventKind::Registered => "registered",
            EventKind::DeclaredComplete => "declared_complete",
            EventKind::InformationRequested => "information_requested",
            EventKind::InformationReceived => "information_received",
            EventKind::ItemAnswered => "item_answered",
            EventKind::HearingStarted => "hearing_started",
            EventKind::HearingEnded => "hearing_ended",
            EventKind::Decided => "decided",
            EventKind::Closed => "closed",
            EventKind::Reopened => "reopened",
            EventKind::Withdrawn => "withdrawn",
            EventKind::Assigned => "assigned",
            EventKind::NoteAdded => "note_added",
            EventKind::GoalNotCovered => "goal_not_covered",
            EventKind::DocumentAdded => "document_added",
        }
    }

    /// The event kind with the given stored code, or `None` for an unknown code.
    pub fn parse(code: &str) -> Option<Self> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == code)
    }

    /// Whether an accepted event of this kind can move the case to another state (or set the
    /// complete flag). The clock splits the history into spans only at these events.
    pub fn changes_state(self) -> bool {
        !matches!(
            self,
            EventKind::Assigned
                | EventKind::NoteAdded
                | EventKind::GoalNotCovered
                | EventKind::DocumentAdded
                | EventKind::ItemAnswered
        )
    }
}

/// A case's position in the lifecycle: the state plus whether the authority has declared it complete ("fuldt oplyst"), which decides where it returns after waiting for the applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    /// The current state.
    pub state: CaseState,
    /// Whether the case has been declared complete (*fuldt oplyst*) at some point. It stays set:
    /// once complete, answers from the applicant and reopenings return to processing, not to
    /// screening.
    pub declared_complete: bool,
}

impl Lifecycle {
    /// Where every case starts: a draft that has not been declared complete.
    pub const NEW_DRAFT: Lifecycle = Lifecycle {
        state: CaseState::Draft,
        declared_complete: false,
    };

    /// Who must act next.
    pub fn must_act(self) -> Party {
        self.state.must_act()
    }

    /// The phase the applicant sees.
    pub fn phase(self) -> Option<Phase> {
        self.state.phase(self.declared_complete)
    }
}

/// An event that [`apply`] refused, with a short reason a person can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{event:?} is not allowed when the case is {state:?}: {reason}")]
pub struct TransitionError {
    /// The state the case was in.
    pub state: CaseState,
    /// The refused event.
    pub event: EventKind,
    /// Why it was refused, in plain English.
    pub reason: &'static str,
}

/// THE one place that decides allowed transitions.
///
/// Returns the lifecycle after `event`, or why the event is not allowed now. Events that do not
/// change the state (assignments, notes, documents, marking the goal not covered) are allowed in
/// every state except a draft — invisible to the authority, although the applicant may attach
/// documents to it — and a withdrawn case, which nobody works on any more.
///
/// # Errors
///
/// [`TransitionError`] when the event is not allowed in the current state.
pub fn apply(current: Lifecycle, event: EventKind) -> Result<Lifecycle, TransitionError> {
    use CaseState as S;
    use EventKind as E;

    let state = current.state;
    let refuse = |reason: &'static str| {
        Err(TransitionError {
            state,
            event,
            reason,
        })
    };
    let to = |next: CaseState| {
        Ok(Lifecycle {
            state: next,
            ..current
        })
    };
    // Where a case goes back to after waiting for the applicant or after a reopening: screening
    // if it was never complete, processing otherwise.
    let back_to_work = if current.declared_complete {
        S::InProgress
    } else {
        S::Registered
    };

    // States that refuse nearly everything are handled first, so each event below only has to
    // speak about the states where it could make sense.
    match state {
        S::Withdrawn => return refuse("the case has been withdrawn"),
        S::Draft => {
            return match event {
                E::Submitted => to(S::Submitted),
                E::DocumentAdded => to(S::Draft),
                _ => refuse("the case has not been submitted yet"),
            }
        }
        _ => {}
    }

    match (event, state) {
        (E::Assigned | E::NoteAdded | E::GoalNotCovered | E::DocumentAdded, _) => to(state),

        (E::Submitted, _) => refuse("the case has already been submitted"),

        (E::Registered, S::Submitted) => to(S::Registered),
        (E::Registered, _) => refuse("the case is already registered"),

        (E::DeclaredComplete, S::Registered) => Ok(Lifecycle {
            state: S::InProgress,
            declared_complete: true,
        }),
        (E::DeclaredComplete, S::Submitted) => {
            refuse("the case must be registered before it can be declared complete")
        }
        (E::DeclaredComplete, S::AwaitingApplicant) => {
            refuse("the case is waiting for the applicant's information")
        }
        (E::DeclaredComplete, S::InProgress | S::Hearing) => {
            refuse("the case has already been declared complete")
        }

        (E::InformationRequested, S::Registered | S::InProgress) => to(S::AwaitingApplicant),
        (E::InformationRequested, S::Submitted) => {
            refuse("the case must be registered before information can be requested")
        }
        (E::InformationRequested, S::AwaitingApplicant) => {
            refuse("the case is already waiting for the applicant")
        }
        (E::InformationRequested, S::Hearing) => {
            refuse("the hearing must end before information can be requested")
        }

        (E::InformationReceived, S::AwaitingApplicant) => to(back_to_work),
        (E::InformationReceived, _) => refuse("the case is not waiting for the applicant"),
        (E::ItemAnswered, S::AwaitingApplicant) => to(state),
        (E::ItemAnswered, _) => refuse("the case is not waiting for the applicant"),

        (E::HearingStarted, S::InProgress) => to(S::Hearing),
        (E::HearingStarted, S::Submitted | S::Registered) => {
            refuse("the case must be declared complete before a hearing can start")
        }
        (E::HearingStarted, S::AwaitingApplicant) => {
            refuse("the case is waiting for the applicant")
        }
        (E::HearingStarted, S::Hearing) => refuse("the case is already in hearing"),

        (E::HearingEnded, S::Hearing) => to(S::InProgress),
        (E::HearingEnded, _) => refuse("the case is not in hearing"),

        // Deciding from Registered is a dismissal at screening (*afvisning*).
        (E::Decided, S::Registered | S::InProgress) => to(S::Decided),
        (E::Decided, S::Submitted) => {
            refuse("the case must be registered before it can be decided")
        }
        (E::Decided, S::AwaitingApplicant) => refuse("the case is waiting for the applicant"),
        (E::Decided, S::Hearing) => refuse("the hearing must end before the case is decided"),

        (E::Closed, S::Decided) => to(S::Closed),
        (E::Closed, S::Closed) => refuse("the case is already closed"),
        (E::Closed, _) => refuse("only a decided case can be closed"),

        (E::Reopened, S::Decided | S::Closed) => to(back_to_work),
        (E::Reopened, _) => refuse("only a decided or closed case can be reopened"),

        (E::Withdrawn, S::Decided | S::Closed) => refuse("a decided case cannot be withdrawn"),
        (E::Withdrawn, _) => to(S::Withdrawn),

        // The events left are those that only make sense in an open case.
        (_, S::Decided) => refuse("the case is already decided"),
        (_, S::Closed) => refuse("the case is closed"),
        // Returned above already; listed so that the compiler proves every open state has been
        // given a reason for every event.
        (_, S::Draft) => refuse("the case has not been submitted yet"),
        (_, S::Withdrawn) => refuse("the case has been withdrawn"),
    }
}

/// Replays a history (oldest first) from NEW_DRAFT; Err on the first refused event.
///
/// This is how a case's current state is derived: the stored state must always equal the
/// replay of its stored events.
///
/// # Errors
///
/// The [`TransitionError`] of the first event that [`apply`] refuses.
pub fn replay(events: impl IntoIterator<Item = EventKind>) -> Result<Lifecycle, TransitionError> {
    events.into_iter().try_fold(Lifecycle::NEW_DRAFT, apply)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use CaseState::*;

    /// The allowed state-changing transitions, written out by hand from DESIGN.md and the brief,
    /// independently of `apply`: (from, event, to when not declared complete, to when declared
    /// complete). Anything not listed here, or in `non_state_allowed`, must be refused.
    const TRANSITIONS: &[(CaseState, EventKind, CaseState, CaseState)] = &[
        (Draft, EventKind::Submitted, Submitted, Submitted),
        (Submitted, EventKind::Registered, Registered, Registered),
        (
            Registered,
            EventKind::DeclaredComplete,
            InProgress,
            InProgress,
        ),
        (
            Registered,
            EventKind::InformationRequested,
            AwaitingApplicant,
            AwaitingApplicant,
        ),
        (
            InProgress,
            EventKind::InformationRequested,
            AwaitingApplicant,
            AwaitingApplicant,
        ),
        (
            AwaitingApplicant,
            EventKind::InformationReceived,
            Registered,
            InProgress,
        ),
        (InProgress, EventKind::HearingStarted, Hearing, Hearing),
        (Hearing, EventKind::HearingEnded, InProgress, InProgress),
        (InProgress, EventKind::Decided, Decided, Decided),
        (Registered, EventKind::Decided, Decided, Decided),
        (Decided, EventKind::Closed, Closed, Closed),
        (Decided, EventKind::Reopened, Registered, InProgress),
        (Closed, EventKind::Reopened, Registered, InProgress),
        (Submitted, EventKind::Withdrawn, Withdrawn, Withdrawn),
        (Registered, EventKind::Withdrawn, Withdrawn, Withdrawn),
        (InProgress, EventKind::Withdrawn, Withdrawn, Withdrawn),
        (
            AwaitingApplicant,
            EventKind::Withdrawn,
            Withdrawn,
            Withdrawn,
        ),
        (Hearing, EventKind::Withdrawn, Withdrawn, Withdrawn),
    ];

    /// Events that leave the state alone: allowed from submission until withdrawal, and
    /// documents also on a draft.
    fn non_state_allowed(state: CaseState, event: EventKind) -> bool {
        let visible = [
            Submitted,
            Registered,
            InProgress,
            AwaitingApplicant,
            Hearing,
            Decided,
            Closed,
        ];
        match event {
            EventKind::DocumentAdded => state == Draft || visible.contains(&state),
            EventKind::Assigned | EventKind::NoteAdded | EventKind::GoalNotCovered => {
                visible.contains(&state)
            }
            EventKind::ItemAnswered => state == AwaitingApplicant,
            _ => false,
        }
    }

    fn expected(state: CaseState, dc: bool, event: EventKind) -> Option<Lifecycle> {
        if non_state_allowed(state, event) {
            return Some(Lifecycle {
                state,
                declared_complete: dc,
            });
        }
        TRANSITIONS
            .iter()
            .find(|(from, e, _, _)| *from == state && *e == event)
            .map(|&(_, e, not_complete, complete)| Lifecycle {
                state: if dc { complete } else { not_complete },
                declared_complete: dc || e == EventKind::DeclaredComplete,
            })
    }

    #[test]
    fn every_combination_matches_the_table() {
        let mut allowed = 0;
        for state in CaseState::ALL {
            for dc in [false, true] {
                for event in EventKind::ALL {
                    let current = Lifecycle {
                        state,
                        declared_complete: dc,
                    };
                    let got = apply(current, event);
                    match (expected(state, dc, event), got) {
                        (Some(want), Ok(got)) => {
                            allowed += 1;
                            assert_eq!(got, want, "{state:?} dc={dc} {event:?}");
                        }
                        (None, Err(err)) => {
                            assert_eq!(err.state, state);
                            assert_eq!(err.event, event);
                            assert!(!err.reason.is_empty());
                        }
                        (want, got) => {
                            panic!("{state:?} dc={dc} {event:?}: expected {want:?}, got {got:?}")
                        }
                    }
                }
            }
        }
        // 18 state-changing rows + 7 visible states × 4 quiet events + a document on a draft
        // + one item answered while waiting, for each value of the complete flag.
        assert_eq!(allowed, 2 * (18 + 7 * 4 + 1 + 1));
    }

    #[test]
    fn quiet_events_do_not_change_state() {
        for event in EventKind::ALL {
            let quiet = !event.changes_state();
            for state in CaseState::ALL {
                for dc in [false, true] {
                    let current = Lifecycle {
                        state,
                        declared_complete: dc,
                    };
                    if let (true, Ok(next)) = (quiet, apply(current, event)) {
                        assert_eq!(next, current);
                    }
                }
            }
        }
    }

    #[test]
    fn refusal_reasons_read_well() {
        let err = apply(
            Lifecycle {
                state: Submitted,
                declared_complete: false,
            },
            EventKind::DeclaredComplete,
        )
        .unwrap_err();
        assert_eq!(
            err.reason,
            "the case must be registered before it can be declared complete"
        );
        assert_eq!(
            err.to_string(),
            "DeclaredComplete is not allowed when the case is Submitted: \
             the case must be registered before it can be declared complete"
        );
        let err = apply(
            Lifecycle {
                state: Decided,
                declared_complete: true,
            },
            EventKind::Decided,
        )
        .unwrap_err();
        assert_eq!(err.reason, "the case is already decided");
    }

    #[test]
    fn replay_a_full_history() {
        use EventKind as E;
        let history = [
            E::DocumentAdded,
            E::Submitted,
            E::Registered,
            E::Assigned,
            E::InformationRequested,
            E::InformationReceived,
            E::DeclaredComplete,
            E::InformationRequested,
            E::InformationReceived,
            E::HearingStarted,
            E::NoteAdded,
            E::HearingEnded,
            E::Decided,
            E::Closed,
        ];
        let life = replay(history).unwrap();
        assert_eq!(
            life,
            Lifecycle {
                state: Closed,
                declared_complete: true
            }
        );
        assert_eq!(life.must_act(), Party::Nobody);
        assert_eq!(life.phase(), Some(Phase::Decided));

        // After the first answer the case went back to screening, after the second to processing.
        let screening = replay(history[..6].iter().copied()).unwrap();
        assert_eq!(screening.state, Registered);
        assert_eq!(screening.phase(), Some(Phase::Screening));
        let processing = replay(history[..9].iter().copied()).unwrap();
        assert_eq!(processing.state, InProgress);
        assert_eq!(processing.phase(), Some(Phase::Processing));
    }

    #[test]
    fn replay_stops_at_the_first_refused_event() {
        use EventKind as E;
        assert_eq!(replay([]), Ok(Lifecycle::NEW_DRAFT));
        let err = replay([E::Submitted, E::DeclaredComplete, E::Registered]).unwrap_err();
        assert_eq!(err.state, Submitted);
        assert_eq!(err.event, E::DeclaredComplete);
        let err = replay([E::Submitted, E::Withdrawn, E::NoteAdded]).unwrap_err();
        assert_eq!(err.reason, "the case has been withdrawn");
        let err = replay([E::NoteAdded]).unwrap_err();
        assert_eq!(err.reason, "the case has not been submitted yet");
    }

    #[test]
    fn reopening_returns_to_where_the_case_was() {
        use EventKind as E;
        // Dismissed at screening, reopened: back to screening.
        let life = replay([E::Submitted, E::Registered, E::Decided, E::Reopened]).unwrap();
        assert_eq!(life.state, Registered);
        // Decided after completion, closed, reopened: back to processing.
        let life = replay([
            E::Submitted,
            E::Registered,
            E::DeclaredComplete,
            E::Decided,
            E::Closed,
            E::Reopened,
        ])
        .unwrap();
        assert_eq!(life.state, InProgress);
        assert!(life.declared_complete);
    }

    #[test]
    fn codes_round_trip() {
        for s in CaseState::ALL {
            assert_eq!(CaseState::parse(s.as_str()), Some(s));
        }
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
        for p in [Party::Authority, Party::Applicant, Party::Nobody] {
            assert_eq!(Party::parse(p.as_str()), Some(p));
        }
        assert_eq!(CaseState::parse("Draft"), None);
        assert_eq!(EventKind::parse("unknown"), None);
        assert_eq!(Party::parse(""), None);
        assert_eq!(EventKind::DeclaredComplete.as_str(), "declared_complete");
        assert_eq!(EventKind::GoalNotCovered.as_str(), "goal_not_covered");
        assert_eq!(CaseState::AwaitingApplicant.as_str(), "awaiting_applicant");
        let phases: Vec<_> = Phase::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(
            phases,
            [
                "received",
                "registered",
                "screening",
                "processing",
                "decided"
            ]
        );
    }

    #[test]
    fn must_act_open_and_phase() {
        let table = [
            (Draft, Party::Applicant, false, None, None),
            (
                Submitted,
                Party::Authority,
                true,
                Some(Phase::Received),
                Some(Phase::Received),
            ),
            (
                Registered,
                Party::Authority,
                true,
                Some(Phase::Screening),
                Some(Phase::Screening),
            ),
            (
                InProgress,
                Party::Authority,
                true,
                Some(Phase::Processing),
                Some(Phase::Processing),
            ),
            (
                AwaitingApplicant,
                Party::Applicant,
                true,
                Some(Phase::Screening),
                Some(Phase::Processing),
            ),
            (
                Hearing,
                Party::Authority,
                true,
                Some(Phase::Processing),
                Some(Phase::Processing),
            ),
            (
                Decided,
                Party::Nobody,
                false,
                Some(Phase::Decided),
                Some(Phase::Decided),
            ),
            (
                Closed,
                Party::Nobody,
                false,
                Some(Phase::Decided),
                Some(Phase::Decided),
            ),
            (Withdrawn, Party::Nobody, false, None, None),
        ];
        for (state, party, open, phase_screening, phase_complete) in table {
            assert_eq!(state.must_act(), party, "{state:?}");
            assert_eq!(state.is_open(), open, "{state:?}");
            assert_eq!(state.phase(false), phase_screening, "{state:?}");
            assert_eq!(state.phase(true), phase_complete, "{state:?}");
        }
    }
}
