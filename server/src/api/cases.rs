//! `/api/v1/cases…`: an authority's case system registers cases, reads them with their history
//! and clock figures, posts events and uploads documents. Every handler asks the one policy
//! question first — is this case of the client's authority? — and a case of another authority
//! answers exactly like one that does not exist.

use super::problem::{etag_of, Problem};
use super::requests::{
    fingerprint, idempotency_key, if_match, if_none_match, once, parse_json, Answer, WriteRequest,
};
use super::ApiCaller;
use crate::http::HttpState;
use app::authorization::may_client_act_on;
use app::db::cases::Case;
use app::db::documents::Document;
use app::db::events::CaseEvent;
use app::db::Conn;
use app::domain::clock::{ClockFigures, GoalStatus, NotCoveredReason};
use app::domain::reference::CaseReference;
use app::error::AppError;
use app::services::case_events::{Actor, ActorKind};
use app::services::case_view::CaseFolder;
use app::services::commands::case_actions::{
    act_on_case, ActOnCase, ActionTime, CaseAction, DecisionLetterSource, ItemDraft,
};
use app::services::commands::documents::{add_case_document, AddCaseDocument, NamedFile};
use app::services::commands::intake::{self, register_received_application, ReceivedApplication};
use app::services::commands::refusals::{CommandError, RefusalCode};
use app::services::decisions::Outcome;
use app::services::document_store::{clean_filename, FileType};
use app::state::now_utc;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// How far ahead of this server's clock a reported time may be (clocks differ a little).
const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

// ---------------------------------------------------------------------------------------------
// What the API answers

/// A case as the authority's case system sees it: everything, including internal texts.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseOutput {
    /// The case's reference, unique across all authorities (e.g. `101-2026-000123-8`).
    pub reference: String,
    /// The version; the ETag is this number in quotes.
    pub version: i64,
    pub authority: CodeAndName,
    pub case_type: CodeAndName,
    pub title: String,
    /// How the application arrived: `portal`, `email`, `phone` or `post`.
    pub channel: String,
    pub esdh_number: Option<String>,
    /// `submitted`, `registered`, `in_progress`, `awaiting_applicant`, `hearing`, `decided`,
    /// `closed` or `withdrawn`.
    pub state: String,
    /// The phase the applicant sees: `received`, `screening`, `processing` or `decided`
    /// (`null` when withdrawn).
    pub phase: Option<String>,
    /// Who must act: `authority`, `applicant` or `nobody`.
    pub must_act: String,
    pub declared_complete: bool,
    pub applicant: ApplicantOutput,
    pub property: PropertyOutput,
    pub received_at: Option<DateTime<Utc>>,
    pub declared_complete_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub expected_decision: Option<ExpectedDecisionOutput>,
    pub clock: ClockOutput,
    /// The applicant's case folder (login required).
    pub case_folder_url: String,
    /// The status-only page anyone with the link may open.
    pub tracking_url: Option<String>,
    /// Every event, oldest first.
    pub history: Vec<EventOutput>,
    /// Requests for information, newest first.
    pub information_requests: Vec<InformationRequestOutput>,
    pub documents: Vec<DocumentOutput>,
}

/// A code with its Danish name.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeAndName {
    pub code: String,
    pub name: String,
}

/// The applicant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicantOutput {
    /// `person` or `business`.
    pub kind: String,
    pub name: String,
    pub cvr: Option<String>,
    /// Contact details given when the case system registered the case.
    pub email: Option<String>,
    pub mobile: Option<String>,
}

/// The property the case is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct PropertyOutput {
    pub address: String,
    pub cadastral_number: String,
}

/// When a decision can be expected.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpectedDecisionOutput {
    pub date: NaiveDate,
    /// True when the date is the authority's typical time rather than the service goal.
    pub is_estimate: bool,
}

/// The responsibility clock: how many days the case spent with whom.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockOutput {
    /// Calendar days from submission to decision, withdrawal or today.
    pub total_days: i64,
    pub authority_days: i64,
    pub applicant_days: i64,
    /// The service goal of the case's type in days, if it has one.
    pub goal_days: Option<u32>,
    /// Days counted against the goal so far (from completeness, less the applicant's days).
    pub goal_days_used: Option<i64>,
    /// `not_started`, `running`, `at_risk`, `kept`, `missed` or `not_covered`.
    pub goal_status: String,
    /// Why the goal does not apply, when `goal_status` is `not_covered`.
    pub not_covered_reason: Option<String>,
}

/// One event of the history.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOutput {
    pub id: i64,
    /// Position in the case's history (1, 2, …).
    pub seq: i32,
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
    /// `applicant`, `caseworker`, `system` or `esdh`.
    pub actor_kind: String,
    pub actor_label: String,
    pub state_after: String,
    pub must_act_after: String,
    pub visible_to_applicant: bool,
    pub public_text: Option<String>,
    pub internal_text: Option<String>,
}

