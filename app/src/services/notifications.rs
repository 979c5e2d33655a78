//! Notifications: which events tell the applicant something, who hears it on which channel, and
//! the words of each message.
//!
//! Messages are written to the outbox ([`crate::db::outbox`]) in the transaction of the event that
//! causes them, with a payload that says what the message is about as of that moment. The worker
//! in the server renders the payload ([`render`]) and sends it; a message that cannot go out now
//! waits and is tried again, so nothing is lost when a mail server is down.

use crate::authorization::{is_own_case, Viewer};
use crate::db::authorities::Authority;
use crate::db::cases::Case;
use crate::db::contact_preferences::ContactPreferences;
use crate::db::events::CaseEvent;
use crate::db::outbox::{NewOutboxMessage, OutboxMessage};
use crate::db::requests::{InformationRequest, RequestItem};
use crate::db::users::User;
use crate::db::webhooks::{recipient_of, WebhookEndpoint, WEBHOOK_CHANNEL};
use crate::db::{Conn, DbError};
use crate::domain::lifecycle::{CaseState, EventKind, Party};
use crate::escape::escape_html;
use crate::i18n::Locale;
use crate::texts;
use chrono::{NaiveDate, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

/// What a message is about. The codes are stored (outbox rows, preferences); never change one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Topic {
    Submitted,
    Registered,
    DeclaredComplete,
    InformationRequested,
    DeadlineReminder,
    InformationReceived,
    HearingStarted,
    Decided,
    Closed,
    Withdrawn,
    /// "Send me the status now", asked for from the case folder.
    StatusOnDemand,
}

impl Topic {
    /// The topics a person can choose to hear about, in the order the settings page lists them.
    pub const CHOOSABLE: [Topic; 10] = [
        Topic::Submitted,
        Topic::Registered,
        Topic::DeclaredComplete,
        Topic::InformationRequested,
        Topic::DeadlineReminder,
        Topic::InformationReceived,
        Topic::HearingStarted,
        Topic::Decided,
        Topic::Closed,
        Topic::Withdrawn,
    ];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Submitted => "submitted",
            Topic::Registered => "registered",
            Topic::DeclaredComplete => "declared_complete",
            Topic::InformationRequested => "information_requested",
            Topic::DeadlineReminder => "deadline_reminder",
            Topic::InformationReceived => "information_received",
            Topic::HearingStarted => "hearing_started",
            Topic::Decided => "decided",
            Topic::Closed => "closed",
            Topic::Withdrawn => "withdrawn",
            Topic::StatusOnDemand => "status",
        }
    }

    /// The topic of a stored code.
    pub fn parse(code: &str) -> Option<Topic> {
        Topic::CHOOSABLE
            .into_iter()
            .chain([Topic::StatusOnDemand])
            .find(|t| t.as_str() == code)
    }

    /// The topic an event of this kind notifies about, if any (assignments, notes, hearings
    /// ending and reopening tell the applicant nothing by message; the folder shows them).
    pub fn of_event(kind: EventKind) -> Option<Topic> {
        Some(match kind {
            EventKind::Submitted => Topic::Submitted,
            EventKind::Registered => Topic::Registered,
            EventKind::DeclaredComplete => Topic::DeclaredComplete,
            EventKind::InformationRequested => Topic::InformationRequested,
            EventKind::InformationReceived => Topic::InformationReceived,
            EventKind::HearingStarted => Topic::HearingStarted,
            EventKind::Decided => Topic::Decided,
            EventKind::Closed => Topic::Closed,
            EventKind::Withdrawn => Topic::Withdrawn,
            EventKind::HearingEnded
            | EventKind::Reopened
            | EventKind::Assigned
            | EventKind::NoteAdded
            | EventKind::GoalNotCovered
            | EventKind::DocumentAdded
            // The applicant hears when the information is complete, not of each item.
            | EventKind::ItemAnswered => return None,
        })
    }

    /// The topic as the settings page names it.
    pub fn label(self, locale: Locale) -> &'static str {
        locale.t(match self {
            Topic::Submitted => "notify.topic.submitted",
            Topic::Registered => "notify.topic.registered",
            Topic::DeclaredComplete => "notify.topic.declared_complete",
            Topic::InformationRequested => "notify.topic.information_requested",
            Topic::DeadlineReminder => "notify.topic.deadline_reminder",
            Topic::InformationReceived => "notify.topic.information_received",
            Topic::HearingStarted => "notify.topic.hearing_started",
            Topic::Decided => "notify.topic.decided",
            Topic::Closed => "notify.topic.closed",
            Topic::Withdrawn => "notify.topic.withdrawn",
            Topic::StatusOnDemand => "notify.topic.status",
        })
    }
}

/// Every choosable topic as a stored list (the default: hear about everything).
pub fn every_topic() -> String {
    topic_list(&Topic::CHOOSABLE)
}

