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
use app::domain::reference::CaseReference;
use app::error::AppError;
use app::flash::{CaseworkerFlash, CASEWORKER_FLASH_KEY};
use app::forms::caseworker_actions::{field, CaseworkerAction};
use app::in_transaction;
use app::services::case_events::{Actor, ActorKind};
use app::services::commands::case_actions::{
    act_on_case, ActOnCase, ActionTime, CaseAction, DecisionLetterSource, ItemDraft,
};
use app::services::commands::refusals::{CommandError, Field, Refusal, RefusalCode};
use app::services::decisions::{render_letter, DecisionInput, Outcome};
use app::state::now_utc;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use tower_sessions::Session;

/// The most items one request for information has rows for in the form.
pub const MAX_REQUEST_ITEMS: usize = 5;

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
    let action = form.get(field::ACTION).cloned().unwrap_or_default();
    match carry_out(&state, &user, &reference, &action, &form).await {
        Ok(()) => Redirect::to(&format!("{page}?udfoert={action}")).into_response(),
        Err(CommandError::Refused(refusal)) => {
            let flash = CaseworkerFlash {
                action: action.clone(),
                field: refusal.field.form_name(),
                problem: refusal.code.message_key().to_string(),
                limit: refusal.limit,
                values: form,
            };
            if let Err(error) = session.insert(CASEWORKER_FLASH_KEY, flash).await {
                tracing::warn!(error = %error, "could not keep the form for the page");
            }
            Redirect::to(&format!("{page}#handling-{action}")).into_response()
        }
        Err(other) => AppError::from(other).into_response(),
    }
}

/// Reads the form into an action and carries it out through the one command.
async fn carry_out(
    state: &HttpState,
    user: &SessionUser,
    reference: &CaseReference,
    action: &str,
    form: &BTreeMap<String, String>,
) -> Result<(), CommandError> {
    let mut conn = state.app.db.conn().await?;
    let case = Case::find_by_reference(&mut conn, reference)
        .await?
        .filter(|c| may_act_as_authority(&user.viewer, c))
        .ok_or(CommandError::NotFound)?;
    let Viewer::Caseworker { user_id, .. } = user.viewer else {
        return Err(CommandError::NotFound);
    };
    let text = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or("").to_string();
    let optional = |name: &str| Some(text(name)).filter(|v| !v.is_empty());
    let Some(version) = optional(field::VERSION).and_then(|v| v.parse::<i64>().ok()) else {
        return Err(Refusal::whole(RefusalCode::StaleForm).into());
    };
    let now = now_utc();
    let mut item_rows = Vec::new();
    let Some(action) = CaseworkerAction::parse(action) else {
        return Err(CommandError::NotFound);
    };
    let action =
        match action {
            CaseworkerAction::Register => CaseAction::Register {
                esdh_number: text(field::ESDH_NUMBER),
            },
            CaseworkerAction::DeclareComplete => CaseAction::DeclareComplete,
            CaseworkerAction::Assign => CaseAction::Assign {
                assignee_user_id: match text(field::ASSIGNEE).as_str() {
                    "" => None,
                    field::ASSIGN_TO_ME => Some(user_id),
                    other => Some(other.parse::<i64>().map_err(|_| {
                        Refusal::at(Field::Assignee, RefusalCode::UnknownColleague)
                    })?),
                },
            },
            CaseworkerAction::Note => CaseAction::AddNote {
                internal_text: optional(field::INTERNAL_TEXT),
            },
            CaseworkerAction::StartHearing => CaseAction::StartHearing,
            CaseworkerAction::EndHearing => CaseAction::EndHearing,
            CaseworkerAction::NotCovered => CaseAction::MarkNotCovered {
                reason: text(field::REASON),
            },
            CaseworkerAction::Close => CaseAction::Close,
            CaseworkerAction::Reopen => CaseAction::Reopen {
                reason: text(field::REASON),
            },
            CaseworkerAction::RequestInformation => {
                let (items, rows) = request_items(form)?;
                item_rows = rows;
                CaseAction::RequestInformation {
                    message: text(field::MESSAGE),
                    items,
                }
            }
            CaseworkerAction::ReceiveItem => CaseAction::ReceiveItem {
                item_id: optional(field::ITEM).and_then(|v| v.parse::<i64>().ok()),
                comment: None,
            },
            CaseworkerAction::Decide => {
                let decision = decision_input(form)?;
                // The letter is rendered before the transaction opens.
                let letter =
                    render_letter(&mut conn, &case, &decision, &state.public_origin, now).await?;
                CaseAction::Decide {
                    outcome: Some(decision.outcome),
                    heading: decision.heading,
                    letter: DecisionLetterSource::Rendered(letter),
                }
            }
        };
    let command = ActOnCase {
        case: &case,
        read_version: Some(version),
        actor: Actor {
            kind: ActorKind::Caseworker,
            user_id: Some(user_id),
            label: &user.name,
        },
        time: ActionTime::Now(now),
        // The reopening's reason is its public text; the other forms have their own.
        public_text: optional(field::PUBLIC_TEXT),
        action,
    };
    let store = &state.app.documents;
    let done = in_transaction!(conn, { act_on_case(&mut conn, store, command).await });
    match done {
        Ok(done) => {
            if let Some(letter) = done.decision_letter {
                tracing::info!(case_id = case.id, document_id = letter.id, "case decided");
            }
            Ok(())
        }
        // An item of the request is named by its row in the form, not its place in the list.
        Err(CommandError::Refused(mut refusal)) => {
            refusal.field = match refusal.field {
                Field::ItemText(n) => Field::ItemText(item_rows.get(n).copied().unwrap_or(n)),
                Field::ItemDeadline(n) => {
                    Field::ItemDeadline(item_rows.get(n).copied().unwrap_or(n))
                }
                other => other,
            };
            Err(refusal.into())
        }
        Err(other) => Err(other),
    }
}

