//! Errors of the integration API as `application/problem+json` (RFC 9457): a status, a stable
//! `type`, a title, a precise `detail`, and where it helps the offending field or the case's
//! current state.

use app::db::cases::Case;
use app::db::{Conn, DbError};
use app::error::AppError;
use app::services::commands::refusals::{CommandError, Refusal, RefusalCode};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The title of every problem with a field's value.
const INVALID: &str = "A field is missing or not acceptable";

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error answer. Boxed, so that `Result<_, Problem>` stays as small as its `Ok` side on the
/// hot path; reads and writes of its fields go through to [`ProblemDetails`].
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Problem(Box<ProblemDetails>);

/// The fields of an error answer, as the client reads them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemDetails {
    /// A stable identifier of the kind of problem, e.g. `/api/v1/problems/transition-refused`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What exactly was wrong with this request.
    pub detail: String,
    /// The request field at fault, as a path (`items[0].deadline`), when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The case's state when a transition was refused or the case had changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_state: Option<String>,
    /// The case's current ETag when the request was made against an older version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_etag: Option<String>,
    /// The reference of the case that already has the ESDH number the request gave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_reference: Option<String>,
    /// The case whose current version and state this problem reports, to be read again together
    /// once the transaction has ended (see [`Problem::of_case`]). Never sent.
    #[serde(skip)]
    #[schema(ignore)]
    reread_case: Option<i64>,
}

impl Problem {
    /// A problem of this status and kind (`slug` becomes the `type`).
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem(Box::new(ProblemDetails {
            problem_type: format!("/api/v1/problems/{slug}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            current_state: None,
            current_etag: None,
            existing_reference: None,
            reread_case: None,
        }))
    }

    /// The same problem, pointing at a field.
    pub fn at(mut self, field: impl Into<String>) -> Problem {
        self.field = Some(field.into());
        self
    }

    /// The same problem, marked as reporting this case's current version and state (when it
    /// reports them at all). Inside a write's transaction they may be a guess (a lost race on
    /// PostgreSQL leaves the transaction unable to read) or from before another change committed;
    /// the write's runner reads both again from the one case row with
    /// [`Problem::with_current_case`], so `current_etag` and `current_state` always belong to
    /// the same version.
    pub fn of_case(mut self, case_id: i64) -> Problem {
        if self.current_etag.is_some() {
            self.reread_case = Some(case_id);
        }
        self
    }

    /// The case to read again, if [`Problem::of_case`] marked one.
    pub fn case_to_reread(&self) -> Option<i64> {
        self.reread_case
    }

    /// Fills in the case's current version and state from one read of its row (outside any
    /// transaction that failed); without a row to read, says neither rather than a mix.
    pub async fn with_current_case(mut self, conn: &mut Conn) -> Problem {
        let Some(case_id) = self.reread_case.take() else {
            return self;
        };
        match Case::version_and_state(conn, case_id).await {
            Ok(Some((version, state))) => {
                if self.problem_type.ends_with("/stale-version") {
                    self.detail = stale_detail(version);
                }
                self.current_etag = Some(etag_of(version));
                self.current_state = Some(state);
            }
            Ok(None) | Err(_) => {
                self.current_etag = None;
                self.current_state = None;
            }
        }
        self
    }