/// Topics as the stored `|`-separated list.
pub fn topic_list(topics: &[Topic]) -> String {
    topics
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join("|")
}

/// The topics of a stored list (unknown codes are skipped).
pub fn parse_topic_list(list: &str) -> Vec<Topic> {
    list.split('|').filter_map(Topic::parse).collect()
}

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Email, Channel::Sms];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    /// The channel of a stored code.
    pub fn parse(code: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

/// One item asked for, as a message lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayloadItem {
    pub description: String,
    pub deadline: NaiveDate,
}

/// What a message says, as of the moment it was caused. Stored as JSON in the outbox row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payload {
    pub reference: String,
    pub title: String,
    pub authority: String,
    pub state: CaseState,
    pub must_act: Party,
    pub expected_decision_on: Option<NaiveDate>,
    /// The authority's plain-language text with the event, if it wrote one.
    pub public_text: Option<String>,
    /// The items asked for (information requested) or due soon (reminder).
    #[serde(default)]
    pub items: Vec<PayloadItem>,
    /// Who reads it (messages written before this field was added were all for portal users).
    #[serde(default)]
    pub reader: Reader,
}

/// Who a message is for, as far as its links go.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reader {
    /// A portal user: links to the case folder and to their message settings.
    #[default]
    PortalUser,
    /// The contact details a case system gave with a case it registered: maybe nobody with a
    /// portal login. They get the status-only tracking link, which opens without one, and the
    /// case folder only when a login can open it (a company's case, through its CVR number).
    CaseContact {
        tracking_token: Option<String>,
        folder_opens_with_login: bool,
    },
}

impl Reader {
    /// The reader for the contact details of this case.
    fn case_contact(case: &Case) -> Reader {
        Reader::CaseContact {
            tracking_token: case.tracking_token.clone(),
            folder_opens_with_login: case.applicant_cvr.is_some()
                || case.applicant_subject.is_some(),
        }
    }

    fn folder_opens(&self) -> bool {
        match self {
            Reader::PortalUser => true,
            Reader::CaseContact {
                folder_opens_with_login,
                ..
            } => *folder_opens_with_login,
        }
    }
}

impl Payload {
    /// The payload of a case as it now is.
    async fn of_case(
        conn: &mut Conn,
        case: &Case,
        public_text: Option<&str>,
        items: Vec<PayloadItem>,
    ) -> Result<Payload, DbError> {
        let authority = Authority::find(conn, case.authority_code)
            .await?
            .map(|a| a.name)
            .unwrap_or_else(|| case.authority_code.to_string());
        Ok(Payload {
            reference: case.reference.clone().unwrap_or_default(),
            title: case.title.clone(),
            authority,
            state: CaseState::parse(&case.state).unwrap_or(CaseState::Submitted),
            must_act: Party::parse(&case.must_act).unwrap_or(Party::Nobody),
            expected_decision_on: case.expected_decision_on,
            public_text: public_text.map(str::to_string),
            items,
            reader: Reader::PortalUser,
        })
    }
}

/// A person who hears about a case, with their choices.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// The portal user, or `None` for the contact details the authority's case system gave
    /// with a case it registered.
    pub user_id: Option<i64>,
    pub preferences: ContactPreferences,
}

impl Recipient {
    /// The address on this channel, if the person wants this topic there and gave one.
    pub fn address(&self, topic: Topic, channel: Channel) -> Option<&str> {
        let p = &self.preferences;
        let (topics, address) = match channel {
            Channel::Email => (&p.email_topics, p.email.as_deref()),
            Channel::Sms => (&p.sms_topics, p.mobile.as_deref()),
        };
        let wanted = topic == Topic::StatusOnDemand || parse_topic_list(topics).contains(&topic);
        address.filter(|a| wanted && !a.is_empty())
    }

    /// The language the person reads messages in.
    pub fn locale(&self) -> Locale {
        Locale::parse(&self.preferences.language).unwrap_or_default()
    }
}

/// The stored choices of a user, or the defaults when they never chose.
pub async fn preferences_of(conn: &mut Conn, user: &User) -> Result<ContactPreferences, DbError> {
    Ok(ContactPreferences::find(conn, user.id)
        .await?
        .unwrap_or_else(|| ContactPreferences::defaults(user, &every_topic())))
}

