//! Why a command was not carried out: one table of refusal codes, each with the message a page
//! shows (in `locales/da.json` and `en.json`) and the problem type and status the API answers
//! with (RFC 9457), and the field it concerns under the name the portal's form and the API's
//! JSON give it.

use crate::db::DbError;
use crate::domain::lifecycle::TransitionError;
use crate::forms::caseworker_actions::field;
use crate::services::case_events::RecordError;
use crate::services::document_store::StoreError;

/// A kind of refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalCode {
    Required,
    TooLong,
    ItemCount,
    BadDate,
    DatePast,
    NoteEmpty,
    UnknownColleague,
    UnknownItem,
    ItemNotOpen,
    LetterNotUsable,
    ChooseOutcome,
    ConditionsRequired,
    BeforeLatestEvent,
    EsdhNumberTaken,
    /// The case's state does not allow the action now.
    NotNow,
    /// The case changed after the actor read it.
    Changed,
    /// A form without the version it was based on (an old page).
    StaleForm,
    /// An application sent with fields still to fill in or put right.
    Incomplete,
    UnknownCaseType,
    /// A service-goal category the case type does not have (the refusal lists the type's).
    UnknownCategory,
    NotACvrNumber,
    NotAnEmailAddress,
    NotAMobileNumber,
    /// Registered before it was received.
    BeforeReceived,
}

impl RefusalCode {
    /// Every code: the test proves each has texts and a problem type.
    pub const ALL: [RefusalCode; 24] = [
        RefusalCode::Required,
        RefusalCode::TooLong,
        RefusalCode::ItemCount,
        RefusalCode::BadDate,
        RefusalCode::DatePast,
        RefusalCode::NoteEmpty,
        RefusalCode::UnknownColleague,
        RefusalCode::UnknownItem,
        RefusalCode::ItemNotOpen,
        RefusalCode::LetterNotUsable,
        RefusalCode::ChooseOutcome,
        RefusalCode::ConditionsRequired,
        RefusalCode::BeforeLatestEvent,
        RefusalCode::EsdhNumberTaken,
        RefusalCode::NotNow,
        RefusalCode::Changed,
        RefusalCode::StaleForm,
        RefusalCode::Incomplete,
        RefusalCode::UnknownCaseType,
        RefusalCode::UnknownCategory,
        RefusalCode::NotACvrNumber,
        RefusalCode::NotAnEmailAddress,
        RefusalCode::NotAMobileNumber,
        RefusalCode::BeforeReceived,
    ];

    /// The key of the page's message (`{max}` in it is the refusal's limit).
    pub fn message_key(self) -> &'static str {
        match self {
            RefusalCode::Required => "field.required",
            RefusalCode::TooLong => "refusal.too_long",
            RefusalCode::ItemCount => "action.items_required",
            RefusalCode::BadDate => "action.bad_date",
            RefusalCode::DatePast => "action.date_past",
            RefusalCode::NoteEmpty => "refusal.note_empty",
            RefusalCode::UnknownColleague => "action.unknown_colleague",
            RefusalCode::UnknownItem => "refusal.unknown_item",
            RefusalCode::ItemNotOpen => "action.item_not_open",
            RefusalCode::LetterNotUsable => "refusal.letter_not_usable",
            RefusalCode::ChooseOutcome => "decision.choose_outcome",
            RefusalCode::ConditionsRequired => "decision.conditions_required",
            RefusalCode::BeforeLatestEvent => "refusal.before_latest_event",
            RefusalCode::EsdhNumberTaken => "esdh.duplicate",
            RefusalCode::NotNow => "action.not_possible",
            RefusalCode::Changed => "action.conflict",
            RefusalCode::StaleForm => "action.stale_form",
            RefusalCode::Incomplete => "application.fix_before_review",
            RefusalCode::UnknownCaseType => "refusal.unknown_case_type",
            RefusalCode::UnknownCategory => "refusal.unknown_category",
            RefusalCode::NotACvrNumber => "refusal.not_a_cvr_number",
            RefusalCode::NotAnEmailAddress => "refusal.not_an_email_address",
            RefusalCode::NotAMobileNumber => "refusal.not_a_mobile_number",
            RefusalCode::BeforeReceived => "refusal.before_received",
        }
    }

    /// The message key back to its code (the page keeps the key between the post and the page).
    pub fn from_message_key(key: &str) -> Option<RefusalCode> {
        RefusalCode::ALL
            .into_iter()
            .find(|c| c.message_key() == key)
    }

    /// The API's problem type (the last part of `/api/v1/problems/{slug}`) and HTTP status.
    pub fn problem(self) -> (&'static str, u16) {
        match self {
            RefusalCode::ItemNotOpen => ("item-not-open", 409),
            RefusalCode::EsdhNumberTaken => ("duplicate-esdh-number", 409),
            RefusalCode::NotNow => ("transition-refused", 409),
            RefusalCode::Changed => ("concurrent-change", 409),
            RefusalCode::StaleForm => ("stale-version", 412),
            RefusalCode::Required
            | RefusalCode::TooLong
            | RefusalCode::ItemCount
            | RefusalCode::BadDate
            | RefusalCode::DatePast
            | RefusalCode::NoteEmpty
            | RefusalCode::UnknownColleague
            | RefusalCode::UnknownItem
            | RefusalCode::LetterNotUsable
            | RefusalCode::ChooseOutcome
            | RefusalCode::ConditionsRequired
            | RefusalCode::BeforeLatestEvent
            | RefusalCode::Incomplete
            | RefusalCode::UnknownCaseType
            | RefusalCode::UnknownCategory
            | RefusalCode::NotACvrNumber
            | RefusalCode::NotAnEmailAddress
            | RefusalCode::NotAMobileNumber
            | RefusalCode::BeforeReceived => ("invalid-field", 422),
        }
    }
}

