//! Documents put on a case: an applicant's attachment to a draft (and taking it off again), an
//! applicant's answer to one item of a request for information (a file, a comment or both), and
//! a file the authority's case system adds to a case. Each writes the document's row and keeps
//! the received file in the store in the caller's transaction, after everything that may still
//! refuse the request, so a refused request leaves nothing behind.

use crate::db::cases::Case;
use crate::db::documents::{Document, DocumentKind, NewDocument};
use crate::db::Conn;
use crate::domain::lifecycle::{self, EventKind};
use crate::services::case_events::{
    answer_request_item, record, Actor, EventRequest, ItemAnswered, Recorded,
};
use crate::services::commands::refusals::{CommandError, Field, Refusal, RefusalCode};
use crate::services::document_store::{DocumentStore, Received};
use chrono::NaiveDateTime;

/// The longest comment accepted with an answer, in characters.
pub const MAX_ANSWER_COMMENT: usize = 4000;

/// A file received and checked, with the name it will be shown under.
pub struct NamedFile {
    pub received: Received,
    pub filename: String,
}

/// Writes the document's row; the caller keeps the file once nothing can refuse any more.
#[allow(clippy::too_many_arguments)]
async fn insert_row(
    conn: &mut Conn,
    case: &Case,
    file: &NamedFile,
    kind: DocumentKind,
    request_item_id: Option<i64>,
    actor: Actor<'_>,
    visible_to_applicant: bool,
    at: NaiveDateTime,
) -> Result<Document, CommandError> {
    let stored = file.received.file();
    let new = NewDocument {
        case_id: case.id,
        sha256: &stored.sha256,
        filename: &file.filename,
        content_type: stored.file_type.content_type(),
        size_bytes: i64::try_from(stored.size_bytes).unwrap_or(i64::MAX),
        kind: kind.as_str(),
        request_item_id,
        uploaded_by_kind: actor.kind.as_str(),
        uploaded_by_user_id: actor.user_id,
        visible_to_applicant,
        uploaded_at: at,
    };
    Ok(Document::insert(conn, &new).await?)
}

/// Attaches a file to a draft the caller found as the applicant's own.
pub async fn attach_to_draft(
    conn: &mut Conn,
    store: &DocumentStore,
    draft: &Case,
    file: &NamedFile,
    actor: Actor<'_>,
    at: NaiveDateTime,
) -> Result<Document, CommandError> {
    let document = insert_row(
        conn,
        draft,
        file,
        DocumentKind::Attachment,
        None,
        actor,
        true,
        at,
    )
    .await?;
    store.keep(conn, &file.received).await?;
    tracing::info!(
        case_id = draft.id,
        document_id = document.id,
        "attachment added"
    );
    Ok(document)
}

/// Takes an attachment off a draft; another case's document is not found.
pub async fn remove_from_draft(
    conn: &mut Conn,
    draft: &Case,
    document_id: i64,
) -> Result<(), CommandError> {
    if Document::remove_from_draft(conn, draft.id, document_id).await? {
        Ok(())
    } else {
        Err(CommandError::NotFound)
    }
}

/// The applicant's answer to one item of a request for information.
pub struct AnswerItem<'a> {
    pub case: &'a Case,
    pub item_id: i64,
    pub actor: Actor<'a>,
    pub comment: &'a str,
    pub file: Option<NamedFile>,
    pub at: NaiveDateTime,
}

/// Answers the item; when it was the last open one, the case returns to the authority in the
/// same transaction. An answer with neither file nor comment is refused at the comment.
pub async fn answer_item(
    conn: &mut Conn,
    store: &DocumentStore,
    command: AnswerItem<'_>,
) -> Result<ItemAnswered, CommandError> {
    let comment = command.comment.trim();
    if command.file.is_none() && comment.is_empty() {
        return Err(Refusal::at(Field::Comment, RefusalCode::Required).into());
    }
    if comment.chars().count() > MAX_ANSWER_COMMENT {
        return Err(Refusal::at(Field::Comment, RefusalCode::TooLong)
            .with_limit(MAX_ANSWER_COMMENT)
            .into());
    }
    let case = command.case;
    let comment = (!comment.is_empty()).then_some(comment);
    let answered = answer_request_item(
        conn,
        case.id,
        command.item_id,
        command.actor,
        comment,
        command.at,
    )
    .await?;
    if let Some(file) = &command.file {
        insert_row(
            conn,
            case,
            file,
            DocumentKind::Answer,
            Some(command.item_id),
            command.actor,
            true,
            command.at,
        )
        .await?;
        store.keep(conn, &file.received).await?;
    }
    tracing::info!(
        case_id = case.id,
        item_id = command.item_id,
        "request item answered"
    );
    Ok(answered)
}

/// A file the authority's case system adds to a case.
pub struct AddCaseDocument<'a> {
    pub case: &'a Case,
    /// The version the case system saw (`If-Match`); `None`: whatever is current.
    pub read_version: Option<i64>,
    pub actor: Actor<'a>,
    pub file: NamedFile,
    pub visible_to_applicant: bool,
    pub at: NaiveDateTime,
}

/// What adding the document did.
pub struct DocumentAdded {
    pub document: Document,
    pub recorded: Recorded,
}

/// Adds the document and its `document_added` event (hidden from the applicant unless the
/// document is visible), in the caller's transaction. The state machine speaks first.
pub async fn add_case_document(
    conn: &mut Conn,
    store: &DocumentStore,
    command: AddCaseDocument<'_>,
) -> Result<DocumentAdded, CommandError> {
    let case = command.case;
    lifecycle::apply(case.lifecycle(), EventKind::DocumentAdded)?;
    let document = insert_row(
        conn,
        case,
        &command.file,
        DocumentKind::Attachment,
        None,
        command.actor,
        command.visible_to_applicant,
        command.at,
    )
    .await?;
    let mut request = EventRequest::new(EventKind::DocumentAdded, command.actor, command.at);
    request.data =
        serde_json::json!({ "document_id": document.id, "filename": command.file.filename });
    request.hidden_from_applicant = !command.visible_to_applicant;
    let recorded = record(conn, case.id, command.read_version, &request).await?;
    // Everything that could refuse the upload has passed: now its bytes are stored.
    store.keep(conn, &command.file.received).await?;
    Ok(DocumentAdded { document, recorded })
}
