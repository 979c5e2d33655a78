//! The caseworker's actions on a case, each a plain HTML form post that becomes one event in one
//! transaction (post-redirect-get). Each asks the authorization policy first: a case of another
//! authority answers exactly like a case that does not exist.
//!
//! What was typed survives a refusal: the posted fields are kept in the session and the case page
//! fills its forms from them, next to the message that says what to change.

use crate::http::HttpState;
use app::auth::SessionUser;
use app::authorization::{may_act_as_authority, Viewer};
use app::db::cases::Case;
use app::db::users::User;
use app::domain::lifecycle::EventKind;
use app::domain::reference::CaseReference;
use app::error::AppError;
use app::flash::{CaseworkerFlash, CASEWORKER_FLASH_KEY};
use app::in_transaction;
use app::services::case_events::{
    answer_request_item, record, request_information, Actor, ActorKind, EventRequest, RecordError,
};
use app::services::decisions::{decide, DecideError, DecisionInput, Outcome};
use app::state::now_utc;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use tower_sessions::Session;

/// The most items one request for information may have in the form.
pub const MAX_REQUEST_ITEMS: usize = 5;

/// Why an action was not carried out, as a message code the page words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The form field to point at (`""` for the form as a whole).
    pub field: &'static str,
    pub code: &'static str,
}

fn refuse(field: &'static str, code: &'static str) -> Refusal {
    Refusal { field, code }
}

/// `POST /handlinger/sagsbehandling/{reference}`: one action, named by the `handling` field.
pub async fn act(
    State(state): State<HttpState>,
    session: Session,
    user: Option<Extension<SessionUser>>,
    Path(raw_reference): Path<String>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let page = format!("/sagsbehandling/sager/{}", raw_reference.trim());
    let Some(Extension(user)) = user else {
        return crate::http::login_redirect(&state, &page);
    };
    let Ok(reference) = CaseReference::parse(&raw_reference) else {
        return AppError::NotFound.into_response();
    };
    let page = format!("/sagsbehandling/sager/{reference}");
    let action = form.get("handling").cloned().unwrap_or_default();
    match carry_out(&state, &user, &reference, &action, &form).await {
        Ok(Ok(())) => Redirect::to(&format!("{page}?udfoert={action}")).into_response(),
        Ok(Err(refusal)) => {
            let flash = CaseworkerFlash {
                action: action.clone(),
                field: refusal.field.to_string(),
                problem: refusal.code.to_string(),
                values: form,
            };
            if let Err(error) = session.insert(CASEWORKER_FLASH_KEY, flash).await {
                tracing::warn!(error = %error, "could not keep the form for the page");
            }
            Redirect::to(&format!("{page}#handling-{action}")).into_response()
        }
        Err(error) => error.into_response(),
    }
}

