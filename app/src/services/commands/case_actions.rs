//! What the authority does to a case: register it, declare it complete, assign it, note, ask for
//! information and mark it received, hearings, the service-goal exception, decide, close, reopen,
//! record a withdrawal. The caseworker's form (`/handlinger/sagsbehandling/{reference}`) and the
//! case system's `POST /api/v1/cases/{reference}/events` are two doors to these; the checks of
//! each action, the time it happens at and the one transaction that records it live here once.
//!
//! Who may act on which case is the policy's question (`authorization::may_act_as_authority`,
//! `may_client_act_on`), asked by the caller when it finds the case.

use crate::db::cases::Case;
use crate::db::documents::Document;
use crate::db::events::CaseEvent;
use crate::db::users::User;
use crate::db::Conn;
use crate::domain::lifecycle::{self, EventKind};
use crate::domain::local_time::copenhagen_date;
use crate::services::case_events::{
    answer_request_item, information_received, record, request_information, Actor, EventRequest,
    ItemAnswered, RecordError, Recorded,
};
use crate::services::commands::refusals::{CommandError, Field, Refusal, RefusalCode};
use crate::services::decisions::{issue_rendered_letter, Outcome, RenderedLetter};
use crate::services::document_store::DocumentStore;
use chrono::{NaiveDate, NaiveDateTime};

/// The most items one request for information may have.
pub const MAX_REQUEST_ITEMS: usize = 20;

/// The longest texts, in characters.
pub mod limits {
    pub const TEXT: usize = 5000;
    pub const REASON: usize = 2000;
    pub const ITEM: usize = 500;
    pub const HEADING: usize = 300;
    pub const ESDH_NUMBER: usize = 100;
}

/// One thing asked of the applicant, with its last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDraft {
    pub description: String,
    pub deadline: NaiveDate,
}

/// Where a decision's letter comes from.
#[derive(Debug, Clone)]
pub enum DecisionLetterSource {
    /// Written in Sagsspor and rendered before the transaction
    /// ([`crate::services::decisions::render_letter`]).
    Rendered(RenderedLetter),
    /// A PDF the case system uploaded to the case, by its document id (`None`: not named yet,
    /// refused).
    Uploaded { document_id: Option<i64> },
}

/// An action on a case.
#[derive(Debug, Clone)]
pub enum CaseAction {
    /// The case is in the authority's case system under this number.
    Register {
        esdh_number: String,
    },
    DeclareComplete,
    /// `None` takes the case off everyone's list.
    Assign {
        assignee_user_id: Option<i64>,
    },
    /// A note only the authority sees, a text for the applicant, or both.
    AddNote {
        internal_text: Option<String>,
    },
    RequestInformation {
        message: String,
        items: Vec<ItemDraft>,
    },
    /// One item arrived (e.g. by post); the last open one returns the case to the authority.
    ReceiveItem {
        /// `None`: not named, refused.
        item_id: Option<i64>,
        comment: Option<String>,
    },
    /// Everything asked for arrived.
    ReceiveInformation {
        comment: Option<String>,
    },
    StartHearing,
    EndHearing,
    /// The case is not covered by the service goal, and why.
    MarkNotCovered {
        reason: String,
    },
    Decide {
        /// `None`: not chosen, refused.
        outcome: Option<Outcome>,
        heading: String,
        letter: DecisionLetterSource,
    },
    Close,
    Reopen {
        reason: String,
    },
    /// The application is withdrawn: by the applicant in the portal, or by letter, e-mail or
    /// telephone and recorded by the authority.
    Withdraw,
}

impl CaseAction {
    /// The event the action records (receiving one item may record `information_received`).
    pub fn event_kind(&self) -> EventKind {
        match self {
            CaseAction::Register { .. } => EventKind::Registered,
            CaseAction::DeclareComplete => EventKind::DeclaredComplete,
            CaseAction::Assign { .. } => EventKind::Assigned,
            CaseAction::AddNote { .. } => EventKind::NoteAdded,
            CaseAction::RequestInformation { .. } => EventKind::InformationRequested,
            CaseAction::ReceiveItem { .. } => EventKind::ItemAnswered,
            CaseAction::ReceiveInformation { .. } => EventKind::InformationReceived,
            CaseAction::StartHearing => EventKind::HearingStarted,
            CaseAction::EndHearing => EventKind::HearingEnded,
            CaseAction::MarkNotCovered { .. } => EventKind::GoalNotCovered,
            CaseAction::Decide { .. } => EventKind::Decided,
            CaseAction::Close => EventKind::Closed,
            CaseAction::Reopen { .. } => EventKind::Reopened,
            CaseAction::Withdraw => EventKind::Withdrawn,
        }
    }
}