/// A request for information and its items.
#[derive(Debug, Serialize, ToSchema)]
pub struct InformationRequestOutput {
    pub id: i64,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub items: Vec<InformationItemOutput>,
}

/// One thing asked for.
#[derive(Debug, Serialize, ToSchema)]
pub struct InformationItemOutput {
    pub id: i64,
    pub description: String,
    pub deadline: NaiveDate,
    /// `open` or `answered`.
    pub status: String,
    pub answered_at: Option<DateTime<Utc>>,
    pub answer_comment: Option<String>,
}

/// A document of the case (its bytes are not part of the API's answers).
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentOutput {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// `attachment`, `answer` or `decision`.
    pub kind: String,
    /// Who added it: `applicant`, `caseworker`, `system` or `esdh` (this API).
    pub uploaded_by: String,
    pub sha256: String,
    pub visible_to_applicant: bool,
    pub uploaded_at: DateTime<Utc>,
}

/// The answer to a posted event: the event and the case after it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPosted {
    pub event: EventOutput,
    pub case: CaseOutput,
}

impl DocumentOutput {
    fn of(document: &Document) -> DocumentOutput {
        DocumentOutput {
            id: document.id,
            filename: document.filename.clone(),
            content_type: document.content_type.clone(),
            size_bytes: document.size_bytes,
            kind: document.kind.clone(),
            uploaded_by: document.uploaded_by_kind.clone(),
            sha256: document.sha256.clone(),
            visible_to_applicant: document.visible_to_applicant,
            uploaded_at: utc(document.uploaded_at),
        }
    }
}

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

fn goal_status(status: &GoalStatus) -> (&'static str, Option<String>) {
    match status {
        GoalStatus::NotStarted => ("not_started", None),
        GoalStatus::Running { .. } => ("running", None),
        GoalStatus::AtRisk { .. } => ("at_risk", None),
        GoalStatus::Kept { .. } => ("kept", None),
        GoalStatus::Missed { .. } => ("missed", None),
        GoalStatus::NotCovered(reason) => (
            "not_covered",
            Some(match reason {
                NotCoveredReason::NoNationalGoal => "no_national_goal".to_string(),
                NotCoveredReason::DecidedBeforeComplete => "decided_before_complete".to_string(),
                NotCoveredReason::Withdrawn => "withdrawn".to_string(),
                NotCoveredReason::Marked(text) => text.clone(),
            }),
        ),
    }
}

fn clock_output(figures: &ClockFigures) -> ClockOutput {
    let (status, reason) = goal_status(&figures.status);
    ClockOutput {
        total_days: figures.total_days,
        authority_days: figures.authority_days,
        applicant_days: figures.applicant_days,
        goal_days: figures.goal_days,
        goal_days_used: figures.goal_days_used,
        goal_status: status.to_string(),
        not_covered_reason: reason,
    }
}

fn event_output(event: &CaseEvent) -> EventOutput {
    EventOutput {
        id: event.id,
        seq: event.seq,
        kind: event.kind.clone(),
        occurred_at: utc(event.occurred_at),
        actor_kind: event.actor_kind.clone(),
        actor_label: event.actor_label.clone(),
        state_after: event.state_after.clone(),
        must_act_after: event.must_act_after.clone(),
        visible_to_applicant: event.visible_to_applicant,
        public_text: event.public_text.clone(),
        internal_text: event.internal_text.clone(),
    }
}

fn case_output(folder: &CaseFolder, origin: &str) -> CaseOutput {
    let case = &folder.case;
    let reference = case.reference.clone().unwrap_or_default();
    CaseOutput {
        case_folder_url: format!("{origin}/sager/{reference}"),
        tracking_url: case
            .tracking_token
            .as_ref()
            .map(|token| format!("{origin}/spor/{token}")),
        reference,
        version: case.version,
        authority: CodeAndName {
            code: folder.authority.code.to_string(),
            name: folder.authority.name.clone(),
        },
        case_type: CodeAndName {
            code: folder.case_type.code.clone(),
            name: folder.case_type.name_da.clone(),
        },
        title: case.title.clone(),
        channel: case.channel.clone(),
        esdh_number: case.esdh_number.clone(),
        state: case.state.clone(),
        phase: case.lifecycle().phase().map(|p| p.as_str().to_string()),
        must_act: case.must_act.clone(),
        declared_complete: case.declared_complete,
        applicant: ApplicantOutput {
            kind: case.applicant_kind.clone(),
            name: case.applicant_name.clone(),
            cvr: case.applicant_cvr.clone(),
            email: case.contact_email.clone(),
            mobile: case.contact_mobile.clone(),
        },
        property: PropertyOutput {
            address: case.property_address.clone(),
            cadastral_number: case.cadastral_number.clone(),
        },
        received_at: case.submitted_at.map(utc),
        declared_complete_at: case.complete_at.map(utc),
        decided_at: case.decided_at.map(utc),
        expected_decision: folder
            .figures
            .expected
            .as_ref()
            .map(|e| ExpectedDecisionOutput {
                date: e.date,
                is_estimate: e.is_estimate,
            }),
        clock: clock_output(&folder.figures),
        history: folder.history.iter().map(event_output).collect(),
        information_requests: folder
            .requests
            .iter()
            .map(|r| InformationRequestOutput {
                id: r.request.id,
                message: r.request.message.clone(),
                created_at: utc(r.request.created_at),
                closed_at: r.request.closed_at.map(utc),
                items: r
                    .items
                    .iter()
                    .map(|i| InformationItemOutput {
                        id: i.id,
                        description: i.description.clone(),
                        deadline: i.deadline,
                        status: i.status.clone(),
                        answered_at: i.answered_at.map(utc),
                        answer_comment: i.answer_comment.clone(),
                    })
                    .collect(),
            })
            .collect(),
        documents: folder.documents.iter().map(DocumentOutput::of).collect(),
    }
}