async fn carry_out(
    state: &HttpState,
    user: &SessionUser,
    reference: &CaseReference,
    action: &str,
    form: &BTreeMap<String, String>,
) -> Result<Result<(), Refusal>, AppError> {
    let mut conn = state.app.db.conn().await?;
    let case = Case::find_by_reference(&mut conn, reference)
        .await?
        .filter(|c| may_act_as_authority(&user.viewer, c))
        .ok_or(AppError::NotFound)?;
    let Viewer::Caseworker {
        user_id,
        authority_code,
    } = user.viewer
    else {
        return Err(AppError::NotFound);
    };
    let text = |name: &str| form.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let Some(version) = text("version").and_then(|v| v.parse::<i64>().ok()) else {
        return Ok(Err(refuse("", "action.stale_form")));
    };
    let actor = Actor {
        kind: ActorKind::Caseworker,
        user_id: Some(user_id),
        label: &user.name,
    };
    let now = now_utc();
    let public_text = text("offentlig_tekst");

    let kind = match action {
        "registrer" => EventKind::Registered,
        "fuldt-oplyst" => EventKind::DeclaredComplete,
        "tildel" => EventKind::Assigned,
        "note" => EventKind::NoteAdded,
        "hoering-start" => EventKind::HearingStarted,
        "hoering-slut" => EventKind::HearingEnded,
        "ikke-omfattet" => EventKind::GoalNotCovered,
        "luk" => EventKind::Closed,
        "genaabn" => EventKind::Reopened,
        "anmod" => {
            let items = match request_items(form, now) {
                Ok(items) => items,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let Some(message) = text("besked") else {
                return Ok(Err(refuse("besked", "field.required")));
            };
            let result = in_transaction!(conn, {
                request_information(
                    &mut conn,
                    case.id,
                    Some(version),
                    actor,
                    message,
                    &items,
                    now,
                )
                .await
            });
            return finish(result.map(|_| ()));
        }
        "afgoer" => {
            let decision = match decision_input(form) {
                Ok(decision) => decision,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let store = &state.app.documents;
            let base = &state.public_origin;
            let result = in_transaction!(conn, {
                decide(
                    &mut conn,
                    store,
                    &case,
                    Some(version),
                    actor,
                    &decision,
                    base,
                    now,
                )
                .await
            });
            return match result {
                Ok((recorded, document)) => {
                    tracing::info!(
                        case_id = recorded.case.id,
                        document_id = document.id,
                        "case decided"
                    );
                    Ok(Ok(()))
                }
                Err(DecideError::Record(error)) => finish(Err(error)),
                Err(other) => Err(AppError::internal("issuing a decision", &other)),
            };
        }
        "modtaget" => {
            let Some(item_id) = text("punkt").and_then(|v| v.parse::<i64>().ok()) else {
                return Err(AppError::NotFound);
            };
            let result = in_transaction!(conn, {
                answer_request_item(&mut conn, case.id, item_id, actor, public_text, now).await
            });
            return finish(result.map(|_| ()));
        }
        _ => return Err(AppError::NotFound),
    };

    let mut request = EventRequest::new(kind, actor, now);
    request.public_text = public_text;
    match kind {
        EventKind::Registered => request.esdh_number = text("esdh_nummer"),
        EventKind::Assigned => {
            request.assignee_user_id = match text("tildel_til") {
                None => None,
                Some("mig") => Some(user_id),
                Some(other) => {
                    let colleague = match other.parse::<i64>() {
                        Ok(id) => User::find(&mut conn, id).await?,
                        Err(_) => None,
                    };
                    // Only a caseworker of the same authority can hold the case.
                    match colleague {
                        Some(c)
                            if c.authority_code == Some(authority_code)
                                && c.kind == "caseworker" =>
                        {
                            Some(c.id)
                        }
                        _ => return Ok(Err(refuse("tildel_til", "action.unknown_colleague"))),
                    }
                }
            }
        }
        EventKind::NoteAdded => {
            request.internal_text = text("intern_tekst");
            if request.internal_text.is_none() && request.public_text.is_none() {
                return Ok(Err(refuse("intern_tekst", "field.required")));
            }
        }
        EventKind::GoalNotCovered => request.not_covered_reason = text("begrundelse"),
        EventKind::Reopened => {
            let Some(reason) = text("begrundelse") else {
                return Ok(Err(refuse("begrundelse", "field.required")));
            };
            request.public_text = Some(reason);
        }
        _ => {}
    }
    let result = in_transaction!(conn, {
        record(&mut conn, case.id, Some(version), &request).await
    });
    finish(result.map(|_| ()))
}

/// The event's outcome as the page reports it.
fn finish(result: Result<(), RecordError>) -> Result<Result<(), Refusal>, AppError> {
    match result {
        Ok(()) => Ok(Ok(())),
        Err(RecordError::Conflict { .. }) => Ok(Err(refuse("", "action.conflict"))),
        Err(RecordError::Refused(_)) => Ok(Err(refuse("", "action.not_possible"))),
        Err(RecordError::DuplicateEsdhNumber) => Ok(Err(refuse("esdh_nummer", "esdh.duplicate"))),
        Err(RecordError::MissingEsdhNumber) => Ok(Err(refuse("esdh_nummer", "field.required"))),
        Err(RecordError::MissingReason) => Ok(Err(refuse("begrundelse", "field.required"))),
        Err(RecordError::MissingItems) => Ok(Err(refuse("punkt_1", "action.items_required"))),
        Err(RecordError::ItemNotOpen) => Ok(Err(refuse("", "action.item_not_open"))),
        Err(other) => Err(other.into()),
    }
}

/// The decision form: outcome, heading, text, conditions (one a line) and legal basis.
fn decision_input(form: &BTreeMap<String, String>) -> Result<DecisionInput, Refusal> {
    let text = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let outcome =
        Outcome::parse(&text("udfald")).ok_or(refuse("udfald", "decision.choose_outcome"))?;
    let heading = text("overskrift");
    if heading.is_empty() {
        return Err(refuse("overskrift", "field.required"));
    }
    let body = text("afgoerelse");
    if body.is_empty() {
        return Err(refuse("afgoerelse", "field.required"));
    }
    let conditions: Vec<String> = text("vilkaar")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if outcome == Outcome::ApprovedWithConditions && conditions.is_empty() {
        return Err(refuse("vilkaar", "decision.conditions_required"));
    }
    let legal_basis = text("lovgrundlag");
    if legal_basis.is_empty() {
        return Err(refuse("lovgrundlag", "field.required"));
    }
    Ok(DecisionInput {
        outcome,
        heading,
        text: body,
        conditions,
        legal_basis,
    })
}

/// The items of a request for information: `punkt_N` with `frist_N` (a date, today or later).
fn request_items(
    form: &BTreeMap<String, String>,
    now: chrono::NaiveDateTime,
) -> Result<Vec<(String, NaiveDate)>, Refusal> {
    let today = app::domain::local_time::copenhagen_date(now);
    let mut items = Vec::new();
    for n in 1..=MAX_REQUEST_ITEMS {
        let text = form
            .get(&format!("punkt_{n}"))
            .map(|v| v.trim())
            .unwrap_or("");
        let deadline = form
            .get(&format!("frist_{n}"))
            .map(|v| v.trim())
            .unwrap_or("");
        if text.is_empty() && deadline.is_empty() {
            continue;
        }
        let field_text = ITEM_FIELDS[n - 1];
        if text.is_empty() {
            return Err(refuse(field_text.0, "field.required"));
        }
        let Some(date) = parse_date(deadline) else {
            return Err(refuse(field_text.1, "action.bad_date"));
        };
        if date < today {
            return Err(refuse(field_text.1, "action.date_past"));
        }
        items.push((text.to_string(), date));
    }
    if items.is_empty() {
        return Err(refuse("punkt_1", "action.items_required"));
    }
    Ok(items)
}

/// The field names of the item rows, as `'static` for the refusal.
const ITEM_FIELDS: [(&str, &str); MAX_REQUEST_ITEMS] = [
    ("punkt_1", "frist_1"),
    ("punkt_2", "frist_2"),
    ("punkt_3", "frist_3"),
    ("punkt_4", "frist_4"),
    ("punkt_5", "frist_5"),
];

/// A date as a date input sends it (`2026-12-24`) or as people write it (`24-12-2026`, `24.12.2026`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_inputs_and_people_write_them() {
        let christmas = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
        for text in ["2026-12-24", "24-12-2026", "24.12.2026", " 24/12/2026 "] {
            assert_eq!(parse_date(text), Some(christmas), "{text}");
        }
        assert_eq!(parse_date("31-02-2026"), None);
        assert_eq!(parse_date("snart"), None);
    }

    #[test]
    fn request_items_need_text_and_a_future_deadline() {
        let now = NaiveDate::from_ymd_opt(2026, 11, 27)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let form = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let items = request_items(
            &form(&[
                ("punkt_1", "Situationsplan"),
                ("frist_1", "2026-12-11"),
                ("punkt_3", "Facade"),
                ("frist_3", "11.12.2026"),
            ]),
            now,
        )
        .unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(
            request_items(&form(&[]), now).unwrap_err().code,
            "action.items_required"
        );
        assert_eq!(
            request_items(&form(&[("punkt_2", "Plan"), ("frist_2", "i morgen")]), now).unwrap_err(),
            refuse("frist_2", "action.bad_date")
        );
        assert_eq!(
            request_items(
                &form(&[("punkt_1", "Plan"), ("frist_1", "2026-11-26")]),
                now
            )
            .unwrap_err(),
            refuse("frist_1", "action.date_past")
        );
        assert_eq!(
            request_items(&form(&[("frist_1", "2026-12-01")]), now).unwrap_err(),
            refuse("punkt_1", "field.required")
        );
    }
}