/// Who hears about this case: the applicant-side users the policy lets see it — the citizen, or
/// of a company the employee who started the case and every colleague who asked for all the
/// company's cases.
pub async fn recipients_of(conn: &mut Conn, case: &Case) -> Result<Vec<Recipient>, DbError> {
    let candidates = ContactPreferences::applicants_of(
        conn,
        case.applicant_subject.as_deref(),
        case.applicant_cvr.as_deref(),
    )
    .await?;
    let mut recipients: Vec<Recipient> = candidates
        .into_iter()
        .filter(|(user, _)| is_own_case(&Viewer::of_user(user), case))
        .map(|(user, stored)| {
            let preferences =
                stored.unwrap_or_else(|| ContactPreferences::defaults(&user, &every_topic()));
            Recipient {
                user_id: Some(user.id),
                preferences,
            }
        })
        .filter(|r| {
            case.applicant_kind != "business"
                || case.created_by_user_id == r.user_id
                || r.preferences.company_cases
        })
        .collect();
    if let Some(contact) = case_contact(case) {
        recipients.push(contact);
    }
    Ok(recipients)
}

/// The contact details a case system gave with a case it registered (the applicant may have no
/// portal login): every topic by e-mail, and by SMS what asks the applicant to act or ends the
/// case — a request, its reminder, the decision. Danish, the language of the authority.
fn case_contact(case: &Case) -> Option<Recipient> {
    if case.contact_email.is_none() && case.contact_mobile.is_none() {
        return None;
    }
    Some(Recipient {
        user_id: None,
        preferences: ContactPreferences {
            // Not stored: these preferences belong to no user.
            user_id: 0,
            email: case.contact_email.clone(),
            mobile: case.contact_mobile.clone(),
            language: "da".to_string(),
            email_topics: every_topic(),
            sms_topics: topic_list(&[
                Topic::InformationRequested,
                Topic::DeadlineReminder,
                Topic::Decided,
            ]),
            company_cases: false,
            updated_at: case.created_at,
        },
    })
}

/// Writes one message per (recipient, channel) for this cause, skipping any already written
/// with the same de-duplication key. Returns how many were written.
#[allow(clippy::too_many_arguments)]
async fn enqueue_to(
    conn: &mut Conn,
    recipients: &[Recipient],
    case: &Case,
    event_id: Option<i64>,
    topic: Topic,
    cause: &str,
    payload: &Payload,
    at: NaiveDateTime,
) -> Result<usize, DbError> {
    let to_json =
        |payload: &Payload| serde_json::to_string(payload).unwrap_or_else(|_| "{}".to_string());
    let user_json = to_json(payload);
    let contact_json = to_json(&Payload {
        reader: Reader::case_contact(case),
        ..payload.clone()
    });
    let mut written = 0;
    for recipient in recipients {
        let payload_json = if recipient.user_id.is_some() {
            &user_json
        } else {
            &contact_json
        };
        for channel in Channel::ALL {
            let Some(address) = recipient.address(topic, channel) else {
                continue;
            };
            let dedup_key = format!("{cause}:{}:{address}", channel.as_str());
            let message = NewOutboxMessage {
                dedup_key: &dedup_key,
                case_id: Some(case.id),
                event_id,
                user_id: recipient.user_id,
                topic: topic.as_str(),
                channel: channel.as_str(),
                recipient: address,
                language: recipient.locale().code(),
                payload: payload_json,
                status: "pending",
                next_attempt_at: at,
                created_at: at,
            };
            if OutboxMessage::enqueue(conn, &message).await? {
                written += 1;
            }
        }
    }
    Ok(written)
}

/// Writes the messages an event causes, in the event's transaction. Called by the event path
/// ([`crate::services::case_events`]) for every event; most kinds notify nobody.
pub async fn enqueue_for_event(
    conn: &mut Conn,
    case: &Case,
    event: &CaseEvent,
) -> Result<usize, DbError> {
    // Webhooks come first: they follow every event they may see, whatever any person chose to
    // hear.
    let webhooks = enqueue_webhooks(conn, case, event).await?;
    Ok(webhooks + enqueue_for_people(conn, case, event).await?)
}

/// The e-mail and SMS an event causes, by the applicant-side people's choices.
async fn enqueue_for_people(
    conn: &mut Conn,
    case: &Case,
    event: &CaseEvent,
) -> Result<usize, DbError> {
    let Some(topic) = event.event_kind().and_then(Topic::of_event) else {
        return Ok(0);
    };
    if case.reference.is_none() {
        return Ok(0);
    }
    let recipients = recipients_of(conn, case).await?;
    if recipients.is_empty() {
        return Ok(0);
    }
    let items = if topic == Topic::InformationRequested {
        InformationRequest::items_of_event(conn, event.id)
            .await?
            .into_iter()
            .map(|i| PayloadItem {
                description: i.description,
                deadline: i.deadline,
            })
            .collect()
    } else {
        Vec::new()
    };
    let payload = Payload::of_case(conn, case, event.public_text.as_deref(), items).await?;
    enqueue_to(
        conn,
        &recipients,
        case,
        Some(event.id),
        topic,
        &format!("event:{}", event.id),
        &payload,
        event.occurred_at,
    )
    .await
}