/// The case as an answer with its ETag.
async fn case_answer(
    conn: &mut Conn,
    case_id: i64,
    status: StatusCode,
    origin: &str,
    body: impl FnOnce(CaseOutput) -> Result<Answer, Problem>,
) -> Result<Answer, Problem> {
    let case = Case::find(conn, case_id)
        .await?
        .ok_or_else(|| Problem::internal("reading a case just written", &case_id))?;
    let folder = CaseFolder::for_case(conn, case, now_utc()).await?;
    let output = case_output(&folder, origin);
    let etag = etag_of(output.version);
    let location = format!("/api/v1/cases/{}", output.reference);
    let mut answer = body(output)?;
    answer.status = status;
    answer.etag = Some(etag);
    answer.location = Some(location);
    Ok(answer)
}

/// The client's case with this reference; another authority's case is "not found".
async fn own_case(conn: &mut Conn, caller: &ApiCaller, raw: &str) -> Result<Case, Problem> {
    let reference = CaseReference::parse(raw).map_err(|_| Problem::case_not_found(raw))?;
    Case::find_by_reference(conn, &reference)
        .await?
        .filter(|case| may_client_act_on(caller.client.authority_code, case))
        .ok_or_else(|| Problem::case_not_found(raw))
}

/// The client's case, refused as stale when `If-Match` names another version than the current.
async fn own_case_at(
    conn: &mut Conn,
    caller: &ApiCaller,
    raw: &str,
    expected_version: Option<i64>,
) -> Result<Case, Problem> {
    let case = own_case(conn, caller, raw).await?;
    match expected_version {
        Some(expected) if expected != case.version => {
            Err(Problem::stale(case.version, &case.state).of_case(case.id))
        }
        _ => Ok(case),
    }
}

/// The case system as the events name it.
fn esdh_actor(label: &str) -> Actor<'_> {
    Actor {
        kind: ActorKind::Esdh,
        user_id: None,
        label,
    }
}

/// A command's refusal or failure on a case as the API answers it: a case that changed under an
/// `If-Match` is 412 (stale), not 409.
fn command_problem(error: CommandError, expected_version: Option<i64>, case: &Case) -> Problem {
    match error {
        CommandError::Refused(refusal)
            if refusal.code == RefusalCode::Changed && expected_version.is_some() =>
        {
            Problem::stale(refusal.current_version.unwrap_or_default(), &case.state)
        }
        other => Problem::from_command(other, &case.state),
    }
    .of_case(case.id)
}

// ---------------------------------------------------------------------------------------------
// Register

/// A case that reached the authority outside the portal (e-mail, phone, post, in person),
/// registered by its case system.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseInput {
    /// The application type's code (see the reference data, e.g. `byg_enfamiliehus`).
    #[schema(example = "byg_garage_carport_udhus", max_length = 100)]
    pub case_type: String,
    /// A short title the applicant recognises, at most 200 characters.
    #[schema(min_length = 1, max_length = 200, example = "Carport, Havnegade 4")]
    pub title: String,
    /// What the application is about.
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub applicant: ApplicantInput,
    pub property: PropertyInput,
    /// The case's number in the authority's ESDH; unique within the authority.
    #[schema(min_length = 1, max_length = 100, example = "2026-004711")]
    pub esdh_number: String,
    /// When the authority received the application (RFC 3339); not in the future. The clock
    /// counts from here.
    pub received_at: DateTime<FixedOffset>,
    /// When the case system registered it (*journaliseret*, RFC 3339); default now. Not before
    /// `received_at` and not in the future.
    #[serde(default)]
    pub registered_at: Option<DateTime<FixedOffset>>,
    /// How it arrived.
    pub channel: IntakeChannel,
    /// The service-goal category, when the type has more than one (default: the type's first).
    #[serde(default)]
    pub service_goal_category: Option<String>,
}

/// How an application reached the authority outside the portal (in person counts as `post`:
/// on paper).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntakeChannel {
    Email,
    Phone,
    Post,
}

