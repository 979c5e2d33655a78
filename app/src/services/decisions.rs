//! A decision's outcome and its letter: rendered to PDF before the transaction, then stored
//! immutably as a new document of the case in the transaction that records the decision
//! (`services::commands::case_actions`). A corrected decision is a new decision with a new
//! document.

use crate::db::authorities::{Authority, CaseType};
use crate::db::cases::Case;
use crate::db::documents::{Document, DocumentKind, NewDocument};
use crate::db::{Conn, DbError};
use crate::decision_pdf::{self, complaint_guidance, DecisionDomain, DecisionLetter};
use crate::domain::local_time::copenhagen_date;
use crate::services::case_events::Actor;
use crate::services::commands::refusals::CommandError;
use crate::services::document_store::DocumentStore;
use chrono::NaiveDateTime;

/// The outcome of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Approved,
    ApprovedWithConditions,
    Refused,
    Dismissed,
}

impl Outcome {
    /// Every outcome, in the order the form offers them.
    pub const ALL: [Outcome; 4] = [
        Outcome::Approved,
        Outcome::ApprovedWithConditions,
        Outcome::Refused,
        Outcome::Dismissed,
    ];

    /// The code the form and the event's data use.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Approved => "godkendt",
            Outcome::ApprovedWithConditions => "godkendt-med-vilkaar",
            Outcome::Refused => "afslag",
            Outcome::Dismissed => "afvist",
        }
    }

    /// The outcome with this code.
    pub fn parse(code: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.code() == code.trim())
    }

    /// How the letter words it (letters are in Danish, the language of the authority).
    pub fn letter_label(self) -> &'static str {
        match self {
            Outcome::Approved => "Tilladelse",
            Outcome::ApprovedWithConditions => "Tilladelse med vilkår",
            Outcome::Refused => "Afslag",
            Outcome::Dismissed => "Afvisning",
        }
    }
}

/// What the caseworker decided.
#[derive(Debug, Clone)]
pub struct DecisionInput {
    pub outcome: Outcome,
    pub heading: String,
    pub text: String,
    pub conditions: Vec<String>,
    pub legal_basis: String,
}

/// A decision letter rendered to PDF, before the transaction that issues it opens.
#[derive(Debug, Clone)]
pub struct RenderedLetter {
    pub pdf: Vec<u8>,
}

/// Renders the letter of a decision about to be made, outside any transaction and off the async
/// runtime (a PDF takes milliseconds of CPU that no other request should wait behind).
/// `case_folder_base` is the public address the letter points the applicant to (e.g.
/// `https://sagsspor.dk`).
pub async fn render_letter(
    conn: &mut Conn,
    case: &Case,
    decision: &DecisionInput,
    case_folder_base: &str,
    at: NaiveDateTime,
) -> Result<RenderedLetter, CommandError> {
    let authority = Authority::find(conn, case.authority_code)
        .await?
        .ok_or(DbError::NotFound)?;
    let case_type = CaseType::find(conn, &case.case_type_code)
        .await?
        .ok_or(DbError::NotFound)?;
    let reference = case.reference.clone().unwrap_or_default();
    let today = copenhagen_date(at);
    let domain = DecisionDomain::from_code(&case_type.domain).unwrap_or(DecisionDomain::Building);
    let letter = DecisionLetter {
        authority_name: authority.name.clone(),
        authority_address_lines: vec![format!("Region {}", authority.region)],
        letter_date: today,
        reference: reference.clone(),
        esdh_number: case.esdh_number.clone(),
        applicant_name: case.applicant_name.clone(),
        property_address: case.property_address.clone(),
        cadastral_number: case.cadastral_number.clone(),
        heading: decision.heading.clone(),
        outcome_label: decision.outcome.letter_label().to_string(),
        decision_text: decision.text.clone(),
        conditions: decision.conditions.clone(),
        legal_basis: decision.legal_basis.clone(),
        complaint_guidance: complaint_guidance(domain, today),
        contact: format!(
            "{} — skriv til os på sagen i Sagsspor med referencen {reference}.",
            authority.name
        ),
        case_folder_url: format!(
            "{}/sager/{reference}",
            case_folder_base.trim_end_matches('/')
        ),
    };
    let pdf = tokio::task::spawn_blocking(move || decision_pdf::render(&letter))
        .await
        .map_err(|e| CommandError::Failed(format!("rendering the letter stopped: {e}")))?
        .map_err(|e| CommandError::Failed(format!("the letter could not be rendered: {e}")))?;
    Ok(RenderedLetter { pdf })
}

/// Stores a rendered letter as the case's newest decision document, in the caller's transaction
/// (the decision event refers to it). The folder's stable address always gives the latest.
pub async fn issue_rendered_letter(
    conn: &mut Conn,
    store: &DocumentStore,
    case: &Case,
    actor: Actor<'_>,
    letter: &RenderedLetter,
    at: NaiveDateTime,
) -> Result<Document, CommandError> {
    let reference = case.reference.clone().unwrap_or_default();
    let earlier = Document::for_case(conn, case.id)
        .await?
        .iter()
        .filter(|d| d.document_kind() == Some(DocumentKind::Decision))
        .count();
    let filename = match earlier {
        0 => format!("afgoerelse-{reference}.pdf"),
        n => format!("afgoerelse-{reference}-{}.pdf", n + 1),
    };
    // In the database store the bytes commit or roll back together with their row.
    let stored = store
        .store_bytes(conn, &letter.pdf)
        .await
        .map_err(|e| CommandError::Failed(format!("the letter could not be stored: {e}")))?;
    let document = Document::insert(
        conn,
        &NewDocument {
            case_id: case.id,
            sha256: &stored.sha256,
            filename: &filename,
            content_type: stored.file_type.content_type(),
            size_bytes: i64::try_from(stored.size_bytes).unwrap_or(i64::MAX),
            kind: DocumentKind::Decision.as_str(),
            request_item_id: None,
            uploaded_by_kind: actor.kind.as_str(),
            uploaded_by_user_id: actor.user_id,
            visible_to_applicant: true,
            uploaded_at: at,
        },
    )
    .await?;
    Ok(document)
}
