//! The codes the case folder's forms send back: the notice a redirect to the folder carries
//! (`?besked=`), why an upload was not accepted (`?bilag-fejl=` on a draft, the answer form's
//! kept problem), and the draft's attachment notices (`?bilag=`). The handler that writes a code
//! and the page that reads it both use these, so a code cannot be misspelt on one side.

use crate::domain::reference::CaseReference;

/// What a form on the case folder did, shown once above the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderNotice {
    AnswerReceived,
    AllAnswered,
    Withdrawn,
    /// The case changed after the applicant confirmed the withdrawal.
    WithdrawConflict,
    WithdrawNotPossible,
    TrackingLinkReplaced,
    StatusSent,
    StatusTooSoon,
    StatusNoEmail,
    StatusNoMobile,
}

impl FolderNotice {
    pub const ALL: [FolderNotice; 10] = [
        FolderNotice::AnswerReceived,
        FolderNotice::AllAnswered,
        FolderNotice::Withdrawn,
        FolderNotice::WithdrawConflict,
        FolderNotice::WithdrawNotPossible,
        FolderNotice::TrackingLinkReplaced,
        FolderNotice::StatusSent,
        FolderNotice::StatusTooSoon,
        FolderNotice::StatusNoEmail,
        FolderNotice::StatusNoMobile,
    ];

    /// The code in `?besked=`.
    pub fn code(self) -> &'static str {
        match self {
            FolderNotice::AnswerReceived => "svar-modtaget",
            FolderNotice::AllAnswered => "alle-besvaret",
            FolderNotice::Withdrawn => "trukket",
            FolderNotice::WithdrawConflict => "konflikt",
            FolderNotice::WithdrawNotPossible => "umuligt",
            FolderNotice::TrackingLinkReplaced => "nyt-sporingslink",
            FolderNotice::StatusSent => "status-sendt",
            FolderNotice::StatusTooSoon => "status-vent",
            FolderNotice::StatusNoEmail => "status-ingen-email",
            FolderNotice::StatusNoMobile => "status-ingen-mobil",
        }
    }

    pub fn parse(code: &str) -> Option<FolderNotice> {
        FolderNotice::ALL.into_iter().find(|n| n.code() == code)
    }

    /// The message's key, and whether it reports success (else a warning).
    pub fn message(self) -> (&'static str, bool) {
        match self {
            FolderNotice::AnswerReceived => ("answer.received", true),
            FolderNotice::AllAnswered => ("answer.all_received", true),
            FolderNotice::Withdrawn => ("withdraw.done", true),
            FolderNotice::WithdrawConflict => ("withdraw.conflict", false),
            FolderNotice::WithdrawNotPossible => ("withdraw.not_possible", false),
            FolderNotice::TrackingLinkReplaced => ("tracking.rotated", true),
            FolderNotice::StatusSent => ("folder.status_sent", true),
            FolderNotice::StatusTooSoon => ("folder.status_wait", false),
            FolderNotice::StatusNoEmail => ("folder.status_no_email", false),
            FolderNotice::StatusNoMobile => ("folder.status_no_mobile", false),
        }
    }

    /// Where the folder shows what the notice is about.
    fn anchor(self) -> &'static str {
        match self {
            FolderNotice::AnswerReceived => "#anmodninger",
            FolderNotice::TrackingLinkReplaced => "#sporingslink",
            FolderNotice::StatusSent
            | FolderNotice::StatusTooSoon
            | FolderNotice::StatusNoEmail
            | FolderNotice::StatusNoMobile => "#beskeder",
            FolderNotice::AllAnswered
            | FolderNotice::Withdrawn
            | FolderNotice::WithdrawConflict
            | FolderNotice::WithdrawNotPossible => "",
        }
    }

    /// The folder's address with the notice, for the redirect after the form.
    pub fn folder_path(self, reference: &CaseReference) -> String {
        format!("/sager/{reference}?besked={}{}", self.code(), self.anchor())
    }
}

/// Why a file sent with a form was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadProblem {
    NoFile,
    TooLarge,
    WrongType,
    Broken,
    /// More than one file where the form takes one.
    TooMany,
}

/// Why an answer to a request for information was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerProblem {
    Upload(UploadProblem),
    /// Neither a file nor a comment.
    Empty,
    CommentTooLong,
    AlreadyAnswered,
    /// The case takes no answers in its state.
    NotPossible,
}

