//! Applying: start a draft, save what was typed, send it. Plain HTML form posts answered with a
//! redirect (post-redirect-get). What the applicant typed is saved in the draft before anything
//! is checked, so a form that comes back with errors has lost nothing.

use crate::http::HttpState;
use app::auth::{login_path, SessionUser};
use app::authorization::{RunMode, Viewer};
use app::db::authorities::{Authority, CaseType};
use app::db::cases::{Case, DraftUpdate, NewCase};
use app::db::Conn;
use app::domain::lifecycle::EventKind;
use app::error::AppError;
use app::forms::application::{goal_category, validate};
use app::in_transaction;
use app::services::applications::{fields_of, may_edit_draft};
use app::services::case_events::{record, Actor, ActorKind, EventRequest, RecordError};
use app::state::now_utc;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use std::collections::BTreeMap;

/// Step one: which authority and which type.
#[derive(Debug, serde::Deserialize)]
pub struct NewApplication {
    #[serde(default)]
    pub myndighed: String,
    #[serde(default, rename = "type")]
    pub case_type: String,
}

/// Why a request is not an applicant's.
enum NotApplicant {
    /// Not logged in: log in, then come back here.
    LogIn(String),
    /// Logged in, but not as an applicant (a caseworker).
    Forbidden,
}

impl IntoResponse for NotApplicant {
    fn into_response(self) -> Response {
        match self {
            NotApplicant::LogIn(target) => Redirect::to(&target).into_response(),
            NotApplicant::Forbidden => AppError::Forbidden.into_response(),
        }
    }
}

fn require_applicant(
    state: &HttpState,
    user: Option<Extension<SessionUser>>,
    back: &str,
) -> Result<SessionUser, NotApplicant> {
    match user {
        Some(Extension(user)) if user.viewer.is_applicant() => Ok(user),
        Some(_) => Err(NotApplicant::Forbidden),
        None => Err(NotApplicant::LogIn(login_path(
            state.app.mode == RunMode::Demo,
            back,
        ))),
    }
}

/// `POST /handlinger/ansoegning/ny`: creates a draft for the chosen authority and type.
pub async fn start(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Form(form): Form<NewApplication>,
) -> Response {
    let user = match require_applicant(&state, user, "/ansoegning/ny") {
        Ok(user) => user,
        Err(refusal) => return refusal.into_response(),
    };
    match start_draft(&state, &user, &form).await {
        Ok(Some(id)) => Redirect::to(&format!("/ansoegning/{id}")).into_response(),
        // Back to the form with what was chosen, so nothing is lost; the page shows the errors.
        Ok(None) => Redirect::to(&format!(
            "/ansoegning/ny?fejl=1&myndighed={}&type={}",
            form.myndighed
                .trim()
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>(),
            form.case_type
                .trim()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<String>()
        ))
        .into_response(),
        Err(error) => error.into_response(),
    }
}