impl From<IntakeChannel> for intake::IntakeChannel {
    fn from(channel: IntakeChannel) -> Self {
        match channel {
            IntakeChannel::Email => intake::IntakeChannel::Email,
            IntakeChannel::Phone => intake::IntakeChannel::Phone,
            IntakeChannel::Post => intake::IntakeChannel::Post,
        }
    }
}

/// Who applied. With a CVR number the company's portal users see the case; e-mail and mobile
/// receive the case's messages either way.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantInput {
    /// The applicant's or company's name, at most 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// A company's CVR number: eight digits.
    #[serde(default)]
    #[schema(pattern = "^[0-9]{8}$", example = "12345678")]
    pub cvr: Option<String>,
    #[serde(default)]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    /// A Danish mobile number (eight digits, `+45` allowed).
    #[serde(default)]
    #[schema(max_length = 20, example = "+45 20 12 34 56")]
    pub mobile: Option<String>,
}

/// The property.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertyInput {
    #[schema(
        min_length = 1,
        max_length = 300,
        example = "Havnegade 4, 9000 Aalborg"
    )]
    pub address: String,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub cadastral_number: Option<String>,
}

/// A required text: trimmed, not empty, at most `max` characters.
fn required_text<'a>(field: &str, text: &'a str, max: usize) -> Result<&'a str, Problem> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Problem::invalid(field, "must not be empty"));
    }
    if trimmed.chars().count() > max {
        return Err(Problem::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(trimmed)
}

/// A reported time as UTC, refused when it lies in the future.
fn reported_time(
    field: &str,
    at: DateTime<FixedOffset>,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, Problem> {
    let at = at.naive_utc();
    if at > now + CLOCK_SKEW {
        return Err(Problem::invalid(field, "must not be in the future"));
    }
    if at.and_utc().timestamp() < 946_684_800 {
        return Err(Problem::invalid(field, "must not be before the year 2000"));
    }
    Ok(chrono::DurationRound::duration_trunc(at, TimeDelta::microseconds(1)).unwrap_or(at))
}

/// `POST /api/v1/cases`
#[utoipa::path(
    post,
    path = "/api/v1/cases",
    operation_id = "register_case",
    tag = "cases",
    summary = "Register a case that arrived outside the portal",
    description = "Creates the case, submitted at `received_at` and registered with its ESDH number at `registered_at` (default now), and answers with the case and its reference. Messages to the applicant's contact details and to the company's portal users follow as for any case.",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: the same key with the same request gets the first answer and changes nothing.")),
    request_body(content = NewCaseInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Registered", body = CaseOutput, headers(("etag" = String, description = "The case's version"), ("location" = String, description = "The case's address in the API"))),
        (status = 400, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ESDH number is taken", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing, unknown or not acceptable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn register(
    State(state): State<HttpState>,
    caller: ApiCaller,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Answer, Problem> {
    let key = idempotency_key(&headers)?;
    let input: NewCaseInput = parse_json(&headers, &body)?;
    let now = now_utc();
    let received_at = reported_time("received_at", input.received_at, now)?;
    let registered_at = match input.registered_at {
        None => now.max(received_at),
        Some(at) => reported_time("registered_at", at, now)?,
    };
    let write = WriteRequest {
        client_id: caller.client.id,
        key: key.as_deref(),
        fingerprint: &fingerprint("POST", uri.path(), &body),
    };
    let origin = state.public_origin.clone();
    let label = caller.client.name.clone();
    let store = state.app.documents.clone();
    let application = ReceivedApplication {
        authority_code: caller.client.authority_code,
        case_type_code: &input.case_type,
        service_goal_category: input.service_goal_category.as_deref(),
        title: &input.title,
        description: input.description.as_deref(),
        applicant_name: &input.applicant.name,
        cvr: input.applicant.cvr.as_deref(),
        email: input.applicant.email.as_deref(),
        mobile: input.applicant.mobile.as_deref(),
        property_address: &input.property.address,
        cadastral_number: input.property.cadastral_number.as_deref(),
        esdh_number: &input.esdh_number,
        channel: input.channel.into(),
        received_at,
        registered_at,
        actor: esdh_actor(&label),
    };
    once(&state.app.db, write, async |conn| {
        let recorded = register_received_application(conn, &store, application)
            .await
            .map_err(|error| Problem::from_command(error, "draft"))?;
        case_answer(
            conn,
            recorded.case.id,
            StatusCode::CREATED,
            &origin,
            |output| Answer::json(StatusCode::CREATED, &output),
        )
        .await
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Read

/// `GET /api/v1/cases/{reference}`
#[utoipa::path(
    get,
    path = "/api/v1/cases/{reference}",
    operation_id = "read_case",
    tag = "cases",
    summary = "Read a case with its history and clock figures",
    params(
        ("reference" = String, Path, description = "The case's reference, e.g. `101-2026-000123-8`"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag from an earlier read: 304 while the case is unchanged"),
    ),
    responses(
        (status = 200, description = "The case", body = CaseOutput, headers(("etag" = String, description = "The case's version"))),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case of this client's authority", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn read(
    State(state): State<HttpState>,
    caller: ApiCaller,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let mut conn = state.app.db.conn().await?;
    let case = own_case(&mut conn, &caller, &reference).await?;
    let etag = etag_of(case.version);
    if if_none_match(&headers, &etag) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(value) = HeaderValue::from_str(&etag) {
            response.headers_mut().insert(header::ETAG, value);
        }
        return Ok(response);
    }
    let answer = case_answer(
        &mut conn,
        case.id,
        StatusCode::OK,
        &state.public_origin,
        |output| Answer::json(StatusCode::OK, &output),
    )
    .await?;
    let mut response = answer.into_response();
    // The location is for answers that create something.
    response.headers_mut().remove(header::LOCATION);
    Ok(response)
}

/// The query of a look-up by ESDH number.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FindQuery {
    /// The case's number in the authority's ESDH.
    pub esdh_number: String,
}

/// What a look-up found.
#[derive(Debug, Serialize, ToSchema)]
pub struct FoundCases {
    /// None or one: an ESDH number is unique within an authority.
    pub cases: Vec<CaseSummary>,
}

/// A case in brief; its `url` has the rest.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummary {
    pub reference: String,
    /// The version; the ETag is this number in quotes.
    pub version: i64,
    pub esdh_number: Option<String>,
    pub case_type: String,
    pub title: String,
    pub state: String,
    pub must_act: String,
    pub received_at: Option<DateTime<Utc>>,
    /// The case in this API.
    pub url: String,
}

/// `GET /api/v1/cases?esdh_number=…`
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    operation_id = "find_cases",
    tag = "cases",
    summary = "Find the case that has an ESDH number",
    description = "For a case system that has its own number and needs the reference, e.g. after losing the answer to a registration sent without an Idempotency-Key, or for a case the applicant sent through the portal and a caseworker registered there.",
    params(FindQuery),
    responses(
        (status = 200, description = "The authority's case with this ESDH number, if there is one", body = FoundCases),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The query is missing or not acceptable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn find(
    State(state): State<HttpState>,
    caller: ApiCaller,
    query: Result<Query<FindQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) = query.map_err(|e| {
        let detail = e.body_text();
        let field = if detail.contains("unknown field") {
            "query"
        } else {
            "esdh_number"
        };
        Problem::invalid(field, detail)
    })?;
    let number = required_text("esdh_number", &query.esdh_number, 100)?;
    let authority = caller.client.authority_code;
    let mut conn = state.app.db.conn().await?;
    let cases = Case::find_by_esdh_number(&mut conn, authority, number)
        .await?
        .filter(|case| may_client_act_on(authority, case))
        .into_iter()
        .map(|case| {
            let reference = case.reference.unwrap_or_default();
            CaseSummary {
                url: format!("/api/v1/cases/{reference}"),
                reference,
                version: case.version,
                esdh_number: case.esdh_number,
                case_type: case.case_type_code,
                title: case.title,
                state: case.state,
                must_act: case.must_act,
                received_at: case.submitted_at.map(utc),
            }
        })
        .collect();
    Ok(axum::Json(FoundCases { cases }).into_response())
}

/// `GET /api/v1/cases/{reference}/documents/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/cases/{reference}/documents/{id}",
    operation_id = "download_document",
    tag = "cases",
    summary = "Download a document of a case",
    description = "The file itself, for journalising it in the case system: the applicant's attachments and answers to requests for information as well as the authority's own documents. A stored document never changes, so its ETag is its SHA-256.",
    params(
        ("reference" = String, Path, description = "The case's reference"),
        ("id" = i64, Path, description = "The document's id, as in the case's `documents`"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag of a copy you have: 304 instead of the bytes"),
    ),
    responses(
        (status = 200, description = "The file", content(("application/pdf"), ("image/png"), ("image/jpeg")), headers(("etag" = String, description = "The document's SHA-256 in quotes"), ("content-disposition" = String, description = "The file's name"))),
        (status = 304, description = "The copy named in If-None-Match is this document"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case of this client's authority, or no such document in it; or (`document-content-missing`) the document's file is missing from the document store", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The document store cannot be read now; try again later", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn download_document(
    State(state): State<HttpState>,
    caller: ApiCaller,
    Path((reference, raw_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let not_found = || {
        Problem::new(
            StatusCode::NOT_FOUND,
            "document-not-found",
            "No such document",
            format!("the case {reference} has no document with the id {raw_id}"),
        )
    };
    let document = {
        let mut conn = state.app.db.conn().await?;
        let case = own_case(&mut conn, &caller, &reference).await?;
        let id = raw_id.parse::<i64>().map_err(|_| not_found())?;
        Document::find_in_case(&mut conn, case.id, id)
            .await?
            .ok_or_else(not_found)?
    };
    let etag = format!("\"{}\"", document.sha256);
    let etag_value =
        HeaderValue::from_str(&etag).map_err(|e| Problem::internal("a document's ETag", &e))?;
    if if_none_match(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response());
    }
    let contents = crate::web::documents::open_contents(&state, &document)
        .await
        .map_err(|error| match error {
            AppError::NotFound => Problem::new(
                StatusCode::NOT_FOUND,
                "document-content-missing",
                "The document's file is missing",
                format!(
                    "the document {raw_id} of {reference} is listed, but its file is not in the document store"
                ),
            ),
            other => Problem::from(other),
        })?;
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(&document.content_type)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        ),
        (
            header::CONTENT_DISPOSITION,
            crate::web::documents::content_disposition("attachment", &document.filename),
        ),
        (header::ETAG, etag_value),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ),
    ];
    Ok((headers, axum::body::Body::from_stream(contents.chunks)).into_response())
}

// ---------------------------------------------------------------------------------------------
// Events

/// The events a case system may post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiEventKind {
    /// Only for a case the applicant submitted through the portal; needs `esdh_number`.
    Registered,
    DeclaredComplete,
    /// Needs `message` and `items`.
    InformationRequested,
    /// Every open item counts as answered; optional `comment`.
    InformationReceived,
    /// One item of a request arrived (e.g. by post); needs `item_id`, optional `comment`. While
    /// other items are open the event is `item_answered`; the last one makes it
    /// `information_received` and the case returns to the authority.
    ItemReceived,
    HearingStarted,
    HearingEnded,
    /// Needs `outcome`, `heading` and `decision_document_id` (a PDF uploaded to the case).
    Decided,
    Closed,
    /// Needs `reason`.
    Reopened,
    /// Needs `internal_text` or `public_text`.
    NoteAdded,
    /// Needs `reason`.
    GoalNotCovered,
    /// The applicant withdrew the application by letter, e-mail or telephone to the authority
    /// (in the portal the applicant withdraws it there). Not after a decision.
    Withdrawn,
}

/// A decision's outcome.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiOutcome {
    Approved,
    ApprovedWithConditions,
    Refused,
    Dismissed,
}

impl ApiOutcome {
    fn outcome(self) -> Outcome {
        match self {
            ApiOutcome::Approved => Outcome::Approved,
            ApiOutcome::ApprovedWithConditions => Outcome::ApprovedWithConditions,
            ApiOutcome::Refused => Outcome::Refused,
            ApiOutcome::Dismissed => Outcome::Dismissed,
        }
    }
}

/// One thing asked of the applicant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// What is needed, at most 500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub description: String,
    /// The last day to send it (Danish date); today or later.
    pub deadline: NaiveDate,
}

/// An event for a case. `kind` says which; the other fields belong to certain kinds only, and a
/// field given with a kind it does not belong to is refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub kind: ApiEventKind,
    /// When it happened in the case system (RFC 3339); default now. Not in the future and not
    /// before the case's latest event.
    #[serde(default)]
    pub occurred_at: Option<DateTime<FixedOffset>>,
    /// A plain-language text for the applicant, shown with the event.
    #[serde(default)]
    pub public_text: Option<String>,
    /// `note_added` only: a note only the authority sees.
    #[serde(default)]
    pub internal_text: Option<String>,
    /// `registered` only.
    #[serde(default)]
    pub esdh_number: Option<String>,
    /// `information_requested` only: the covering message.
    #[serde(default)]
    pub message: Option<String>,
    /// `information_requested` only: 1 to 20 items.
    #[serde(default)]
    #[schema(min_items = 1, max_items = 20)]
    pub items: Option<Vec<ItemInput>>,
    /// `information_received` and `item_received` only.
    #[serde(default)]
    pub comment: Option<String>,
    /// `item_received` only: the item's id, as in the case's `information_requests`.
    #[serde(default)]
    pub item_id: Option<i64>,
    /// `decided` only.
    #[serde(default)]
    pub outcome: Option<ApiOutcome>,
    /// `decided` only: the decision's heading, shown to the applicant.
    #[serde(default)]
    pub heading: Option<String>,
    /// `decided` only: the id of a PDF uploaded to this case through `/documents`; it becomes
    /// the decision letter the applicant downloads.
    #[serde(default)]
    pub decision_document_id: Option<i64>,
    /// `reopened` and `goal_not_covered` only.
    #[serde(default)]
    pub reason: Option<String>,
}

impl EventInput {
    /// The action the event asks for; the command checks what was given.
    fn action(&self) -> CaseAction {
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        match self.kind {
            ApiEventKind::Registered => CaseAction::Register {
                esdh_number: text(&self.esdh_number),
            },
            ApiEventKind::DeclaredComplete => CaseAction::DeclareComplete,
            ApiEventKind::InformationRequested => CaseAction::RequestInformation {
                message: text(&self.message),
                items: self
                    .items
                    .iter()
                    .flatten()
                    .map(|item| ItemDraft {
                        description: item.description.clone(),
                        deadline: item.deadline,
                    })
                    .collect(),
            },
            ApiEventKind::InformationReceived => CaseAction::ReceiveInformation {
                comment: self.comment.clone(),
            },
            ApiEventKind::ItemReceived => CaseAction::ReceiveItem {
                item_id: self.item_id,
                comment: self.comment.clone(),
            },
            ApiEventKind::HearingStarted => CaseAction::StartHearing,
            ApiEventKind::HearingEnded => CaseAction::EndHearing,
            ApiEventKind::Decided => CaseAction::Decide {
                outcome: self.outcome.map(ApiOutcome::outcome),
                heading: text(&self.heading),
                letter: DecisionLetterSource::Uploaded {
                    document_id: self.decision_document_id,
                },
            },
            ApiEventKind::Closed => CaseAction::Close,
            ApiEventKind::Reopened => CaseAction::Reopen {
                reason: text(&self.reason),
            },
            ApiEventKind::NoteAdded => CaseAction::AddNote {
                internal_text: self.internal_text.clone(),
            },
            ApiEventKind::GoalNotCovered => CaseAction::MarkNotCovered {
                reason: text(&self.reason),
            },
            ApiEventKind::Withdrawn => CaseAction::Withdraw,
        }
    }

    /// Refuses a field given with a kind it does not belong to.
    fn check_fields(&self) -> Result<(), Problem> {
        use ApiEventKind as K;
        let given: [(&str, bool, &[K]); 10] = [
            (
                "internal_text",
                self.internal_text.is_some(),
                &[K::NoteAdded],
            ),
            ("esdh_number", self.esdh_number.is_some(), &[K::Registered]),
            (
                "message",
                self.message.is_some(),
                &[K::InformationRequested],
            ),
            ("items", self.items.is_some(), &[K::InformationRequested]),
            (
                "comment",
                self.comment.is_some(),
                &[K::InformationReceived, K::ItemReceived],
            ),
            ("item_id", self.item_id.is_some(), &[K::ItemReceived]),
            ("outcome", self.outcome.is_some(), &[K::Decided]),
            ("heading", self.heading.is_some(), &[K::Decided]),
            (
                "decision_document_id",
                self.decision_document_id.is_some(),
                &[K::Decided],
            ),
            (
                "reason",
                self.reason.is_some(),
                &[K::Reopened, K::GoalNotCovered],
            ),
        ];
        for (field, present, kinds) in given {
            if present && !kinds.contains(&self.kind) {
                return Err(Problem::invalid(
                    field,
                    format!("{field} does not belong to an event of this kind"),
                ));
            }
        }
        Ok(())
    }
}

/// `POST /api/v1/cases/{reference}/events`
#[utoipa::path(
    post,
    path = "/api/v1/cases/{reference}/events",
    operation_id = "post_event",
    tag = "cases",
    summary = "Post an event: a transition, a request for information, a decision, a note",
    description = "The case's state machine decides whether the event is allowed now; a refusal answers 409 naming the current state and why. Send `If-Match` with the ETag you read to be told (412) when the case changed in between.",
    params(
        ("reference" = String, Path, description = "The case's reference"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe"),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on"),
    ),
    request_body(content = EventInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded", body = EventPosted, headers(("etag" = String, description = "The case's new version"), ("location" = String, description = "The case's address in the API"))),
        (status = 400, description = "Not JSON, or a malformed header", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case of this client's authority", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Refused by the state machine, or changed at the same moment", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names an older version", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing, unknown, misplaced or not acceptable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn post_event(
    State(state): State<HttpState>,
    caller: ApiCaller,
    Path(reference): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Answer, Problem> {
    let key = idempotency_key(&headers)?;
    let expected_version = if_match(&headers)?;
    let input: EventInput = parse_json(&headers, &body)?;
    input.check_fields()?;
    let now = now_utc();
    let time = match input.occurred_at {
        Some(at) => ActionTime::Reported(reported_time("occurred_at", at, now)?),
        None => ActionTime::Now(now),
    };
    let action = input.action();
    let write = WriteRequest {
        client_id: caller.client.id,
        key: key.as_deref(),
        fingerprint: &fingerprint("POST", uri.path(), &body),
    };
    let origin = state.public_origin.clone();
    let label = caller.client.name.clone();
    let store = state.app.documents.clone();
    once(&state.app.db, write, async |conn| {
        let case = own_case_at(conn, &caller, &reference, expected_version).await?;
        let command = ActOnCase {
            case: &case,
            read_version: expected_version,
            actor: esdh_actor(&label),
            // The time is read inside the transaction (a request that waited for another's
            // write comes after it).
            time: match time {
                ActionTime::Now(_) => ActionTime::Now(now_utc()),
                reported => reported,
            },
            public_text: input.public_text.clone(),
            action: action.clone(),
        };
        let done = act_on_case(conn, &store, command)
            .await
            .map_err(|error| command_problem(error, expected_version, &case))?;
        let event = event_output(&done.recorded.event);
        case_answer(conn, case.id, StatusCode::CREATED, &origin, move |output| {
            Answer::json(
                StatusCode::CREATED,
                &EventPosted {
                    event,
                    case: output,
                },
            )
        })
        .await
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Documents

/// The query of a document upload.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name as the applicant will see it.
    pub filename: String,
    /// Whether the applicant sees the document now (default: no — e.g. a decision letter is
    /// shown when the decision is posted).
    #[serde(default)]
    pub visible_to_applicant: Option<bool>,
}

/// The answer to an upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentPosted {
    pub document: DocumentOutput,
    /// The case's new version.
    pub version: i64,
}

/// `POST /api/v1/cases/{reference}/documents`
#[utoipa::path(
    post,
    path = "/api/v1/cases/{reference}/documents",
    operation_id = "upload_document",
    tag = "cases",
    summary = "Upload a document (PDF, PNG or JPEG) to a case",
    description = "The body is the file itself. Its type is read from its content. A decision letter is uploaded here first and named by `decision_document_id` in the `decided` event.",
    params(
        ("reference" = String, Path, description = "The case's reference"),
        UploadQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe"),
        ("If-Match" = Option<String>, Header, description = "The ETag the change is based on"),
    ),
    request_body(content = String, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Stored", body = DocumentPosted, headers(("etag" = String, description = "The case's new version"), ("location" = String, description = "The case's address in the API"))),
        (status = 400, description = "A malformed header", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case of this client's authority", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The case does not take documents now, or changed at the same moment", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "If-Match names an older version", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF, PNG or JPEG", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is missing or not acceptable", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[allow(clippy::too_many_arguments)]
pub async fn upload_document(
    State(state): State<HttpState>,
    caller: ApiCaller,
    Path(reference): Path<String>,
    query: Result<Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    OriginalUri(uri): OriginalUri,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Answer, Problem> {
    let key = idempotency_key(&headers)?;
    let expected_version = if_match(&headers)?;
    let Query(query) = query.map_err(|e| Problem::invalid("filename", e.body_text()))?;
    let given_name = required_text("filename", &query.filename, 200)?;
    let Some(file_type) = FileType::sniff(&body) else {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-file-type",
            "Not a PDF, PNG or JPEG",
            "the content is not a PDF, PNG or JPEG file",
        ));
    };
    // Checked and hashed into a temporary file; it enters the store only once the request is
    // accepted, and is gone when it is refused.
    let received = receive_body(&state.app.documents, &body).await?;
    let visible = query.visible_to_applicant.unwrap_or(false);
    let write = WriteRequest {
        client_id: caller.client.id,
        key: key.as_deref(),
        fingerprint: &fingerprint(
            method.as_str(),
            uri.path_and_query().map_or(uri.path(), |p| p.as_str()),
            &body,
        ),
    };
    let label = caller.client.name.clone();
    let store = state.app.documents.clone();
    once(&state.app.db, write, async |conn| {
        let case = own_case_at(conn, &caller, &reference, expected_version).await?;
        let added = add_case_document(
            conn,
            &store,
            AddCaseDocument {
                case: &case,
                read_version: expected_version,
                actor: esdh_actor(&label),
                file: NamedFile {
                    received,
                    filename: clean_filename(given_name, file_type),
                },
                visible_to_applicant: visible,
                at: now_utc(),
            },
        )
        .await
        .map_err(|error| command_problem(error, expected_version, &case))?;
        let (document, recorded) = (added.document, added.recorded);
        let posted = DocumentPosted {
            document: DocumentOutput::of(&document),
            version: recorded.case.version,
        };
        let mut answer = Answer::json(StatusCode::CREATED, &posted)?;
        answer.etag = Some(etag_of(recorded.case.version));
        answer.location = Some(format!(
            "/api/v1/cases/{}",
            case.reference.unwrap_or_default()
        ));
        Ok(answer)
    })
    .await
}

/// An uploaded body, checked and hashed into the store's temporary folder.
async fn receive_body(
    store: &app::services::document_store::DocumentStore,
    body: &[u8],
) -> Result<app::services::document_store::Received, Problem> {
    let received = async {
        let mut upload = store.begin().await?;
        upload.write(body).await?;
        upload.finish().await
    }
    .await;
    received.map_err(|error| match error {
        app::services::document_store::StoreError::TooLarge { max_bytes } => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            "The body is too large",
            format!("this operation takes at most {max_bytes} bytes"),
        ),
        app::services::document_store::StoreError::Empty
        | app::services::document_store::StoreError::UnsupportedType => Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-file-type",
            "Not a PDF, PNG or JPEG",
            "the content is not a PDF, PNG or JPEG file",
        ),
        other => Problem::from(AppError::from(other)),
    })
}