impl UploadProblem {
    pub const ALL: [UploadProblem; 5] = [
        UploadProblem::NoFile,
        UploadProblem::TooLarge,
        UploadProblem::WrongType,
        UploadProblem::Broken,
        UploadProblem::TooMany,
    ];

    /// The code in the redirect's query and the message's key suffix.
    pub fn code(self) -> &'static str {
        match self {
            UploadProblem::NoFile => "mangler",
            UploadProblem::TooLarge => "for-stor",
            UploadProblem::WrongType => "forkert-type",
            UploadProblem::Broken => "afbrudt",
            UploadProblem::TooMany => "flere-filer",
        }
    }

    /// An unknown code reads as "no file" (the form asks for one again).
    pub fn parse(code: &str) -> UploadProblem {
        UploadProblem::ALL
            .into_iter()
            .find(|p| p.code() == code)
            .unwrap_or(UploadProblem::NoFile)
    }

    /// The message's key on a draft's attachment form (`{mb}`: the largest file).
    pub fn attachment_message_key(self) -> &'static str {
        match self {
            UploadProblem::NoFile => "attachments.error.mangler",
            UploadProblem::TooLarge => "attachments.error.for-stor",
            UploadProblem::WrongType => "attachments.error.forkert-type",
            UploadProblem::Broken => "attachments.error.afbrudt",
            UploadProblem::TooMany => "attachments.error.flere-filer",
        }
    }
}

impl AnswerProblem {
    pub const ALL: [AnswerProblem; 9] = [
        AnswerProblem::Upload(UploadProblem::NoFile),
        AnswerProblem::Upload(UploadProblem::TooLarge),
        AnswerProblem::Upload(UploadProblem::WrongType),
        AnswerProblem::Upload(UploadProblem::Broken),
        AnswerProblem::Upload(UploadProblem::TooMany),
        AnswerProblem::Empty,
        AnswerProblem::CommentTooLong,
        AnswerProblem::AlreadyAnswered,
        AnswerProblem::NotPossible,
    ];

    /// The code kept for the form shown after the redirect.
    pub fn code(self) -> &'static str {
        match self {
            AnswerProblem::Upload(problem) => problem.code(),
            AnswerProblem::Empty => "tomt",
            AnswerProblem::CommentTooLong => "for-lang",
            AnswerProblem::AlreadyAnswered => "allerede-besvaret",
            AnswerProblem::NotPossible => "ikke-muligt",
        }
    }

    /// An unknown code reads as an empty answer (the form asks for a file or a comment).
    pub fn parse(code: &str) -> AnswerProblem {
        AnswerProblem::ALL
            .into_iter()
            .find(|p| p.code() == code)
            .unwrap_or(AnswerProblem::Empty)
    }

    /// The message's key (`{mb}`: the largest file).
    pub fn message_key(self) -> &'static str {
        match self {
            AnswerProblem::Upload(UploadProblem::NoFile) | AnswerProblem::Empty => {
                "answer.error.tomt"
            }
            AnswerProblem::Upload(UploadProblem::TooLarge) => "answer.error.for-stor",
            AnswerProblem::Upload(UploadProblem::WrongType) => "answer.error.forkert-type",
            AnswerProblem::Upload(UploadProblem::Broken) => "answer.error.afbrudt",
            AnswerProblem::Upload(UploadProblem::TooMany) => "answer.error.flere-filer",
            AnswerProblem::CommentTooLong => "answer.error.for-lang",
            AnswerProblem::AlreadyAnswered => "answer.error.allerede-besvaret",
            AnswerProblem::NotPossible => "answer.error.ikke-muligt",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn every_code_reads_back_and_has_its_text_in_both_languages() {
        for locale in [Locale::Da, Locale::En] {
            for notice in FolderNotice::ALL {
                assert_eq!(FolderNotice::parse(notice.code()), Some(notice));
                assert!(locale.has(notice.message().0), "{notice:?}");
            }
            for problem in UploadProblem::ALL {
                assert_eq!(UploadProblem::parse(problem.code()), problem);
                assert!(locale.has(problem.attachment_message_key()), "{problem:?}");
            }
            for problem in AnswerProblem::ALL {
                assert_eq!(AnswerProblem::parse(problem.code()), problem);
                assert!(locale.has(problem.message_key()), "{problem:?}");
            }
        }
        assert_eq!(FolderNotice::parse("noget-andet"), None);
    }
}