/// The body POSTed to webhook receivers about one event: what the applicant may see of it, no
/// documents and no internal text (an authority's case system reads the rest from the API). Built once in the event's transaction, so every
/// attempt sends the same bytes.
pub fn webhook_body(case: &Case, event: &CaseEvent) -> serde_json::Value {
    let state = CaseState::parse(&event.state_after);
    let phase = state.and_then(|s| s.phase(case.declared_complete));
    let timestamp = event.occurred_at.and_utc().to_rfc3339();
    serde_json::json!({
        "type": format!("case.{}", event.kind),
        "timestamp": timestamp,
        "data": {
            "reference": case.reference,
            "event_id": event.id,
            "kind": event.kind,
            "state": event.state_after,
            "phase": phase.map(|p| p.as_str()),
            "must_act": event.must_act_after,
            "occurred_at": timestamp,
            "expected_decision_on": case.expected_decision_on,
            "public_text": event.public_text,
        }
    })
}

/// Writes one delivery per webhook receiver the event concerns, in the event's transaction: the
/// case's authority's case systems get every event, the applicant company's receivers those the
/// applicant may see. Returns how many were written.
pub async fn enqueue_webhooks(
    conn: &mut Conn,
    case: &Case,
    event: &CaseEvent,
) -> Result<usize, DbError> {
    if case.reference.is_none() {
        return Ok(0);
    }
    let mut endpoints = WebhookEndpoint::active_for_authority(conn, case.authority_code).await?;
    if let (Some(cvr), true) = (case.applicant_cvr.as_deref(), event.visible_to_applicant) {
        endpoints.extend(WebhookEndpoint::active_for_cvr(conn, cvr).await?);
    }
    if endpoints.is_empty() {
        return Ok(0);
    }
    let body = webhook_body(case, event).to_string();
    let mut written = 0;
    for endpoint in endpoints {
        let recipient = recipient_of(endpoint.id);
        let dedup_key = format!("event:{}:{WEBHOOK_CHANNEL}:{recipient}", event.id);
        let message = NewOutboxMessage {
            dedup_key: &dedup_key,
            case_id: Some(case.id),
            event_id: Some(event.id),
            user_id: None,
            topic: &event.kind,
            channel: WEBHOOK_CHANNEL,
            recipient: &recipient,
            language: "da",
            payload: &body,
            status: "pending",
            next_attempt_at: event.occurred_at,
            created_at: event.occurred_at,
        };
        if OutboxMessage::enqueue(conn, &message).await? {
            written += 1;
        }
    }
    Ok(written)
}

/// Writes a reminder for every request whose open items fall due within `days_before` days of
/// `today`, once per (request, deadline, channel, address). Requests made less than
/// `days_before` days before their deadline (or on the day a reminder would go) get none: the
/// request itself was the notice.
pub async fn enqueue_deadline_reminders(
    conn: &mut Conn,
    today: NaiveDate,
    days_before: i64,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let until = today + TimeDelta::days(days_before.max(0));
    let due = RequestItem::open_due_between(conn, today, until).await?;
    let mut written = 0;
    // Items come ordered by case, request and deadline: one reminder per group.
    let mut groups: Vec<(i64, i64, NaiveDate, Vec<RequestItem>)> = Vec::new();
    for (item, request) in due {
        let asked_on = crate::domain::local_time::copenhagen_date(request.created_at);
        if asked_on >= item.deadline - TimeDelta::days(days_before) {
            continue;
        }
        match groups.last_mut() {
            Some((_, request_id, deadline, items))
                if *request_id == request.id && *deadline == item.deadline =>
            {
                items.push(item)
            }
            _ => groups.push((request.case_id, request.id, item.deadline, vec![item])),
        }
    }
    for (case_id, request_id, deadline, items) in groups {
        let Some(case) = Case::find(conn, case_id).await? else {
            continue;
        };
        if case.state != CaseState::AwaitingApplicant.as_str() {
            continue;
        }
        let recipients = recipients_of(conn, &case).await?;
        if recipients.is_empty() {
            continue;
        }
        let items = items
            .into_iter()
            .map(|i| PayloadItem {
                description: i.description,
                deadline: i.deadline,
            })
            .collect();
        let payload = Payload::of_case(conn, &case, None, items).await?;
        written += enqueue_to(
            conn,
            &recipients,
            &case,
            None,
            Topic::DeadlineReminder,
            &format!("reminder:{request_id}:{deadline}"),
            &payload,
            now,
        )
        .await?;
    }
    Ok(written)
}

/// How long a person waits between two "send me the status now" for the same case.
pub const STATUS_REQUEST_INTERVAL: TimeDelta = TimeDelta::minutes(15);

/// What became of a "send me the status now".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusRequest {
    /// Written to the outbox, to this address.
    Queued { address: String },
    /// Asked too recently: may ask again from this time.
    TooSoon { again_at: NaiveDateTime },
    /// The person has no address on that channel.
    NoAddress,
}