async fn start_draft(
    state: &HttpState,
    user: &SessionUser,
    form: &NewApplication,
) -> Result<Option<i64>, AppError> {
    let mut conn = state.app.db.conn().await?;
    let authority = match form.myndighed.trim().parse::<i32>() {
        Ok(code) => Authority::find(&mut conn, code).await?,
        Err(_) => None,
    };
    let case_type = CaseType::find(&mut conn, form.case_type.trim()).await?;
    let (Some(authority), Some(case_type)) = (authority, case_type) else {
        return Ok(None);
    };
    let (kind, subject, cvr, applicant_name) = match &user.viewer {
        Viewer::Citizen { subject, .. } => {
            ("person", Some(subject.as_str()), None, user.name.clone())
        }
        Viewer::Business { cvr, .. } => (
            "business",
            None,
            Some(cvr.as_str()),
            user.organisation
                .clone()
                .unwrap_or_else(|| user.name.clone()),
        ),
        _ => return Err(AppError::Forbidden),
    };
    let now = now_utc();
    let categories = case_type.goal_category_list();
    let draft = Case::create(
        &mut conn,
        &NewCase {
            authority_code: authority.code,
            case_type_code: &case_type.code,
            service_goal_category: goal_category(&categories, None),
            title: "",
            channel: "portal",
            applicant_kind: kind,
            applicant_subject: subject,
            applicant_cvr: cvr,
            applicant_name: &applicant_name,
            created_by_user_id: user.viewer.user_id(),
            property_address: "",
            cadastral_number: "",
            description: "",
            form_data: "{}",
            state: "draft",
            declared_complete: false,
            must_act: "applicant",
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    tracing::info!(case_id = draft.id, "draft started");
    Ok(Some(draft.id))
}

/// `POST /handlinger/ansoegning/{id}`: saves the details; `handling=videre` also checks them
/// and goes on to the review.
pub async fn save(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Path(id): Path<i64>,
    Form(values): Form<BTreeMap<String, String>>,
) -> Response {
    let user = match require_applicant(&state, user, &format!("/ansoegning/{id}")) {
        Ok(user) => user,
        Err(refusal) => return refusal.into_response(),
    };
    match save_draft(&state, &user, id, &values).await {
        Ok(errors) => {
            let onward = values.get("handling").map(String::as_str) == Some("videre");
            let target = match (onward, errors.is_empty()) {
                (true, true) => format!("/ansoegning/{id}/gennemse"),
                (true, false) => format!("/ansoegning/{id}?fejl=1"),
                (false, _) => format!("/ansoegning/{id}?gemt=1"),
            };
            Redirect::to(&target).into_response()
        }
        Err(error) => error.into_response(),
    }
}

/// The draft and its type, if the user may work on it.
async fn own_draft(
    conn: &mut Conn,
    user: &SessionUser,
    id: i64,
) -> Result<(Case, CaseType), AppError> {
    let case = Case::find(conn, id)
        .await?
        .filter(|c| may_edit_draft(&user.viewer, c))
        .ok_or(AppError::NotFound)?;
    let case_type = CaseType::find(conn, &case.case_type_code)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((case, case_type))
}

async fn save_draft(
    state: &HttpState,
    user: &SessionUser,
    id: i64,
    values: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, AppError> {
    let mut conn = state.app.db.conn().await?;
    let (_, case_type) = own_draft(&mut conn, user, id).await?;
    let fields = fields_of(&case_type);
    let value = |name: &str| values.get(name).map(|v| v.trim()).unwrap_or("");
    // Only the form's own fields are kept; anything else posted is ignored.
    let extra: serde_json::Map<String, serde_json::Value> = fields
        .iter()
        .filter(|f| {
            !matches!(
                f.name,
                "title" | "property_address" | "cadastral_number" | "description"
            )
        })
        .map(|f| {
            (
                f.name.to_string(),
                serde_json::Value::String(value(f.name).to_string()),
            )
        })
        .collect();
    let form_data = serde_json::Value::Object(extra).to_string();
    let categories = case_type.goal_category_list();
    let update = DraftUpdate {
        title: value("title"),
        property_address: value("property_address"),
        cadastral_number: value("cadastral_number"),
        description: value("description"),
        form_data: &form_data,
        service_goal_category: goal_category(
            &categories,
            values.get("building_use").map(String::as_str),
        ),
        updated_at: now_utc(),
    };
    if !Case::update_draft(&mut conn, id, &update).await? {
        return Err(AppError::NotFound);
    }
    let stored: BTreeMap<String, String> = fields
        .iter()
        .map(|f| (f.name.to_string(), value(f.name).to_string()))
        .collect();
    Ok(validate(&fields, &stored))
}

/// `POST /handlinger/ansoegning/{id}/send`: sends the application; it gets its reference in the
/// same transaction, and the applicant lands on the receipt.
pub async fn submit(
    State(state): State<HttpState>,
    user: Option<Extension<SessionUser>>,
    Path(id): Path<i64>,
) -> Response {
    let user = match require_applicant(&state, user, &format!("/ansoegning/{id}/gennemse")) {
        Ok(user) => user,
        Err(refusal) => return refusal.into_response(),
    };
    match submit_draft(&state, &user, id).await {
        Ok(Ok(reference)) => {
            Redirect::to(&format!("/sager/{reference}/kvittering")).into_response()
        }
        Ok(Err(())) => Redirect::to(&format!("/ansoegning/{id}?fejl=1")).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn submit_draft(
    state: &HttpState,
    user: &SessionUser,
    id: i64,
) -> Result<Result<String, ()>, AppError> {
    let mut conn = state.app.db.conn().await?;
    let (case, case_type) = own_draft(&mut conn, user, id).await?;
    let values = app::services::applications::form_values(&case);
    if !validate(&fields_of(&case_type), &values).is_empty() {
        return Ok(Err(()));
    }
    let actor = Actor {
        kind: ActorKind::Applicant,
        user_id: user.viewer.user_id(),
        label: &user.name,
    };
    let request = EventRequest::new(EventKind::Submitted, actor, now_utc());
    let result: Result<_, RecordError> = in_transaction!(conn, {
        record(&mut conn, case.id, Some(case.version), &request).await
    });
    let recorded = result.map_err(AppError::from)?;
    tracing::info!(case_id = recorded.case.id, "application submitted");
    Ok(Ok(recorded.case.reference.unwrap_or_default()))
}