/// A field of an action, named as the portal's form and the API's body name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The form or request as a whole.
    Whole,
    EsdhNumber,
    Assignee,
    PublicText,
    InternalText,
    Reason,
    Message,
    Items,
    /// The description of item N (from 0).
    ItemText(usize),
    /// The deadline of item N (from 0).
    ItemDeadline(usize),
    /// The item an answer is for.
    Item,
    Comment,
    Outcome,
    Heading,
    DecisionText,
    Conditions,
    LegalBasis,
    DecisionDocument,
    OccurredAt,
    // A case registered by the case system, or an application started in the portal.
    Authority,
    CaseType,
    ServiceGoalCategory,
    Title,
    Description,
    ApplicantName,
    Cvr,
    Email,
    Mobile,
    PropertyAddress,
    CadastralNumber,
    RegisteredAt,
}

impl Field {
    /// The name in the portal's form (`""` for the whole form).
    pub fn form_name(self) -> String {
        match self {
            Field::Whole
            | Field::OccurredAt
            | Field::DecisionDocument
            | Field::Cvr
            | Field::Email
            | Field::Mobile
            | Field::RegisteredAt
            | Field::ApplicantName => String::new(),
            Field::Authority => "myndighed".into(),
            Field::CaseType => "type".into(),
            Field::ServiceGoalCategory => "building_use".into(),
            Field::Title => "title".into(),
            Field::Description => "description".into(),
            Field::PropertyAddress => "property_address".into(),
            Field::CadastralNumber => "cadastral_number".into(),
            Field::EsdhNumber => field::ESDH_NUMBER.into(),
            Field::Assignee => field::ASSIGNEE.into(),
            // The received-item form's only text is its public text.
            Field::PublicText | Field::Comment => field::PUBLIC_TEXT.into(),
            Field::InternalText => field::INTERNAL_TEXT.into(),
            Field::Reason => field::REASON.into(),
            Field::Message => field::MESSAGE.into(),
            Field::Items => field::item_text(1),
            Field::ItemText(n) => field::item_text(n + 1),
            Field::ItemDeadline(n) => field::item_deadline(n + 1),
            Field::Item => field::ITEM.into(),
            Field::Outcome => field::OUTCOME.into(),
            Field::Heading => field::HEADING.into(),
            Field::DecisionText => field::DECISION_TEXT.into(),
            Field::Conditions => field::CONDITIONS.into(),
            Field::LegalBasis => field::LEGAL_BASIS.into(),
        }
    }

    /// The name in the API's JSON body, as a path (`items[0].deadline`); `None` for the whole.
    pub fn api_name(self) -> Option<String> {
        Some(match self {
            // The API has no such field (its letter is an uploaded PDF; it does not assign).
            Field::Whole
            | Field::Assignee
            | Field::DecisionText
            | Field::Conditions
            | Field::LegalBasis
            | Field::Authority => return None,
            Field::CaseType => "case_type".into(),
            Field::ServiceGoalCategory => "service_goal_category".into(),
            Field::Title => "title".into(),
            Field::Description => "description".into(),
            Field::ApplicantName => "applicant.name".into(),
            Field::Cvr => "applicant.cvr".into(),
            Field::Email => "applicant.email".into(),
            Field::Mobile => "applicant.mobile".into(),
            Field::PropertyAddress => "property.address".into(),
            Field::CadastralNumber => "property.cadastral_number".into(),
            Field::RegisteredAt => "registered_at".into(),
            Field::EsdhNumber => "esdh_number".into(),
            Field::PublicText => "public_text".into(),
            Field::InternalText => "internal_text".into(),
            Field::Reason => "reason".into(),
            Field::Message => "message".into(),
            Field::Items => "items".into(),
            Field::ItemText(n) => format!("items[{n}].description"),
            Field::ItemDeadline(n) => format!("items[{n}].deadline"),
            Field::Item => "item_id".into(),
            Field::Comment => "comment".into(),
            Field::Outcome => "outcome".into(),
            Field::Heading => "heading".into(),
            Field::DecisionDocument => "decision_document_id".into(),
            Field::OccurredAt => "occurred_at".into(),
        })
    }
}