/// "Send me the status now" from the case folder: one message with the case as it is, on the
/// chosen channel, at most once per [`STATUS_REQUEST_INTERVAL`] per case and person. The caller
/// has asked the policy that this user may act as the applicant.
pub async fn request_status(
    conn: &mut Conn,
    case: &Case,
    user: &User,
    channel: Channel,
    now: NaiveDateTime,
) -> Result<StatusRequest, DbError> {
    let topic = Topic::StatusOnDemand;
    if let Some(last) =
        OutboxMessage::last_status_request(conn, user.id, case.id, topic.as_str()).await?
    {
        if now < last + STATUS_REQUEST_INTERVAL {
            return Ok(StatusRequest::TooSoon {
                again_at: last + STATUS_REQUEST_INTERVAL,
            });
        }
    }
    let recipient = Recipient {
        user_id: Some(user.id),
        preferences: preferences_of(conn, user).await?,
    };
    let Some(address) = recipient.address(topic, channel).map(str::to_string) else {
        return Ok(StatusRequest::NoAddress);
    };
    // Only the chosen channel: the other one's address is hidden for this message.
    let mut only = recipient.clone();
    match channel {
        Channel::Email => only.preferences.mobile = None,
        Channel::Sms => only.preferences.email = None,
    }
    let payload = Payload::of_case(conn, case, None, Vec::new()).await?;
    let cause = format!(
        "status:{}:{}:{}",
        case.id,
        user.id,
        now.and_utc().timestamp_micros()
    );
    enqueue_to(conn, &[only], case, None, topic, &cause, &payload, now).await?;
    Ok(StatusRequest::Queued { address })
}

/// A message ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub sms: String,
}

/// The case folder's address.
pub fn folder_url(base_url: &str, reference: &str) -> String {
    format!("{}/sager/{reference}", base_url.trim_end_matches('/'))
}

/// Where a person chooses what they hear about.
pub fn settings_url(base_url: &str) -> String {
    format!("{}/indstillinger", base_url.trim_end_matches('/'))
}

fn subject_key(topic: Topic) -> &'static str {
    match topic {
        Topic::Submitted => "notify.subject.submitted",
        Topic::Registered => "notify.subject.registered",
        Topic::DeclaredComplete => "notify.subject.declared_complete",
        Topic::InformationRequested => "notify.subject.information_requested",
        Topic::DeadlineReminder => "notify.subject.deadline_reminder",
        Topic::InformationReceived => "notify.subject.information_received",
        Topic::HearingStarted => "notify.subject.hearing_started",
        Topic::Decided => "notify.subject.decided",
        Topic::Closed => "notify.subject.closed",
        Topic::Withdrawn => "notify.subject.withdrawn",
        Topic::StatusOnDemand => "notify.subject.status",
    }
}

fn lead_key(topic: Topic) -> &'static str {
    match topic {
        Topic::Submitted => "notify.lead.submitted",
        Topic::Registered => "notify.lead.registered",
        Topic::DeclaredComplete => "notify.lead.declared_complete",
        Topic::InformationRequested => "notify.lead.information_requested",
        Topic::DeadlineReminder => "notify.lead.deadline_reminder",
        Topic::InformationReceived => "notify.lead.information_received",
        Topic::HearingStarted => "notify.lead.hearing_started",
        Topic::Decided => "notify.lead.decided",
        Topic::Closed => "notify.lead.closed",
        Topic::Withdrawn => "notify.lead.withdrawn",
        Topic::StatusOnDemand => "notify.lead.status",
    }
}

fn sms_key(topic: Topic) -> &'static str {
    match topic {
        Topic::Submitted => "notify.sms.submitted",
        Topic::Registered => "notify.sms.registered",
        Topic::DeclaredComplete => "notify.sms.declared_complete",
        Topic::InformationRequested => "notify.sms.information_requested",
        Topic::DeadlineReminder => "notify.sms.deadline_reminder",
        Topic::InformationReceived => "notify.sms.information_received",
        Topic::HearingStarted => "notify.sms.hearing_started",
        Topic::Decided => "notify.sms.decided",
        Topic::Closed => "notify.sms.closed",
        Topic::Withdrawn => "notify.sms.withdrawn",
        Topic::StatusOnDemand => "notify.sms.status",
    }
}

/// Whether the message states the expected decision date.
fn tells_expected_date(topic: Topic) -> bool {
    matches!(
        topic,
        Topic::Submitted
            | Topic::Registered
            | Topic::DeclaredComplete
            | Topic::InformationReceived
            | Topic::HearingStarted
            | Topic::StatusOnDemand
    )
}

/// One paragraph of a message: plain lines, or a list.
enum Block {
    Paragraph(String),
    List(Vec<String>),
    Link { before: String, url: String },
}

