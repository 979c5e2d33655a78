//! The one path by which a case changes: an event appended to its history together with the
//! state it produces, in the caller's transaction.

use crate::db::cases::{Case, CaseStateChange};
use crate::db::events::{CaseEvent, NewCaseEvent};
use crate::db::requests::{InformationRequest, RequestItem};
use crate::db::statistics::DecisionFigures;
use crate::db::{is_unique_violation, Conn, DbError};
use crate::domain::clock::{self, ClockFigures, ClockInput, GoalStatus, NotCoveredReason};
use crate::domain::lifecycle::{self, EventKind, TransitionError};
use crate::domain::local_time::copenhagen_date;
use crate::domain::reference::CaseReference;
use crate::services::notifications;
use chrono::{Datelike, NaiveDateTime};

/// Who caused an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Applicant,
    Caseworker,
    System,
    Esdh,
}

impl ActorKind {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Applicant => "applicant",
            ActorKind::Caseworker => "caseworker",
            ActorKind::System => "system",
            ActorKind::Esdh => "esdh",
        }
    }
}

/// An actor: kind, user (when a person), and a label for the timeline.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub kind: ActorKind,
    pub user_id: Option<i64>,
    pub label: &'a str,
}

/// What someone wants to happen to a case.
#[derive(Debug, Clone)]
pub struct EventRequest<'a> {
    pub kind: EventKind,
    pub actor: Actor<'a>,
    pub at: NaiveDateTime,
    /// A plain-language text the applicant sees with the event.
    pub public_text: Option<&'a str>,
    /// A text only the authority sees (internal notes).
    pub internal_text: Option<&'a str>,
    /// The ESDH case number, with [`EventKind::Registered`].
    pub esdh_number: Option<&'a str>,
    /// The new assignee, with [`EventKind::Assigned`] (`None` unassigns).
    pub assignee_user_id: Option<i64>,
    /// Why the case is not covered by the service goal, with [`EventKind::GoalNotCovered`].
    pub not_covered_reason: Option<&'a str>,
    /// Kind-specific details as JSON (e.g. the request id of an information request).
    pub data: serde_json::Value,
    /// Keeps an event the applicant would otherwise see out of their timeline (a document the
    /// authority added for itself).
    pub hidden_from_applicant: bool,
}

impl<'a> EventRequest<'a> {
    /// An event with nothing but its kind, actor and time.
    pub fn new(kind: EventKind, actor: Actor<'a>, at: NaiveDateTime) -> Self {
        EventRequest {
            kind,
            actor,
            at,
            public_text: None,
            internal_text: None,
            esdh_number: None,
            assignee_user_id: None,
            not_covered_reason: None,
            data: serde_json::Value::Object(Default::default()),
            hidden_from_applicant: false,
        }
    }
}

/// Why an event was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("case not found")]
    NotFound,
    #[error(transparent)]
    Refused(#[from] TransitionError),
    /// Someone else changed the case after the caller read it.
    #[error("the case changed while you were working (now at version {current_version})")]
    Conflict { current_version: i64 },
    #[error("the ESDH number is already used by another case of this authority")]
    DuplicateEsdhNumber,
    #[error("an ESDH number is required to register a case")]
    MissingEsdhNumber,
    #[error("a reason is required")]
    MissingReason,
    #[error("a request for information needs at least one item")]
    MissingItems,
    #[error("the item has already been answered")]
    ItemNotOpen,
    #[error(transparent)]
    Database(#[from] DbError),
}

/// The event written and the case as it now is.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub case: Case,
    pub event: CaseEvent,
}

/// Whether the applicant sees events of this kind (internal notes and assignments they do not).
pub fn visible_to_applicant(kind: EventKind) -> bool {
    !matches!(kind, EventKind::NoteAdded | EventKind::Assigned)
}

