//! A case that reached the authority outside the portal (e-mail, telephone, post, in person),
//! registered by the authority's case system: the case is created as submitted when it was
//! received and registered with its ESDH number — the same
//! [`CaseAction::Register`](super::case_actions::CaseAction::Register) a portal case gets, so
//! the number's uniqueness is checked in one place.

use crate::db::authorities::CaseType;
use crate::db::cases::{Case, NewCase};
use crate::db::Conn;
use crate::domain::lifecycle::EventKind;
use crate::services::case_events::{record, Actor, EventRequest, Recorded};
use crate::services::commands::case_actions::{
    act_on_case, limits, optional, required, ActOnCase, ActionTime, CaseAction,
};
use crate::services::commands::refusals::{CommandError, Field, Refusal, RefusalCode};
use crate::services::document_store::DocumentStore;
use crate::services::notifications::{is_plausible_email, normalize_danish_mobile};
use chrono::NaiveDateTime;

/// The longest title and name, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest address, in characters.
pub const MAX_ADDRESS: usize = 300;

/// How the application reached the authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntakeChannel {
    Email,
    Phone,
    /// On paper, by post or in person.
    Post,
}

impl IntakeChannel {
    /// The stored code (`cases.channel`).
    pub fn code(self) -> &'static str {
        match self {
            IntakeChannel::Email => "email",
            IntakeChannel::Phone => "phone",
            IntakeChannel::Post => "post",
        }
    }
}

/// What the case system knows of an application it received.
#[derive(Debug, Clone)]
pub struct ReceivedApplication<'a> {
    pub authority_code: i32,
    pub case_type_code: &'a str,
    /// `None`: the type's first category.
    pub service_goal_category: Option<&'a str>,
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub applicant_name: &'a str,
    /// With a CVR number the company's portal users see the case.
    pub cvr: Option<&'a str>,
    pub email: Option<&'a str>,
    pub mobile: Option<&'a str>,
    pub property_address: &'a str,
    pub cadastral_number: Option<&'a str>,
    pub esdh_number: &'a str,
    pub channel: IntakeChannel,
    /// When the authority received it; the clock counts from here.
    pub received_at: NaiveDateTime,
    /// When the case system registered it; not before `received_at`.
    pub registered_at: NaiveDateTime,
    pub actor: Actor<'a>,
}

/// Registers the received application in the caller's transaction and answers the case as
/// registered (with its reference).
pub async fn register_received_application(
    conn: &mut Conn,
    store: &DocumentStore,
    application: ReceivedApplication<'_>,
) -> Result<Recorded, CommandError> {
    let title = required(Field::Title, application.title, MAX_TITLE)?;
    let description = optional(Field::Description, application.description, limits::TEXT)?;
    let name = required(Field::ApplicantName, application.applicant_name, MAX_TITLE)?;
    let cvr = optional(Field::Cvr, application.cvr, 8)?;
    if cvr.is_some_and(|cvr| cvr.len() != 8 || !cvr.bytes().all(|b| b.is_ascii_digit())) {
        return Err(Refusal::at(Field::Cvr, RefusalCode::NotACvrNumber).into());
    }
    let email = optional(Field::Email, application.email, 254)?;
    if email.is_some_and(|email| !is_plausible_email(email)) {
        return Err(Refusal::at(Field::Email, RefusalCode::NotAnEmailAddress).into());
    }
    let mobile = match optional(Field::Mobile, application.mobile, 20)? {
        None => None,
        Some(raw) => Some(
            normalize_danish_mobile(raw)
                .ok_or_else(|| Refusal::at(Field::Mobile, RefusalCode::NotAMobileNumber))?,
        ),
    };
    let address = required(
        Field::PropertyAddress,
        application.property_address,
        MAX_ADDRESS,
    )?;
    let cadastral = optional(Field::CadastralNumber, application.cadastral_number, 100)?;
    let esdh_number = required(
        Field::EsdhNumber,
        application.esdh_number,
        limits::ESDH_NUMBER,
    )?;
    if application.registered_at < application.received_at {
        return Err(Refusal::at(Field::RegisteredAt, RefusalCode::BeforeReceived).into());
    }
    let case_type = CaseType::find(conn, application.case_type_code.trim())
        .await?
        .ok_or_else(|| Refusal::at(Field::CaseType, RefusalCode::UnknownCaseType))?;
    let categories = case_type.goal_category_list();
    let category = match application.service_goal_category.map(str::trim) {
        None | Some("") => categories.first().copied(),
        Some(given) => Some(
            categories
                .iter()
                .copied()
                .find(|c| *c == given)
                .ok_or_else(|| Refusal {
                    choices: Some(categories.iter().map(|c| c.to_string()).collect()),
                    ..Refusal::at(Field::ServiceGoalCategory, RefusalCode::UnknownCategory)
                })?,
        ),
    };
    let received_at = application.received_at;
    let draft = Case::create(
        conn,
        &NewCase {
            authority_code: application.authority_code,
            case_type_code: &case_type.code,
            service_goal_category: category,
            title,
            channel: application.channel.code(),
            applicant_kind: if cvr.is_some() { "business" } else { "person" },
            applicant_subject: None,
            applicant_cvr: cvr,
            applicant_name: name,
            created_by_user_id: None,
            property_address: address,
            cadastral_number: cadastral.unwrap_or(""),
            description: description.unwrap_or(""),
            form_data: "{}",
            state: "draft",
            declared_complete: false,
            must_act: "applicant",
            created_at: received_at,
            updated_at: received_at,
        },
    )
    .await?;
    Case::set_contact(conn, draft.id, email, mobile.as_deref()).await?;
    let submitted = EventRequest::new(EventKind::Submitted, application.actor, received_at);
    let recorded = record(conn, draft.id, None, &submitted).await?;
    let done = act_on_case(
        conn,
        store,
        ActOnCase {
            case: &recorded.case,
            read_version: None,
            actor: application.actor,
            time: ActionTime::Reported(application.registered_at),
            public_text: None,
            action: CaseAction::Register {
                esdh_number: esdh_number.to_string(),
            },
        },
    )
    .await?;
    tracing::info!(case_id = draft.id, "received application registered");
    Ok(done.recorded)
}
