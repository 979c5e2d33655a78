//! Requests for information (anmodninger om oplysninger / mangelbreve): what the authority asked
//! for, item by item, each with its own deadline and status.

use crate::db::schema::{information_request_items, information_requests};
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// One request, with its covering message.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = information_requests, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct InformationRequest {
    pub id: i64,
    pub case_id: i64,
    pub event_id: i64,
    pub message: String,
    pub created_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
}

/// One thing asked for.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = information_request_items, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct RequestItem {
    pub id: i64,
    pub request_id: i64,
    pub position: i32,
    pub description: String,
    pub deadline: NaiveDate,
    pub status: String,
    pub answered_at: Option<NaiveDateTime>,
    pub answer_comment: Option<String>,
}

/// A request and its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestWithItems {
    pub request: InformationRequest,
    pub items: Vec<RequestItem>,
}

impl InformationRequest {
    /// Stores a request and its items (in the transaction of the event that asks for them).
    pub async fn create(
        conn: &mut Conn,
        case_id: i64,
        event_id: i64,
        message: &str,
        items: &[(String, NaiveDate)],
        at: NaiveDateTime,
    ) -> QueryResult<InformationRequest> {
        let request: InformationRequest =
            dispatch!(conn, |c| diesel::insert_into(information_requests::table)
                .values((
                    information_requests::case_id.eq(case_id),
                    information_requests::event_id.eq(event_id),
                    information_requests::message.eq(message),
                    information_requests::created_at.eq(at),
                ))
                .returning(InformationRequest::as_returning())
                .get_result(c)
                .await)?;
        for (position, (description, deadline)) in items.iter().enumerate() {
            let position = i32::try_from(position + 1).unwrap_or(i32::MAX);
            dispatch!(conn, |c| diesel::insert_into(
                information_request_items::table
            )
            .values((
                information_request_items::request_id.eq(request.id),
                information_request_items::position.eq(position),
                information_request_items::description.eq(description),
                information_request_items::deadline.eq(deadline),
                information_request_items::status.eq("open"),
            ))
            .execute(c)
            .await)?;
        }
        Ok(request)
    }

    /// The items asked for by one event (the request it created), in order.
    pub async fn items_of_event(conn: &mut Conn, event_id: i64) -> QueryResult<Vec<RequestItem>> {
        dispatch!(conn, |c| information_request_items::table
            .inner_join(information_requests::table)
            .filter(information_requests::event_id.eq(event_id))
            .order(information_request_items::position)
            .select(RequestItem::as_select())
            .load(c)
            .await)
    }

    /// Every request of a case with its items, newest request first.
    pub async fn for_case(conn: &mut Conn, case_id: i64) -> QueryResult<Vec<RequestWithItems>> {
        let requests: Vec<InformationRequest> = dispatch!(conn, |c| information_requests::table
            .filter(information_requests::case_id.eq(case_id))
            .order(information_requests::id.desc())
            .select(InformationRequest::as_select())
            .load(c)
            .await)?;
        let ids: Vec<i64> = requests.iter().map(|r| r.id).collect();
        let items: Vec<RequestItem> = dispatch!(conn, |c| information_request_items::table
            .filter(information_request_items::request_id.eq_any(&ids))
            .order((
                information_request_items::request_id,
                information_request_items::position
            ))
            .select(RequestItem::as_select())
            .load(c)
            .await)?;
        Ok(requests
            .into_iter()
            .map(|request| {
                let items = items
                    .iter()
                    .filter(|i| i.request_id == request.id)
                    .cloned()
                    .collect();
                RequestWithItems { request, items }
            })
            .collect())
    }