/// When the action happened.
#[derive(Debug, Clone, Copy)]
pub enum ActionTime {
    /// Now, read inside the transaction, and never before the case's latest event (a request
    /// that waited for another's write comes after it).
    Now(NaiveDateTime),
    /// When the case system says it happened; refused when it would put the history out of order.
    Reported(NaiveDateTime),
}

/// An action by someone on a case they may act on.
#[derive(Debug, Clone)]
pub struct ActOnCase<'a> {
    pub case: &'a Case,
    /// The version the actor saw; `None`: whatever is current.
    pub read_version: Option<i64>,
    pub actor: Actor<'a>,
    pub time: ActionTime,
    /// A plain-language text for the applicant, shown with the event.
    pub public_text: Option<String>,
    pub action: CaseAction,
}

/// What the action did.
#[derive(Debug, Clone)]
pub struct ActionDone {
    pub recorded: Recorded,
    /// The decision letter, when the action decided the case.
    pub decision_letter: Option<Document>,
}

/// Checks what needs no database: required texts, lengths, items and their deadlines.
fn check(command: &ActOnCase<'_>, today: NaiveDate) -> Result<(), Refusal> {
    optional(
        Field::PublicText,
        command.public_text.as_deref(),
        limits::TEXT,
    )?;
    match &command.action {
        CaseAction::Register { esdh_number } => {
            required(Field::EsdhNumber, esdh_number, limits::ESDH_NUMBER)?;
        }
        CaseAction::AddNote { internal_text } => {
            optional(Field::InternalText, internal_text.as_deref(), limits::TEXT)?;
            if blank(internal_text.as_deref()) && blank(command.public_text.as_deref()) {
                return Err(Refusal::at(Field::InternalText, RefusalCode::NoteEmpty));
            }
        }
        CaseAction::RequestInformation { message, items } => {
            required(Field::Message, message, limits::TEXT)?;
            if items.is_empty() || items.len() > MAX_REQUEST_ITEMS {
                return Err(
                    Refusal::at(Field::Items, RefusalCode::ItemCount).with_limit(MAX_REQUEST_ITEMS)
                );
            }
            for (n, item) in items.iter().enumerate() {
                required(Field::ItemText(n), &item.description, limits::ITEM)?;
                if item.deadline < today {
                    return Err(Refusal::at(Field::ItemDeadline(n), RefusalCode::DatePast));
                }
            }
        }
        CaseAction::ReceiveItem { item_id, comment } => {
            if item_id.is_none() {
                return Err(Refusal::at(Field::Item, RefusalCode::Required));
            }
            optional(Field::Comment, comment.as_deref(), limits::TEXT)?;
        }
        CaseAction::ReceiveInformation { comment } => {
            optional(Field::Comment, comment.as_deref(), limits::TEXT)?;
        }
        CaseAction::MarkNotCovered { reason } | CaseAction::Reopen { reason } => {
            required(Field::Reason, reason, limits::REASON)?;
        }
        CaseAction::Decide {
            outcome,
            heading,
            letter,
        } => {
            if outcome.is_none() {
                return Err(Refusal::at(Field::Outcome, RefusalCode::ChooseOutcome));
            }
            required(Field::Heading, heading, limits::HEADING)?;
            if let DecisionLetterSource::Uploaded { document_id: None } = letter {
                return Err(Refusal::at(Field::DecisionDocument, RefusalCode::Required));
            }
        }
        CaseAction::DeclareComplete
        | CaseAction::Assign { .. }
        | CaseAction::StartHearing
        | CaseAction::EndHearing
        | CaseAction::Close
        | CaseAction::Withdraw => {}
    }
    Ok(())
}

