//! Documents of a case: the applicant's attachments and answers, and the authority's decisions.
//! The row describes the file; its bytes live in the document store under their SHA-256.

use crate::db::schema::documents;
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// What a document is to the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// Sent with the application.
    Attachment,
    /// Sent in answer to an item of a request for information.
    Answer,
    /// A decision letter issued by the authority.
    Decision,
}

impl DocumentKind {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Attachment => "attachment",
            DocumentKind::Answer => "answer",
            DocumentKind::Decision => "decision",
        }
    }

    /// The kind of a stored code.
    pub fn parse(code: &str) -> Option<DocumentKind> {
        match code {
            "attachment" => Some(DocumentKind::Attachment),
            "answer" => Some(DocumentKind::Answer),
            "decision" => Some(DocumentKind::Decision),
            _ => None,
        }
    }
}

/// One stored document.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = documents, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Document {
    pub id: i64,
    pub case_id: i64,
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub kind: String,
    pub request_item_id: Option<i64>,
    pub uploaded_by_kind: String,
    pub uploaded_by_user_id: Option<i64>,
    pub visible_to_applicant: bool,
    pub uploaded_at: NaiveDateTime,
}

/// A document about to be stored.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = documents, treat_none_as_default_value = false)]
pub struct NewDocument<'a> {
    pub case_id: i64,
    pub sha256: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub kind: &'a str,
    pub request_item_id: Option<i64>,
    pub uploaded_by_kind: &'a str,
    pub uploaded_by_user_id: Option<i64>,
    pub visible_to_applicant: bool,
    pub uploaded_at: NaiveDateTime,
}

impl Document {
    /// Makes a document the authority's case system uploaded the decision letter of its case,
    /// shown to the applicant. Its bytes never change; only the row says what it now is.
    /// `false` when it is not such a document of this case (or is a decision already).
    pub async fn issue_as_decision(conn: &mut Conn, case_id: i64, id: i64) -> QueryResult<bool> {
        let changed = dispatch!(conn, |c| diesel::update(
            documents::table
                .filter(documents::id.eq(id))
                .filter(documents::case_id.eq(case_id))
                .filter(documents::kind.eq(DocumentKind::Attachment.as_str()))
                .filter(documents::uploaded_by_kind.eq("esdh"))
                .filter(documents::content_type.eq("application/pdf"))
        )
        .set((
            documents::kind.eq(DocumentKind::Decision.as_str()),
            documents::visible_to_applicant.eq(true),
        ))
        .execute(c)
        .await)?;
        Ok(changed == 1)
    }

    /// Stores a document's row (its bytes are already in the document store).
    pub async fn insert(conn: &mut Conn, new: &NewDocument<'_>) -> QueryResult<Document> {
        dispatch!(conn, |c| diesel::insert_into(documents::table)
            .values(new)
            .returning(Document::as_returning())
            .get_result(c)
            .await)
    }

    /// Every document of a case, oldest first.
    pub async fn for_case(conn: &mut Conn, case_id: i64) -> QueryResult<Vec<Document>> {
        dispatch!(conn, |c| documents::table
            .filter(documents::case_id.eq(case_id))
            .order(documents::id)
            .select(Document::as_select())
            .load(c)
            .await)
    }

    /// The document with this id, if it belongs to this case (an id of another case's document
    /// finds nothing).
    pub async fn find_in_case(
        conn: &mut Conn,
        case_id: i64,
        id: i64,
    ) -> QueryResult<Option<Document>> {
        dispatch!(conn, |c| documents::table
            .filter(documents::case_id.eq(case_id))
            .filter(documents::id.eq(id))
            .select(Document::as_select())
            .first(c)
            .await
            .optional())
    }

    /// The latest decision of a case.
    pub async fn latest_decision(conn: &mut Conn, case_id: i64) -> QueryResult<Option<Document>> {
        dispatch!(conn, |c| documents::table
            .filter(documents::case_id.eq(case_id))
            .filter(documents::kind.eq(DocumentKind::Decision.as_str()))
            .order(documents::id.desc())
            .select(Document::as_select())
            .first(c)
            .await
            .optional())
    }

    /// Removes an attachment from a draft (a sent application's documents are never removed).
    pub async fn remove_from_draft(conn: &mut Conn, case_id: i64, id: i64) -> QueryResult<bool> {
        let removed = dispatch!(conn, |c| diesel::delete(
            documents::table
                .filter(documents::case_id.eq(case_id))
                .filter(documents::id.eq(id))
                .filter(documents::kind.eq(DocumentKind::Attachment.as_str()))
        )
        .execute(c)
        .await)?;
        Ok(removed == 1)
    }

    /// What the document is to the case.
    pub fn document_kind(&self) -> Option<DocumentKind> {
        DocumentKind::parse(&self.kind)
    }
}