/// Appends one event to a case and updates the case row to match, inside the caller's
/// transaction, together with the messages the event causes (the outbox). `read_version` is the
/// version the actor saw; `None` means "whatever is current" (system events). The transition is
/// decided by [`lifecycle::apply`], nothing else.
pub async fn record(
    conn: &mut Conn,
    case_id: i64,
    read_version: Option<i64>,
    request: &EventRequest<'_>,
) -> Result<Recorded, RecordError> {
    let recorded = record_without_notice(conn, case_id, read_version, request).await?;
    notifications::enqueue_for_event(conn, &recorded.case, &recorded.event).await?;
    Ok(recorded)
}

/// [`record`] without the messages: for callers that write more in the transaction before the
/// messages can say it all (a request for information and its items).
async fn record_without_notice(
    conn: &mut Conn,
    case_id: i64,
    read_version: Option<i64>,
    request: &EventRequest<'_>,
) -> Result<Recorded, RecordError> {
    let case = Case::find(conn, case_id)
        .await?
        .ok_or(RecordError::NotFound)?;
    if let Some(seen) = read_version {
        if seen != case.version {
            return Err(RecordError::Conflict {
                current_version: case.version,
            });
        }
    }
    let next = lifecycle::apply(case.lifecycle(), request.kind)?;

    let mut reference = None;
    if request.kind == EventKind::Submitted && case.reference.is_none() {
        reference = Some(allocate_reference(conn, case.authority_code, request.at).await?);
    }
    let esdh_number = match request.kind {
        EventKind::Registered => Some(
            request
                .esdh_number
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .ok_or(RecordError::MissingEsdhNumber)?,
        ),
        _ => None,
    };
    let not_covered_reason = match request.kind {
        EventKind::GoalNotCovered => Some(Some(
            request
                .not_covered_reason
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .ok_or(RecordError::MissingReason)?,
        )),
        _ => None,
    };

    let seq = i32::try_from(case.version + 1).unwrap_or(i32::MAX);
    let data = request.data.to_string();
    let new_event = NewCaseEvent {
        case_id,
        seq,
        kind: request.kind.as_str(),
        actor_kind: request.actor.kind.as_str(),
        actor_user_id: request.actor.user_id,
        actor_label: request.actor.label,
        occurred_at: request.at,
        state_after: next.state.as_str(),
        must_act_after: next.must_act().as_str(),
        // A note with a public text is written for the applicant; its internal text never is.
        visible_to_applicant: !request.hidden_from_applicant
            && (visible_to_applicant(request.kind)
                || (request.kind == EventKind::NoteAdded && request.public_text.is_some())),
        public_text: request.public_text,
        internal_text: request.internal_text,
        data: &data,
        authority_code: case.authority_code,
    };
    let event = match CaseEvent::append(conn, &new_event).await {
        Ok(event) => event,
        Err(e) if is_unique_violation(&e) => {
            return Err(RecordError::Conflict {
                current_version: case.version + 1,
            })
        }
        Err(e) => return Err(e.into()),
    };

    let history = CaseEvent::for_case(conn, case_id).await?;
    let figures = clock_figures(
        conn,
        &case,
        &history,
        not_covered_reason.flatten(),
        request.at,
    )
    .await?;
    let expected = figures.expected.as_ref().map(|e| e.date);

    let reference_text = reference.map(|r| r.to_string());
    let change = CaseStateChange {
        reference: reference_text.as_deref(),
        state: next.state.as_str(),
        declared_complete: next.declared_complete,
        must_act: next.must_act().as_str(),
        esdh_number,
        assignee_user_id: (request.kind == EventKind::Assigned).then_some(request.assignee_user_id),
        not_covered_reason,
        submitted_at: (request.kind == EventKind::Submitted && case.submitted_at.is_none())
            .then_some(request.at),
        complete_at: (request.kind == EventKind::DeclaredComplete && case.complete_at.is_none())
            .then_some(request.at),
        decided_at: (request.kind == EventKind::Decided).then_some(request.at),
        updated_at: request.at,
        expected_decision_on: Some(expected),
        version: case.version + 1,
    };
    match Case::apply_change(conn, case_id, case.version, &change).await {
        Ok(true) => {}
        Ok(false) => {
            return Err(RecordError::Conflict {
                current_version: case.version + 1,
            })
        }
        Err(e) if is_unique_violation(&e) => return Err(RecordError::DuplicateEsdhNumber),
        Err(e) => return Err(e.into()),
    }
    let case = Case::find(conn, case_id)
        .await?
        .ok_or(RecordError::NotFound)?;
    // The statistics keep the figures of decided cases; a reopened case leaves them.
    let kept = decision_figures(case.id, case.authority_code, &case.case_type_code, &figures);
    DecisionFigures::keep(conn, case.id, kept.as_ref()).await?;
    Ok(Recorded { case, event })
}