    /// 400: the body is not JSON at all.
    pub fn malformed(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed-json",
            "The body is not valid JSON",
            detail,
        )
    }

    /// 422: a field is missing, unknown, of the wrong type or not acceptable.
    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-field",
            "A field is missing or not acceptable",
            detail,
        )
        .at(field)
    }

    /// 401: no token, or one that is unknown or revoked.
    pub fn unauthorized(detail: &str) -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "A valid bearer token is required",
            detail,
        )
    }

    /// 404: no such case of the client's authority (another authority's case looks the same).
    pub fn case_not_found(reference: &str) -> Problem {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "No such case",
            format!("this client's authority has no case with the reference {reference}"),
        )
    }

    /// 409: the case changed between reading its version and writing (without `If-Match`).
    pub fn concurrent_change(current_version: i64, state: &str) -> Problem {
        let mut problem = Problem::new(
            StatusCode::CONFLICT,
            "concurrent-change",
            "The case changed at the same time",
            "another change to the case was written at the same moment; read it and try again",
        );
        problem.current_state = Some(state.to_string());
        problem.current_etag = Some(etag_of(current_version));
        problem
    }

    /// 412: `If-Match` named an older version of the case.
    pub fn stale(current_version: i64, state: &str) -> Problem {
        let mut problem = Problem::new(
            StatusCode::PRECONDITION_FAILED,
            "stale-version",
            "The case has changed since you read it",
            stale_detail(current_version),
        );
        problem.current_state = Some(state.to_string());
        problem.current_etag = Some(etag_of(current_version));
        problem
    }

    /// 409: another case of the authority has this ESDH number (named when it is known, so the
    /// case system can link its case to it instead of registering it twice).
    pub fn esdh_number_taken(existing_reference: Option<String>) -> Problem {
        let detail = match &existing_reference {
            Some(reference) => {
                format!("the authority's case {reference} already has this ESDH number")
            }
            None => "another case of this authority already has this ESDH number".to_string(),
        };
        let mut problem = Problem::new(
            StatusCode::CONFLICT,
            "duplicate-esdh-number",
            "The ESDH number is taken",
            detail,
        )
        .at("esdh_number");
        problem.existing_reference = existing_reference;
        problem
    }

    /// 500 with an id that finds the log line.
    pub fn internal(context: &str, error: &dyn std::fmt::Display) -> Problem {
        let id = match AppError::internal(context, error) {
            AppError::Internal(id) => id,
            _ => String::new(),
        };
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            format!("the error was logged with id {id}"),
        )
    }

    /// A command's refusal, in the problem type and status of its code
    /// ([`RefusalCode::problem`]), naming the field under its JSON name. `state` is the case's
    /// state before the command.
    pub fn refused(refusal: Refusal, state: &str) -> Problem {
        let (slug, status) = refusal.code.problem();
        let field = refusal.field.api_name();
        let name = field.clone().unwrap_or_else(|| "the request".to_string());
        let limit = refusal.limit.unwrap_or_default();
        let (title, detail) = match refusal.code {
            RefusalCode::Changed => {
                return Problem::concurrent_change(
                    refusal.current_version.unwrap_or_default(),
                    state,
                )
            }
            RefusalCode::EsdhNumberTaken => {
                return Problem::esdh_number_taken(refusal.existing_reference)
            }
            RefusalCode::NotNow => {
                let (detail, current) = match &refusal.transition {
                    Some(t) => (
                        format!(
                            "{} is not allowed while the case is {}: {}",
                            t.event.as_str(),
                            t.state.as_str(),
                            t.reason
                        ),
                        t.state.as_str().to_string(),
                    ),
                    None => (
                        format!("not allowed while the case is {state}"),
                        state.to_string(),
                    ),
                };
                let mut problem = Problem::new(
                    StatusCode::CONFLICT,
                    slug,
                    "The case's state does not allow this event",
                    detail,
                );
                problem.current_state = Some(current);
                return problem;
            }
            RefusalCode::ItemNotOpen => (
                "The item is not open",
                "the item has already been answered".to_string(),
            ),
            RefusalCode::StaleForm => (
                "The case has changed since you read it",
                "the request does not name the version it was based on".to_string(),
            ),
            RefusalCode::Required => (INVALID, format!("{name} is required and must not be blank")),
            RefusalCode::TooLong => (
                INVALID,
                format!("{name} may have at most {limit} characters"),
            ),
            RefusalCode::ItemCount => (INVALID, format!("between 1 and {limit} items")),
            RefusalCode::BadDate => (INVALID, format!("{name} must be a date (YYYY-MM-DD)")),
            RefusalCode::DatePast => (INVALID, format!("{name} must be today or later")),
            RefusalCode::NoteEmpty => (
                INVALID,
                "a note needs internal_text or public_text".to_string(),
            ),
            RefusalCode::UnknownColleague => (
                INVALID,
                "not a caseworker of the case's authority".to_string(),
            ),
            RefusalCode::UnknownItem => (
                INVALID,
                "no item of the case's requests for information has this id".to_string(),
            ),
            RefusalCode::LetterNotUsable => (
                INVALID,
                "not a PDF the case system uploaded to this case (or it is a decision already)"
                    .to_string(),
            ),
            RefusalCode::ChooseOutcome => (INVALID, "a decision needs its outcome".to_string()),
            RefusalCode::ConditionsRequired => (
                INVALID,
                "an approval with conditions needs at least one condition".to_string(),
            ),
            RefusalCode::BeforeLatestEvent => (
                INVALID,
                "must not be before the case's latest event".to_string(),
            ),
            RefusalCode::Incomplete => (
                INVALID,
                "the application has fields to fill in or put right".to_string(),
            ),
            RefusalCode::UnknownCaseType => {
                (INVALID, "no application type has this code".to_string())
            }
            RefusalCode::UnknownCategory => (
                INVALID,
                format!(
                    "the type's categories are: {}",
                    match refusal.choices.as_deref() {
                        None | Some([]) => "none".to_string(),
                        Some(choices) => choices.join(", "),
                    }
                ),
            ),
            RefusalCode::NotACvrNumber => (INVALID, "a CVR number is eight digits".to_string()),
            RefusalCode::NotAnEmailAddress => (INVALID, "not an e-mail address".to_string()),
            RefusalCode::NotAMobileNumber => (
                INVALID,
                "not a Danish mobile number (eight digits)".to_string(),
            ),
            RefusalCode::BeforeReceived => (INVALID, "must not be before received_at".to_string()),
        };
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
        let problem = Problem::new(status, slug, title, detail);
        match field {
            Some(field) => problem.at(field),
            None => problem,
        }
    }

    /// A command that ended without its outcome: refused, not found, or failed.
    pub fn from_command(error: CommandError, state: &str) -> Problem {
        match error {
            CommandError::Refused(refusal) => Problem::refused(refusal, state),
            CommandError::NotFound => Problem::new(
                StatusCode::NOT_FOUND,
                "not-found",
                "No such case",
                "the case does not exist",
            ),
            CommandError::Database(error) => Problem::from(error),
            CommandError::Store(error) => Problem::from(AppError::from(error)),
            CommandError::Failed(error) => Problem::internal("a case command", &error),
        }
    }
}