/// Why a command was not carried out, with what the answer needs to say so precisely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: RefusalCode,
    pub field: Field,
    /// The limit a [`RefusalCode::TooLong`] or [`RefusalCode::ItemCount`] refers to.
    pub limit: Option<usize>,
    /// The case that already has the ESDH number, for [`RefusalCode::EsdhNumberTaken`].
    pub existing_reference: Option<String>,
    /// The refused transition, for [`RefusalCode::NotNow`].
    pub transition: Option<TransitionError>,
    /// The case's version now, for [`RefusalCode::Changed`].
    pub current_version: Option<i64>,
    /// What would have been accepted, for [`RefusalCode::UnknownCategory`] (boxed: refusals
    /// travel in `Result`s and stay small).
    pub choices: Option<Box<[String]>>,
}

impl Refusal {
    /// A refusal about one field.
    pub fn at(field: Field, code: RefusalCode) -> Refusal {
        Refusal {
            code,
            field,
            limit: None,
            existing_reference: None,
            transition: None,
            current_version: None,
            choices: None,
        }
    }

    /// A refusal about the whole form or request.
    pub fn whole(code: RefusalCode) -> Refusal {
        Refusal::at(Field::Whole, code)
    }

    /// The same refusal, naming its limit.
    pub fn with_limit(mut self, limit: usize) -> Refusal {
        self.limit = Some(limit);
        self
    }

    /// Another case of the authority has the ESDH number.
    pub fn esdh_number_taken(existing_reference: Option<String>) -> Refusal {
        Refusal {
            existing_reference,
            ..Refusal::at(Field::EsdhNumber, RefusalCode::EsdhNumberTaken)
        }
    }
}

/// Why a command ended without its outcome: refused (the actor can do something about it) or
/// failed (the service could not).
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error("the case does not exist")]
    NotFound,
    #[error(transparent)]
    Database(#[from] DbError),
    /// The document store could not keep a file.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something other than the database failed (rendering or storing a letter), worded for
    /// the log.
    #[error("{0}")]
    Failed(String),
}

impl From<Refusal> for CommandError {
    fn from(refusal: Refusal) -> Self {
        CommandError::Refused(refusal)
    }
}

impl From<RecordError> for CommandError {
    fn from(error: RecordError) -> Self {
        let refused = |field, code| CommandError::Refused(Refusal::at(field, code));
        match error {
            RecordError::NotFound => CommandError::NotFound,
            RecordError::Refused(transition) => CommandError::Refused(Refusal {
                transition: Some(transition),
                ..Refusal::whole(RefusalCode::NotNow)
            }),
            RecordError::Conflict { current_version } => CommandError::Refused(Refusal {
                current_version: Some(current_version),
                ..Refusal::whole(RefusalCode::Changed)
            }),
            RecordError::DuplicateEsdhNumber => {
                CommandError::Refused(Refusal::esdh_number_taken(None))
            }
            RecordError::MissingEsdhNumber => refused(Field::EsdhNumber, RefusalCode::Required),
            RecordError::MissingReason => refused(Field::Reason, RefusalCode::Required),
            RecordError::MissingItems => CommandError::Refused(
                Refusal::at(Field::Items, RefusalCode::ItemCount)
                    .with_limit(super::case_actions::MAX_REQUEST_ITEMS),
            ),
            RecordError::ItemNotOpen => refused(Field::Item, RefusalCode::ItemNotOpen),
            RecordError::Database(error) => CommandError::Database(error),
        }
    }
}

impl From<TransitionError> for CommandError {
    fn from(error: TransitionError) -> Self {
        CommandError::from(RecordError::Refused(error))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn every_refusal_has_a_text_in_both_languages_and_a_problem_type() {
        for code in RefusalCode::ALL {
            for locale in [Locale::Da, Locale::En] {
                assert!(
                    locale.has(code.message_key()),
                    "{code:?}: {} lacks {}",
                    locale.code(),
                    code.message_key()
                );
            }
            let (slug, status) = code.problem();
            assert!(
                !slug.is_empty() && slug.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{code:?}: {slug}"
            );
            assert!((400..500).contains(&status), "{code:?}: {status}");
            assert_eq!(
                RefusalCode::from_message_key(code.message_key()),
                Some(code)
            );
        }
    }

    #[test]
    fn item_fields_are_named_by_their_row() {
        assert_eq!(Field::ItemDeadline(2).form_name(), "frist_3");
        assert_eq!(
            Field::ItemDeadline(2).api_name().unwrap(),
            "items[2].deadline"
        );
    }
}
