//! The caseworker's action forms on a case (`POST /handlinger/sagsbehandling/{reference}`): the
//! action codes (`handling`) and the field names, shared by the case page that renders the
//! forms, the handler that reads them and the refusals that name a field
//! (`services::commands::refusals::Field::form_name`).

/// One form on the caseworker's case page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseworkerAction {
    Register,
    DeclareComplete,
    Assign,
    Note,
    StartHearing,
    EndHearing,
    NotCovered,
    Close,
    Reopen,
    RequestInformation,
    ReceiveItem,
    Decide,
}

impl CaseworkerAction {
    pub const ALL: [CaseworkerAction; 12] = [
        CaseworkerAction::Register,
        CaseworkerAction::DeclareComplete,
        CaseworkerAction::Assign,
        CaseworkerAction::Note,
        CaseworkerAction::StartHearing,
        CaseworkerAction::EndHearing,
        CaseworkerAction::NotCovered,
        CaseworkerAction::Close,
        CaseworkerAction::Reopen,
        CaseworkerAction::RequestInformation,
        CaseworkerAction::ReceiveItem,
        CaseworkerAction::Decide,
    ];

    /// The value of the form's `handling` field (and of `?udfoert=` after it).
    pub fn code(self) -> &'static str {
        match self {
            CaseworkerAction::Register => "registrer",
            CaseworkerAction::DeclareComplete => "fuldt-oplyst",
            CaseworkerAction::Assign => "tildel",
            CaseworkerAction::Note => "note",
            CaseworkerAction::StartHearing => "hoering-start",
            CaseworkerAction::EndHearing => "hoering-slut",
            CaseworkerAction::NotCovered => "ikke-omfattet",
            CaseworkerAction::Close => "luk",
            CaseworkerAction::Reopen => "genaabn",
            CaseworkerAction::RequestInformation => "anmod",
            CaseworkerAction::ReceiveItem => "modtaget",
            CaseworkerAction::Decide => "afgoer",
        }
    }

    pub fn parse(code: &str) -> Option<CaseworkerAction> {
        CaseworkerAction::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The key of the action's name (the form's heading and the confirmation after it).
    pub fn label_key(self) -> String {
        format!("caseworker.action.{}", self.code())
    }
}

/// The forms' field names.
pub mod field {
    /// Which action the form is (a [`super::CaseworkerAction`] code).
    pub const ACTION: &str = "handling";
    /// The case's version the caseworker saw.
    pub const VERSION: &str = "version";
    pub const ESDH_NUMBER: &str = "esdh_nummer";
    /// A colleague's id, `mig` (oneself) or empty (nobody).
    pub const ASSIGNEE: &str = "tildel_til";
    /// The assignee value meaning "me".
    pub const ASSIGN_TO_ME: &str = "mig";
    pub const PUBLIC_TEXT: &str = "offentlig_tekst";
    pub const INTERNAL_TEXT: &str = "intern_tekst";
    pub const REASON: &str = "begrundelse";
    pub const MESSAGE: &str = "besked";
    /// The request item a "received" form marks.
    pub const ITEM: &str = "punkt";
    pub const OUTCOME: &str = "udfald";
    pub const HEADING: &str = "overskrift";
    pub const DECISION_TEXT: &str = "afgoerelse";
    pub const CONDITIONS: &str = "vilkaar";
    pub const LEGAL_BASIS: &str = "lovgrundlag";

    /// The description of the request's item in row `n` (from 1).
    pub fn item_text(n: usize) -> String {
        format!("punkt_{n}")
    }

    /// The deadline of the request's item in row `n` (from 1).
    pub fn item_deadline(n: usize) -> String {
        format!("frist_{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn every_action_reads_back_and_has_its_name_in_both_languages() {
        for action in CaseworkerAction::ALL {
            assert_eq!(CaseworkerAction::parse(action.code()), Some(action));
            for locale in [Locale::Da, Locale::En] {
                assert!(locale.has(&action.label_key()), "{action:?}");
            }
        }
        assert_eq!(CaseworkerAction::parse("slet"), None);
    }
}