/// The figures the statistics keep of a decided (or closed) case; `None` while it is not.
pub fn decision_figures(
    case_id: i64,
    authority_code: i32,
    case_type_code: &str,
    figures: &ClockFigures,
) -> Option<DecisionFigures> {
    let decided_on = figures.decided_on?;
    let (goal_status, not_covered) = match &figures.status {
        GoalStatus::Kept { .. } => ("kept", None),
        GoalStatus::Missed { .. } => ("missed", None),
        GoalStatus::NotCovered(reason) => (
            "not_covered",
            Some(match reason {
                NotCoveredReason::NoNationalGoal => "no_national_goal".to_string(),
                NotCoveredReason::DecidedBeforeComplete => "decided_before_complete".to_string(),
                NotCoveredReason::Withdrawn => "withdrawn".to_string(),
                NotCoveredReason::Marked(text) => format!("marked:{text}"),
            }),
        ),
        GoalStatus::NotStarted | GoalStatus::Running { .. } | GoalStatus::AtRisk { .. } => {
            return None
        }
    };
    let days = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
    Some(DecisionFigures {
        case_id,
        authority_code,
        case_type_code: case_type_code.to_string(),
        decided_on,
        total_days: days(figures.total_days),
        authority_days: days(figures.authority_days),
        applicant_days: days(figures.applicant_days),
        goal_days_used: (goal_status != "not_covered")
            .then_some(figures.goal_days_used.map(days))
            .flatten(),
        goal_status: goal_status.to_string(),
        not_covered,
    })
}

/// Asks the applicant for information: the event, and the request with its items (each with its
/// own deadline), in the caller's transaction. The covering message is the event's public text.
pub async fn request_information(
    conn: &mut Conn,
    case_id: i64,
    read_version: Option<i64>,
    actor: Actor<'_>,
    message: &str,
    items: &[(String, chrono::NaiveDate)],
    at: NaiveDateTime,
) -> Result<Recorded, RecordError> {
    if items.is_empty() || items.iter().any(|(text, _)| text.trim().is_empty()) {
        return Err(RecordError::MissingItems);
    }
    let mut request = EventRequest::new(EventKind::InformationRequested, actor, at);
    request.public_text = Some(message);
    let recorded = record_without_notice(conn, case_id, read_version, &request).await?;
    InformationRequest::create(conn, case_id, recorded.event.id, message, items, at).await?;
    notifications::enqueue_for_event(conn, &recorded.case, &recorded.event).await?;
    Ok(recorded)
}

/// The requested information arrived: every open item is answered, the requests close and the
/// case returns to the authority, in the caller's transaction.
pub async fn information_received(
    conn: &mut Conn,
    case_id: i64,
    read_version: Option<i64>,
    actor: Actor<'_>,
    comment: Option<&str>,
    at: NaiveDateTime,
) -> Result<Recorded, RecordError> {
    let mut request = EventRequest::new(EventKind::InformationReceived, actor, at);
    request.public_text = comment;
    let recorded = record(conn, case_id, read_version, &request).await?;
    InformationRequest::answer_all_open(conn, case_id, comment, at).await?;
    Ok(recorded)
}

/// What answering one item did.
#[derive(Debug, Clone)]
pub enum ItemAnswered {
    /// Other items are still open; the applicant still holds the case. The answer is an
    /// `item_answered` event, so the case's version, its feed and its webhooks show it.
    SomeStillOpen { open: i64, recorded: Box<Recorded> },
    /// That was the last open item: the case went back to the authority.
    AllAnswered(Box<Recorded>),
}