impl From<DbError> for Problem {
    fn from(error: DbError) -> Self {
        Problem::from(AppError::from(error))
    }
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Internal(id) => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                format!("the error was logged with id {id}"),
            ),
            AppError::Unavailable => Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
                "the database is not answering; try again shortly",
            ),
            other => Problem::new(
                StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                "error",
                "Error",
                other.to_string(),
            ),
        }
    }
}

impl std::ops::Deref for Problem {
    type Target = ProblemDetails;

    fn deref(&self) -> &ProblemDetails {
        &self.0
    }
}

impl std::ops::DerefMut for Problem {
    fn deref_mut(&mut self) -> &mut ProblemDetails {
        &mut self.0
    }
}

/// The OpenAPI document describes a `Problem` by its fields; the box is not the client's concern.
impl utoipa::PartialSchema for Problem {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <ProblemDetails as utoipa::PartialSchema>::schema()
    }
}

impl ToSchema for Problem {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Problem")
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self).unwrap_or_else(|_| "{}".to_string());
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"sagsspor\""),
            );
        }
        response
    }
}

fn stale_detail(current_version: i64) -> String {
    format!(
        "If-Match does not name the case's current version {}",
        etag_of(current_version)
    )
}

/// The ETag of a case version: strong, quoted.
pub fn etag_of(version: i64) -> String {
    format!("\"{version}\"")
}