/// Carries out the action in the transaction the caller has open: the checks, the time, the
/// event (with what it brings: the request's items, the letter, the messages) — or a refusal
/// that says which field or rule stood in the way.
pub async fn act_on_case(
    conn: &mut Conn,
    store: &DocumentStore,
    command: ActOnCase<'_>,
) -> Result<ActionDone, CommandError> {
    let case = command.case;
    let latest = CaseEvent::latest_at(conn, case.id).await?;
    let at = match command.time {
        ActionTime::Reported(at) if latest.is_some_and(|latest| at < latest) => {
            return Err(Refusal::at(Field::OccurredAt, RefusalCode::BeforeLatestEvent).into())
        }
        ActionTime::Reported(at) => at,
        ActionTime::Now(now) => latest.map_or(now, |latest| now.max(latest)),
    };
    check(&command, copenhagen_date(at))?;
    let actor = command.actor;
    let version = command.read_version;
    let public_text = command.public_text.as_deref().and_then(non_blank);

    let mut request = EventRequest::new(command.action.event_kind(), actor, at);
    request.public_text = public_text;
    // Only a decision with a letter Sagsspor rendered brings a new document back.
    let mut decision_letter = None;
    match &command.action {
        CaseAction::RequestInformation { message, items } => {
            let items: Vec<(String, NaiveDate)> = items
                .iter()
                .map(|item| (item.description.trim().to_string(), item.deadline))
                .collect();
            let recorded =
                request_information(conn, case.id, version, actor, message.trim(), &items, at)
                    .await?;
            return Ok(ActionDone {
                recorded,
                decision_letter: None,
            });
        }
        CaseAction::ReceiveItem { item_id, comment } => {
            // The item's answer is the comment; a public text given instead says the same.
            let comment = comment.as_deref().and_then(non_blank).or(public_text);
            let item_id = item_id.unwrap_or_default();
            let answered = answer_request_item(conn, case.id, item_id, actor, comment, at)
                .await
                .map_err(|error| match error {
                    RecordError::NotFound => {
                        Refusal::at(Field::Item, RefusalCode::UnknownItem).into()
                    }
                    other => CommandError::from(other),
                })?;
            return Ok(ActionDone {
                recorded: ItemAnswered::into_recorded(answered),
                decision_letter: None,
            });
        }
        CaseAction::ReceiveInformation { comment } => {
            let comment = comment.as_deref().and_then(non_blank).or(public_text);
            let recorded = information_received(conn, case.id, version, actor, comment, at).await?;
            return Ok(ActionDone {
                recorded,
                decision_letter: None,
            });
        }
        CaseAction::Register { esdh_number } => {
            let number = esdh_number.trim();
            // The database's unique index still decides a race between two writers.
            if let Some(other) = Case::find_by_esdh_number(conn, case.authority_code, number)
                .await?
                .filter(|other| other.id != case.id)
            {
                return Err(Refusal::esdh_number_taken(other.reference).into());
            }
            request.esdh_number = Some(number);
        }
        CaseAction::Assign { assignee_user_id } => {
            if let Some(id) = assignee_user_id {
                // Only a caseworker of the case's authority can hold the case.
                let colleague = User::find(conn, *id).await?;
                if !colleague.is_some_and(|c| {
                    c.kind == "caseworker" && c.authority_code == Some(case.authority_code)
                }) {
                    return Err(Refusal::at(Field::Assignee, RefusalCode::UnknownColleague).into());
                }
            }
            request.assignee_user_id = *assignee_user_id;
        }
        CaseAction::AddNote { internal_text } => {
            request.internal_text = internal_text.as_deref().and_then(non_blank);
        }
        CaseAction::MarkNotCovered { reason } => {
            request.not_covered_reason = Some(reason.trim());
        }
        CaseAction::Reopen { reason } => request.public_text = Some(reason.trim()),
        CaseAction::Decide {
            outcome,
            heading,
            letter,
        } => {
            // The state machine speaks first: a refused decision must not touch a document.
            lifecycle::apply(case.lifecycle(), EventKind::Decided)?;
            request.public_text = Some(heading.trim());
            let document_id = match letter {
                DecisionLetterSource::Uploaded { document_id } => {
                    let document_id = document_id.unwrap_or_default();
                    if !Document::issue_as_decision(conn, case.id, document_id).await? {
                        return Err(Refusal::at(
                            Field::DecisionDocument,
                            RefusalCode::LetterNotUsable,
                        )
                        .into());
                    }
                    document_id
                }
                DecisionLetterSource::Rendered(rendered) => {
                    let document =
                        issue_rendered_letter(conn, store, case, actor, rendered, at).await?;
                    let id = document.id;
                    decision_letter = Some(document);
                    id
                }
            };
            request.data = serde_json::json!({
                "outcome": outcome.map(Outcome::code),
                "document_id": document_id,
            });
        }
        CaseAction::DeclareComplete
        | CaseAction::StartHearing
        | CaseAction::EndHearing
        | CaseAction::Close
        | CaseAction::Withdraw => {}
    }
    let recorded = record(conn, case.id, version, &request).await?;
    Ok(ActionDone {
        recorded,
        decision_letter,
    })
}

fn non_blank(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

fn blank(text: Option<&str>) -> bool {
    text.and_then(non_blank).is_none()
}

/// A required text, trimmed; refused when blank or longer than `max` characters.
pub(super) fn required(field: Field, text: &str, max: usize) -> Result<&str, Refusal> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Refusal::at(field, RefusalCode::Required));
    }
    if trimmed.chars().count() > max {
        return Err(Refusal::at(field, RefusalCode::TooLong).with_limit(max));
    }
    Ok(trimmed)
}

/// An optional text, trimmed; blank counts as absent.
pub(super) fn optional(
    field: Field,
    text: Option<&str>,
    max: usize,
) -> Result<Option<&str>, Refusal> {
    match text.and_then(non_blank) {
        None => Ok(None),
        Some(text) => required(field, text, max).map(Some),
    }
}