impl ItemAnswered {
    /// The event the answer recorded.
    pub fn into_recorded(self) -> Recorded {
        match self {
            ItemAnswered::SomeStillOpen { recorded, .. } | ItemAnswered::AllAnswered(recorded) => {
                *recorded
            }
        }
    }
}

/// One item of a request was answered (by the applicant's upload and comment, or marked received
/// by the authority). While other items are open that is an `item_answered` event naming the
/// item; when no open item remains the information counts as received: that event is recorded and
/// the case returns to the authority — all in the caller's transaction.
pub async fn answer_request_item(
    conn: &mut Conn,
    case_id: i64,
    item_id: i64,
    actor: Actor<'_>,
    comment: Option<&str>,
    at: NaiveDateTime,
) -> Result<ItemAnswered, RecordError> {
    let item = RequestItem::find_in_case(conn, case_id, item_id)
        .await?
        .ok_or(RecordError::NotFound)?;
    if !item.is_open() || !RequestItem::mark_answered(conn, item.id, comment, at).await? {
        return Err(RecordError::ItemNotOpen);
    }
    let open = RequestItem::open_count(conn, case_id).await?;
    if open > 0 {
        let mut request = EventRequest::new(EventKind::ItemAnswered, actor, at);
        request.public_text = Some(&item.description);
        request.data = serde_json::json!({ "item_id": item.id, "request_id": item.request_id });
        let recorded = record(conn, case_id, None, &request).await?;
        return Ok(ItemAnswered::SomeStillOpen {
            open,
            recorded: Box::new(recorded),
        });
    }
    let recorded = information_received(conn, case_id, None, actor, comment, at).await?;
    Ok(ItemAnswered::AllAnswered(Box::new(recorded)))
}

/// Allocates the next reference of an authority for the Danish year of `at`.
async fn allocate_reference(
    conn: &mut Conn,
    authority: i32,
    at: NaiveDateTime,
) -> Result<CaseReference, DbError> {
    let year = copenhagen_date(at).year();
    let sequence = Case::allocate_sequence(conn, authority, year).await?;
    Ok(CaseReference::new(
        u16::try_from(authority).unwrap_or(0),
        u16::try_from(year).unwrap_or(0),
        u32::try_from(sequence).unwrap_or(u32::MAX),
    ))
}

/// The service-goal days of a case's category, if it has one.
pub async fn goal_days(conn: &mut Conn, case: &Case) -> Result<Option<u32>, DbError> {
    let Some(category) = case.service_goal_category.as_deref() else {
        return Ok(None);
    };
    let goal = crate::db::authorities::ServiceGoal::find(conn, category).await?;
    Ok(goal.and_then(|g| u32::try_from(g.target_days).ok()))
}

/// Typical days from submission to decision for this authority and type: the median of its
/// latest 50 decided cases, or `None` when there are fewer than 5.
pub async fn estimate_days(conn: &mut Conn, case: &Case) -> Result<Option<u32>, DbError> {
    let spans =
        Case::recent_processing_spans(conn, case.authority_code, &case.case_type_code, 50).await?;
    if spans.len() < 5 {
        return Ok(None);
    }
    let mut days: Vec<i64> = spans
        .iter()
        .map(|(s, d)| (copenhagen_date(*d) - copenhagen_date(*s)).num_days())
        .collect();
    days.sort_unstable();
    Ok(u32::try_from(days[days.len() / 2]).ok())
}

/// The clock's figures after the event: the expected decision date the queue sorts by, and
/// the figures the statistics keep of a decided case.
async fn clock_figures(
    conn: &mut Conn,
    case: &Case,
    history: &[CaseEvent],
    new_not_covered_reason: Option<&str>,
    now: NaiveDateTime,
) -> Result<ClockFigures, DbError> {
    let goal_days = goal_days(conn, case).await?;
    let estimate = if case.declared_complete {
        None
    } else {
        estimate_days(conn, case).await?
    };
    let events = CaseEvent::clock_events(history);
    Ok(clock::compute(&ClockInput {
        events: &events,
        now,
        goal_days,
        not_covered_reason: new_not_covered_reason.or(case.not_covered_reason.as_deref()),
        estimate_days: estimate,
    }))
}
