//! What an applicant does before the case reaches the authority: start an application (a draft
//! for an authority and a type), save what was typed into it, and send it. Withdrawing a sent
//! application is [`super::case_actions::CaseAction::Withdraw`], the same action an authority
//! records when the applicant withdraws by letter or telephone.
//!
//! A draft is only ever the applicant's own (`services::applications::may_edit_draft`); another
//! person's draft answers [`CommandError::NotFound`], exactly like one that does not exist.

use crate::auth::SessionUser;
use crate::authorization::Viewer;
use crate::db::authorities::{Authority, CaseType};
use crate::db::cases::{Case, DraftUpdate, NewCase};
use crate::db::Conn;
use crate::domain::lifecycle::EventKind;
use crate::forms::application::{goal_category, validate};
use crate::services::applications::{fields_of, form_values, may_edit_draft};
use crate::services::case_events::{record, Actor, ActorKind, EventRequest, Recorded};
use crate::services::commands::refusals::{CommandError, Field, Refusal, RefusalCode};
use chrono::NaiveDateTime;
use std::collections::BTreeMap;

/// The applicant as the events name them.
pub fn applicant_actor(user: &SessionUser) -> Actor<'_> {
    Actor {
        kind: ActorKind::Applicant,
        user_id: user.viewer.user_id(),
        label: &user.name,
    }
}

/// Starts a draft for the chosen authority (its code as typed) and application type.
/// An unknown choice is refused naming the field, so the form can come back with both choices.
pub async fn start_application(
    conn: &mut Conn,
    applicant: &SessionUser,
    authority_code: &str,
    case_type_code: &str,
    now: NaiveDateTime,
) -> Result<Case, CommandError> {
    let authority = match authority_code.trim().parse::<i32>() {
        Ok(code) => Authority::find(conn, code).await?,
        Err(_) => None,
    };
    let Some(authority) = authority else {
        return Err(Refusal::at(Field::Authority, RefusalCode::Required).into());
    };
    let Some(case_type) = CaseType::find(conn, case_type_code.trim()).await? else {
        return Err(Refusal::at(Field::CaseType, RefusalCode::UnknownCaseType).into());
    };
    let (kind, subject, cvr, applicant_name) = match &applicant.viewer {
        Viewer::Citizen { subject, .. } => (
            "person",
            Some(subject.as_str()),
            None,
            applicant.name.clone(),
        ),
        Viewer::Business { cvr, .. } => (
            "business",
            None,
            Some(cvr.as_str()),
            applicant
                .organisation
                .clone()
                .unwrap_or_else(|| applicant.name.clone()),
        ),
        // Only citizens and businesses apply; the caller asks the policy first.
        _ => return Err(CommandError::NotFound),
    };
    let categories = case_type.goal_category_list();
    let draft = Case::create(
        conn,
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
            created_by_user_id: applicant.viewer.user_id(),
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
    Ok(draft)
}

/// The draft, if the applicant may work on it.
pub async fn own_draft_case(
    conn: &mut Conn,
    applicant: &SessionUser,
    draft_id: i64,
) -> Result<Case, CommandError> {
    Case::find(conn, draft_id)
        .await?
        .filter(|c| may_edit_draft(&applicant.viewer, c))
        .ok_or(CommandError::NotFound)
}

/// The draft and its type, if the applicant may work on it.
pub async fn own_draft(
    conn: &mut Conn,
    applicant: &SessionUser,
    draft_id: i64,
) -> Result<(Case, CaseType), CommandError> {
    let case = own_draft_case(conn, applicant, draft_id).await?;
    let case_type = CaseType::find(conn, &case.case_type_code)
        .await?
        .ok_or(CommandError::NotFound)?;
    Ok((case, case_type))
}

/// Saves what was typed into the draft — always, before anything is checked, so nothing typed
/// is lost — and answers what still needs filling in or putting right (field name → message
/// key; empty when the draft can be sent). Only the type's own fields are kept.
pub async fn save_application(
    conn: &mut Conn,
    applicant: &SessionUser,
    draft_id: i64,
    values: &BTreeMap<String, String>,
    now: NaiveDateTime,
) -> Result<BTreeMap<String, String>, CommandError> {
    let (_, case_type) = own_draft(conn, applicant, draft_id).await?;
    let fields = fields_of(&case_type);
    let value = |name: &str| values.get(name).map(|v| v.trim()).unwrap_or("");
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
        updated_at: now,
    };
    if !Case::update_draft(conn, draft_id, &update).await? {
        return Err(CommandError::NotFound);
    }
    let stored: BTreeMap<String, String> = fields
        .iter()
        .map(|f| (f.name.to_string(), value(f.name).to_string()))
        .collect();
    Ok(validate(&fields, &stored))
}

/// Sends the draft, in the caller's transaction: it gets its reference and reaches the
/// authority. A draft with fields to fill in or put right is refused
/// ([`RefusalCode::Incomplete`]) and stays as it was.
pub async fn submit_application(
    conn: &mut Conn,
    applicant: &SessionUser,
    draft_id: i64,
    now: NaiveDateTime,
) -> Result<Recorded, CommandError> {
    let (case, case_type) = own_draft(conn, applicant, draft_id).await?;
    if !validate(&fields_of(&case_type), &form_values(&case)).is_empty() {
        return Err(Refusal::whole(RefusalCode::Incomplete).into());
    }
    let request = EventRequest::new(EventKind::Submitted, applicant_actor(applicant), now);
    let recorded = record(conn, case.id, Some(case.version), &request).await?;
    tracing::info!(case_id = recorded.case.id, "application submitted");
    Ok(recorded)
}
