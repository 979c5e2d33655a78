//! Deciding a case: the decision event and its letter, rendered to PDF and stored immutably as a
//! new document of the case — one transaction. A corrected decision is a new decision with a new
//! document; the folder's stable address always gives the latest.

use crate::db::authorities::{Authority, CaseType};
use crate::db::cases::Case;
use crate::db::documents::{Document, DocumentKind, NewDocument};
use crate::db::{Conn, DbError};
use crate::decision_pdf::{self, complaint_guidance, DecisionDomain, DecisionLetter};
use crate::domain::lifecycle::EventKind;
use crate::domain::local_time::copenhagen_date;
use crate::services::case_events::{record, Actor, EventRequest, RecordError, Recorded};
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

/// Why a decision was not made.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("the decision letter could not be rendered: {0}")]
    Render(String),
    #[error("the decision letter could not be stored: {0}")]
    Store(String),
}

impl From<DbError> for DecideError {
    fn from(error: DbError) -> Self {
        DecideError::Record(RecordError::Database(error))
    }
}

/// Records the decision and issues its letter, in the caller's transaction. `case_folder_base`
/// is the public address the letter points the applicant to (e.g. `https://sagsspor.dk`).
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    conn: &mut Conn,
    store: &DocumentStore,
    case: &Case,
    read_version: Option<i64>,
    actor: Actor<'_>,
    decision: &DecisionInput,
    case_folder_base: &str,
    at: NaiveDateTime,
) -> Result<(Recorded, Document), DecideError> {
    let mut request = EventRequest::new(EventKind::Decided, actor, at);
    request.public_text = Some(&decision.heading);
    request.data = serde_json::json!({ "outcome": decision.outcome.code() });
    let recorded = record(conn, case.id, read_version, &request).await?;
    let case = &recorded.case;

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
    let pdf = decision_pdf::render(&letter).map_err(|e| DecideError::Render(e.to_string()))?;
    let earlier = Document::for_case(conn, case.id)
        .await?
        .iter()
        .filter(|d| d.document_kind() == Some(DocumentKind::Decision))
        .count();
    let filename = match earlier {
        0 => format!("afgoerelse-{reference}.pdf"),
        n => format!("afgoerelse-{reference}-{}.pdf", n + 1),
    };
    // Stored last, beside its row: in the database store both commit or roll back together.
    let stored = store
        .store_bytes(conn, &pdf)
        .await
        .map_err(|e| DecideError::Store(e.to_string()))?;
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
    Ok((recorded, document))
}