/// The words of a message in the reader's language. Every message names the case's reference.
pub fn render(topic: Topic, locale: Locale, payload: &Payload, base_url: &str) -> Rendered {
    let reference = payload.reference.as_str();
    let folder = folder_url(base_url, reference);
    let pdf = format!("{folder}/afgoerelse.pdf");
    let tracking = match &payload.reader {
        Reader::CaseContact {
            tracking_token: Some(token),
            ..
        } => Some(format!("{}/spor/{token}", base_url.trim_end_matches('/'))),
        _ => None,
    };
    let folder_opens = payload.reader.folder_opens();
    // An SMS has room for one address: the one this reader can open.
    let sms_url = match &tracking {
        Some(tracking) if !folder_opens => tracking.clone(),
        _ => folder.clone(),
    };
    let first_deadline = payload.items.iter().map(|i| i.deadline).min();
    let deadline_text = first_deadline
        .map(|d| locale.date_long(d))
        .unwrap_or_default();
    let deadline_short = first_deadline
        .map(|d| locale.date_short(d))
        .unwrap_or_default();
    let state = texts::state_label(locale, payload.state);
    let args: [(&str, &dyn std::fmt::Display); 6] = [
        ("reference", &reference),
        ("title", &payload.title),
        ("authority", &payload.authority),
        ("deadline", &deadline_text),
        ("state", &state),
        ("url", &folder),
    ];
    let subject = locale.tf(subject_key(topic), &args);

    let mut blocks = vec![Block::Paragraph(locale.tf(lead_key(topic), &args))];
    if topic == Topic::StatusOnDemand {
        blocks.push(Block::Paragraph(format!(
            "{} {}",
            locale.tf("notify.status_line", &[("state", &state)]),
            texts::must_act_sentence(locale, payload.must_act)
        )));
    }
    if !payload.items.is_empty() {
        blocks.push(Block::Paragraph(
            locale.t("notify.items_heading").to_string(),
        ));
        blocks.push(Block::List(
            payload
                .items
                .iter()
                .map(|i| {
                    locale.tf(
                        "notify.item",
                        &[
                            ("description", &i.description),
                            ("deadline", &locale.date_long(i.deadline)),
                        ],
                    )
                })
                .collect(),
        ));
    }
    if let Some(text) = payload.public_text.as_deref().filter(|t| !t.is_empty()) {
        blocks.push(Block::Paragraph(format!(
            "{}\n{text}",
            locale.tf("notify.message_from", &[("authority", &payload.authority)])
        )));
    }
    if tells_expected_date(topic) {
        if let Some(expected) = payload.expected_decision_on {
            blocks.push(Block::Paragraph(
                locale.tf("notify.expected", &[("date", &locale.date_long(expected))]),
            ));
        }
    }
    let asks_the_applicant = matches!(topic, Topic::InformationRequested | Topic::DeadlineReminder);
    if asks_the_applicant && !folder_opens {
        // Nobody can answer in the portal without a login tied to the case.
        blocks.push(Block::Paragraph(
            locale.tf("notify.answer_to_authority", &args),
        ));
    }
    if topic == Topic::Decided && folder_opens {
        blocks.push(Block::Link {
            before: locale.t("notify.decision_link").to_string(),
            url: pdf,
        });
    }
    if let Some(url) = tracking {
        blocks.push(Block::Link {
            before: locale.t("notify.tracking_link").to_string(),
            url,
        });
    }
    if folder_opens {
        blocks.push(Block::Link {
            before: locale.t("notify.folder_link").to_string(),
            url: folder.clone(),
        });
    }
    match payload.reader {
        Reader::PortalUser => blocks.push(Block::Link {
            before: locale.t("notify.footer").to_string(),
            url: settings_url(base_url),
        }),
        Reader::CaseContact { .. } => {
            blocks.push(Block::Paragraph(locale.tf("notify.contact_footer", &args)))
        }
    }

    let sms = locale.tf(
        sms_key(topic),
        &[
            ("reference", &reference),
            ("deadline", &deadline_short),
            ("state", &state),
            ("url", &sms_url),
        ],
    );
    Rendered {
        text: text_of(&blocks),
        html: html_of(&subject, locale, &blocks),
        subject,
        sms,
    }
}