/// The decision form: outcome, heading, text, conditions (one a line) and legal basis.
fn decision_input(form: &BTreeMap<String, String>) -> Result<DecisionInput, Refusal> {
    let text = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let required = |field: Field| {
        let value = text(&field.form_name());
        if value.is_empty() {
            Err(Refusal::at(field, RefusalCode::Required))
        } else {
            Ok(value)
        }
    };
    let outcome = Outcome::parse(&text(field::OUTCOME))
        .ok_or(Refusal::at(Field::Outcome, RefusalCode::ChooseOutcome))?;
    let heading = required(Field::Heading)?;
    let body = required(Field::DecisionText)?;
    let conditions: Vec<String> = text(field::CONDITIONS)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if outcome == Outcome::ApprovedWithConditions && conditions.is_empty() {
        return Err(Refusal::at(
            Field::Conditions,
            RefusalCode::ConditionsRequired,
        ));
    }
    let legal_basis = required(Field::LegalBasis)?;
    Ok(DecisionInput {
        outcome,
        heading,
        text: body,
        conditions,
        legal_basis,
    })
}

/// The items of a request for information: `punkt_N` with `frist_N`, rows left empty skipped,
/// and for each item the form row (from 0) it came from. The date is read here (the form takes
/// the ways people write dates); the command checks the rest.
fn request_items(form: &BTreeMap<String, String>) -> Result<(Vec<ItemDraft>, Vec<usize>), Refusal> {
    let mut items = Vec::new();
    let mut rows = Vec::new();
    for row in 0..MAX_REQUEST_ITEMS {
        let value = |field: Field| {
            form.get(&field.form_name())
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let description = value(Field::ItemText(row));
        let deadline = value(Field::ItemDeadline(row));
        if description.is_empty() && deadline.is_empty() {
            continue;
        }
        if description.is_empty() {
            return Err(Refusal::at(Field::ItemText(row), RefusalCode::Required));
        }
        let Some(deadline) = parse_date(&deadline) else {
            return Err(Refusal::at(Field::ItemDeadline(row), RefusalCode::BadDate));
        };
        items.push(ItemDraft {
            description,
            deadline,
        });
        rows.push(row);
    }
    if items.is_empty() {
        return Err(Refusal::at(Field::Items, RefusalCode::ItemCount));
    }
    Ok((items, rows))
}

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
    fn request_items_keep_their_form_rows() {
        let form = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let (items, rows) = request_items(&form(&[
            ("punkt_1", "Situationsplan"),
            ("frist_1", "2026-12-11"),
            ("punkt_3", "Facade"),
            ("frist_3", "11.12.2026"),
        ]))
        .unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(rows, vec![0, 2]);
        assert_eq!(
            request_items(&form(&[])).unwrap_err().code,
            RefusalCode::ItemCount
        );
        assert_eq!(
            request_items(&form(&[("punkt_2", "Plan"), ("frist_2", "i morgen")])).unwrap_err(),
            Refusal::at(Field::ItemDeadline(1), RefusalCode::BadDate)
        );
        assert_eq!(
            request_items(&form(&[("frist_1", "2026-12-01")])).unwrap_err(),
            Refusal::at(Field::ItemText(0), RefusalCode::Required)
        );
    }
}