    /// Marks every open item of the case's open requests answered and closes the requests
    /// (the information arrived; the case returns to the authority).
    pub async fn answer_all_open(
        conn: &mut Conn,
        case_id: i64,
        comment: Option<&str>,
        at: NaiveDateTime,
    ) -> QueryResult<usize> {
        let open: Vec<i64> = dispatch!(conn, |c| information_requests::table
            .filter(information_requests::case_id.eq(case_id))
            .filter(information_requests::closed_at.is_null())
            .select(information_requests::id)
            .load(c)
            .await)?;
        let answered = dispatch!(conn, |c| diesel::update(
            information_request_items::table
                .filter(information_request_items::request_id.eq_any(&open))
                .filter(information_request_items::status.eq("open"))
        )
        .set((
            information_request_items::status.eq("answered"),
            information_request_items::answered_at.eq(Some(at)),
            information_request_items::answer_comment.eq(comment),
        ))
        .execute(c)
        .await)?;
        dispatch!(conn, |c| diesel::update(
            information_requests::table.filter(information_requests::id.eq_any(&open))
        )
        .set(information_requests::closed_at.eq(Some(at)))
        .execute(c)
        .await)?;
        Ok(answered)
    }
}

impl RequestItem {
    /// An item of one of the case's requests (an id of another case's item finds nothing).
    pub async fn find_in_case(
        conn: &mut Conn,
        case_id: i64,
        item_id: i64,
    ) -> QueryResult<Option<RequestItem>> {
        dispatch!(conn, |c| information_request_items::table
            .inner_join(information_requests::table)
            .filter(information_requests::case_id.eq(case_id))
            .filter(information_request_items::id.eq(item_id))
            .select(RequestItem::as_select())
            .first(c)
            .await
            .optional())
    }

    /// The case an item belongs to.
    pub async fn case_of(conn: &mut Conn, item_id: i64) -> QueryResult<Option<i64>> {
        dispatch!(conn, |c| information_request_items::table
            .inner_join(information_requests::table)
            .filter(information_request_items::id.eq(item_id))
            .select(information_requests::case_id)
            .first(c)
            .await
            .optional())
    }

    /// Marks one open item answered; `false` when it was no longer open (answered meanwhile).
    pub async fn mark_answered(
        conn: &mut Conn,
        item_id: i64,
        comment: Option<&str>,
        at: NaiveDateTime,
    ) -> QueryResult<bool> {
        let changed = dispatch!(conn, |c| diesel::update(
            information_request_items::table
                .filter(information_request_items::id.eq(item_id))
                .filter(information_request_items::status.eq("open"))
        )
        .set((
            information_request_items::status.eq("answered"),
            information_request_items::answered_at.eq(Some(at)),
            information_request_items::answer_comment.eq(comment),
        ))
        .execute(c)
        .await)?;
        Ok(changed == 1)
    }

    /// How many items of the case's open requests are still open.
    pub async fn open_count(conn: &mut Conn, case_id: i64) -> QueryResult<i64> {
        dispatch!(conn, |c| information_request_items::table
            .inner_join(information_requests::table)
            .filter(information_requests::case_id.eq(case_id))
            .filter(information_requests::closed_at.is_null())
            .filter(information_request_items::status.eq("open"))
            .count()
            .get_result(c)
            .await)
    }

    /// Whether the applicant still has to deliver this.
    /// Open items whose deadline falls between `from` and `until` (both included), with their
    /// request; ordered by case, request and deadline (the reminders group them so).
    pub async fn open_due_between(
        conn: &mut Conn,
        from: NaiveDate,
        until: NaiveDate,
    ) -> QueryResult<Vec<(RequestItem, InformationRequest)>> {
        dispatch!(conn, |c| information_request_items::table
            .inner_join(information_requests::table)
            .filter(information_request_items::status.eq("open"))
            .filter(information_request_items::deadline.between(from, until))
            .order((
                information_requests::case_id,
                information_requests::id,
                information_request_items::deadline,
                information_request_items::position
            ))
            .select((RequestItem::as_select(), InformationRequest::as_select()))
            .load(c)
            .await)
    }

    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}