fn text_of(blocks: &[Block]) -> String {
    let parts: Vec<String> = blocks
        .iter()
        .map(|block| match block {
            Block::Paragraph(text) => text.clone(),
            Block::List(lines) => lines
                .iter()
                .map(|l| format!("- {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Link { before, url } => format!("{before}\n{url}"),
        })
        .collect();
    format!("{}\n", parts.join("\n\n"))
}

fn html_of(subject: &str, locale: Locale, blocks: &[Block]) -> String {
    let mut body = String::new();
    for block in blocks {
        match block {
            Block::Paragraph(text) => {
                body.push_str("<p>");
                body.push_str(&escape_html(text).replace('\n', "<br>"));
                body.push_str("</p>\n");
            }
            Block::List(lines) => {
                body.push_str("<ul>\n");
                for line in lines {
                    body.push_str(&format!("<li>{}</li>\n", escape_html(line)));
                }
                body.push_str("</ul>\n");
            }
            Block::Link { before, url } => {
                let url = escape_html(url);
                body.push_str(&format!(
                    "<p>{}<br><a href=\"{url}\">{url}</a></p>\n",
                    escape_html(before)
                ));
            }
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n\
         <body style=\"font-family: Arial, sans-serif; line-height: 1.5; color: #1a1a1a\">\n{body}</body>\n</html>\n",
        locale.code(),
        escape_html(subject)
    )
}

/// A Danish mobile number as stored: `+45` and eight digits. Accepts spaces, dashes, and a
/// `+45`/`0045` prefix; Danish numbers never start with 0 or 1.
pub fn normalize_danish_mobile(input: &str) -> Option<String> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let digits = compact
        .strip_prefix("+45")
        .or_else(|| compact.strip_prefix("0045"))
        .unwrap_or(&compact);
    let valid = digits.len() == 8
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0')
        && !digits.starts_with('1');
    valid.then(|| format!("+45{digits}"))
}

/// Whether an e-mail address looks deliverable: one `@`, something before it, a dot in the
/// domain, no spaces. The mail server has the last word.
pub fn is_plausible_email(input: &str) -> bool {
    let Some((local, domain)) = input.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !input.chars().any(|c| c.is_whitespace() || c.is_control())
        && input.len() <= 254
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message in both languages, as the recipient reads it (subject, text, SMS), so a
    /// change to any wording shows in review.
    #[test]
    fn every_message_reads_as_it_did() {
        let topics = Topic::CHOOSABLE.into_iter().chain([Topic::StatusOnDemand]);
        for locale in [Locale::Da, Locale::En] {
            let mut all = String::new();
            for topic in topics.clone() {
                let rendered = render(topic, locale, &payload(), "https://sagsspor.example");
                all.push_str(&format!(
                    "=== {} ===\nSubject: {}\n\n{}\n--- SMS ---\n{}\n\n",
                    topic.as_str(),
                    rendered.subject,
                    rendered.text,
                    rendered.sms
                ));
            }
            insta::assert_snapshot!(format!("messages_{}", locale.code()), all);
        }
    }

    fn payload() -> Payload {
        Payload {
            reference: "851-2026-000123-5".to_string(),
            title: "Carport & udhus <nyt>".to_string(),
            authority: "Aalborg Kommune".to_string(),
            state: CaseState::AwaitingApplicant,
            must_act: Party::Applicant,
            expected_decision_on: NaiveDate::from_ymd_opt(2027, 1, 20),
            public_text: Some("Vi mangler tegninger.".to_string()),
            items: vec![
                PayloadItem {
                    description: "Situationsplan".to_string(),
                    deadline: NaiveDate::from_ymd_opt(2026, 12, 14).unwrap_or_default(),
                },
                PayloadItem {
                    description: "Facadetegning".to_string(),
                    deadline: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap_or_default(),
                },
            ],
            reader: Reader::PortalUser,
        }
    }

    /// The same message for the contact details a case system gave.
    fn for_contact(folder_opens_with_login: bool) -> Payload {
        Payload {
            reader: Reader::CaseContact {
                tracking_token: Some("0123456789abcdef0123456789abcdef".to_string()),
                folder_opens_with_login,
            },
            ..payload()
        }
    }

    const BASE: &str = "https://sagsspor.kommune.dk";

    #[test]
    fn every_topic_renders_in_both_languages_with_the_reference_and_no_missing_text() {
        for locale in Locale::ALL {
            for topic in Topic::CHOOSABLE.into_iter().chain([Topic::StatusOnDemand]) {
                let r = render(topic, locale, &payload(), BASE);
                for (part, text) in [
                    ("subject", &r.subject),
                    ("text", &r.text),
                    ("html", &r.html),
                    ("sms", &r.sms),
                ] {
                    assert!(
                        text.contains("851-2026-000123-5"),
                        "{topic:?} {locale:?} {part} lacks the reference: {text}"
                    );
                    assert!(
                        !text.contains("notify.") && !text.contains('{'),
                        "{topic:?} {locale:?} {part} has an unfilled text: {text}"
                    );
                }
                assert!(
                    r.sms.chars().count() <= 160,
                    "{topic:?} {locale:?} SMS is {} characters: {}",
                    r.sms.chars().count(),
                    r.sms
                );
            }
        }
    }

    #[test]
    fn messages_say_what_the_event_means_in_the_readers_language() {
        let requested = render(Topic::InformationRequested, Locale::Da, &payload(), BASE);
        assert!(requested
            .text
            .contains("- Situationsplan (frist 14. december 2026)"));
        assert!(requested.text.contains("Vi mangler tegninger."));
        assert!(requested.sms.contains("10-12-2026") || requested.sms.contains("10.12.2026"));
        let english = render(Topic::InformationRequested, Locale::En, &payload(), BASE);
        assert!(english
            .text
            .contains("Situationsplan (deadline 14 December 2026)"));
        let decided = render(Topic::Decided, Locale::En, &payload(), BASE);
        assert!(decided
            .text
            .contains("https://sagsspor.kommune.dk/sager/851-2026-000123-5/afgoerelse.pdf"));
        let complete = render(Topic::DeclaredComplete, Locale::Da, &payload(), BASE);
        assert!(complete.text.contains("20. januar 2027"));
    }

    #[test]
    fn a_case_contact_without_a_login_gets_the_tracking_link_instead_of_the_folder() {
        let tracking = "https://sagsspor.kommune.dk/spor/0123456789abcdef0123456789abcdef";
        for locale in Locale::ALL {
            for topic in Topic::CHOOSABLE.into_iter().chain([Topic::StatusOnDemand]) {
                let r = render(topic, locale, &for_contact(false), BASE);
                for (part, text) in [("text", &r.text), ("html", &r.html), ("sms", &r.sms)] {
                    assert!(
                        text.contains(tracking),
                        "{topic:?} {locale:?} {part}: {text}"
                    );
                    assert!(
                        !text.contains("/sager/"),
                        "{topic:?} {locale:?} {part}: {text}"
                    );
                    assert!(
                        !text.contains("/indstillinger"),
                        "{topic:?} {locale:?} {part}: no settings without a login"
                    );
                    assert!(!text.contains("notify.") && !text.contains('{'), "{text}");
                }
                assert!(
                    r.sms.chars().count() <= 160,
                    "{topic:?} {locale:?} SMS is {} characters: {}",
                    r.sms.chars().count(),
                    r.sms
                );
            }
        }
        let requested = render(
            Topic::InformationRequested,
            Locale::Da,
            &for_contact(false),
            BASE,
        );
        assert!(requested.text.contains("direkte til Aalborg Kommune"));

        // A company's contact can also log in: both links, and the decision letter.
        let decided = render(Topic::Decided, Locale::Da, &for_contact(true), BASE);
        assert!(decided.text.contains(tracking));
        assert!(decided
            .text
            .contains("https://sagsspor.kommune.dk/sager/851-2026-000123-5/afgoerelse.pdf"));
        assert!(decided.sms.contains("/sager/851-2026-000123-5"));
        assert!(!decided.text.contains("direkte til"));

        // A portal user's messages have no tracking link (it is theirs to hand on, not to mail).
        let user = render(Topic::Decided, Locale::Da, &payload(), BASE);
        assert!(!user.text.contains("/spor/"));
        assert!(user.text.contains("/indstillinger"));
    }

    #[test]
    fn html_is_escaped() {
        let r = render(Topic::Submitted, Locale::Da, &payload(), BASE);
        assert!(r.html.contains("Carport &amp; udhus &lt;nyt&gt;"));
        assert!(!r.html.contains("<nyt>"));
        assert!(r.html.starts_with("<!DOCTYPE html>"));
        assert!(r.html.contains("lang=\"da\""));
    }

    #[test]
    fn danish_mobile_numbers_are_normalised_and_others_refused() {
        assert_eq!(
            normalize_danish_mobile("20 30 40 50").as_deref(),
            Some("+4520304050")
        );
        assert_eq!(
            normalize_danish_mobile("+45 2030-4050").as_deref(),
            Some("+4520304050")
        );
        assert_eq!(
            normalize_danish_mobile("004520304050").as_deref(),
            Some("+4520304050")
        );
        for bad in [
            "",
            "2030405",
            "203040501",
            "10304050",
            "+46 20304050",
            "2030x050",
        ] {
            assert_eq!(normalize_danish_mobile(bad), None, "{bad}");
        }
    }

    #[test]
    fn email_addresses_are_checked_for_shape() {
        assert!(is_plausible_email("mette@example.dk"));
        for bad in [
            "",
            "mette",
            "mette@",
            "@example.dk",
            "a b@example.dk",
            "a@b@c.dk",
            "a@dk",
        ] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }

    #[test]
    fn topic_codes_round_trip() {
        for topic in Topic::CHOOSABLE.into_iter().chain([Topic::StatusOnDemand]) {
            assert_eq!(Topic::parse(topic.as_str()), Some(topic));
        }
        assert_eq!(parse_topic_list(&every_topic()), Topic::CHOOSABLE.to_vec());
        assert_eq!(parse_topic_list(""), Vec::<Topic>::new());
    }
}
