//! A company's webhook receivers (`webhook_endpoints`): the addresses every event the applicant
//! may see on a case of the CVR is POSTed to, and the deliveries the outbox made to them.

use crate::db::outbox::OutboxMessage;
use crate::db::schema::{outbox_messages, webhook_endpoints};
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// The most receivers one CVR may have at a time.
pub const MAX_ENDPOINTS_PER_CVR: i64 = 10;

/// The outbox channel of webhook deliveries.
pub const WEBHOOK_CHANNEL: &str = "webhook";

/// A registered receiver.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct WebhookEndpoint {
    pub id: i64,
    pub cvr: String,
    pub url: String,
    /// `whsec_` + base64 of the key bytes (Standard Webhooks).
    pub secret: String,
    pub created_by_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub removed_at: Option<NaiveDateTime>,
}

/// A receiver to register.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub struct NewWebhookEndpoint<'a> {
    pub cvr: &'a str,
    pub url: &'a str,
    pub secret: &'a str,
    pub created_by_user_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl WebhookEndpoint {
    /// Registers a receiver.
    pub async fn create(
        conn: &mut Conn,
        new: &NewWebhookEndpoint<'_>,
    ) -> QueryResult<WebhookEndpoint> {
        dispatch!(conn, |c| diesel::insert_into(webhook_endpoints::table)
            .values(new)
            .returning(WebhookEndpoint::as_returning())
            .get_result(c)
            .await)
    }

    /// Holds the CVR's receivers for the rest of the transaction, so two registrations at once
    /// cannot both pass the limit. PostgreSQL takes a transaction-scoped advisory lock on the CVR;
    /// SQLite's write transactions (`BEGIN IMMEDIATE`) already run one at a time.
    pub async fn lock_cvr(conn: &mut Conn, cvr: &str) -> QueryResult<()> {
        if let Conn::Postgres(c) = conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('webhooks:' || $1))")
                .bind::<diesel::sql_types::Text, _>(cvr)
                .execute(&mut **c)
                .await?;
        }
        Ok(())
    }

    /// The receivers of a CVR that are not removed, oldest first.
    pub async fn active_for_cvr(conn: &mut Conn, cvr: &str) -> QueryResult<Vec<WebhookEndpoint>> {
        dispatch!(conn, |c| webhook_endpoints::table
            .filter(webhook_endpoints::cvr.eq(cvr))
            .filter(webhook_endpoints::removed_at.is_null())
            .order(webhook_endpoints::id.asc())
            .select(WebhookEndpoint::as_select())
            .load(c)
            .await)
    }

    /// One receiver by id, removed or not.
    pub async fn find(conn: &mut Conn, id: i64) -> QueryResult<Option<WebhookEndpoint>> {
        dispatch!(conn, |c| webhook_endpoints::table
            .find(id)
            .select(WebhookEndpoint::as_select())
            .first(c)
            .await
            .optional())
    }

    /// Removes a receiver: nothing more is sent to it. Messages already waiting are failed, so
    /// the worker does not post to an address its owner took away. Returns whether it was active.
    pub async fn remove(conn: &mut Conn, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
        let removed = dispatch!(conn, |c| diesel::update(
            webhook_endpoints::table
                .find(id)
                .filter(webhook_endpoints::removed_at.is_null())
        )
        .set(webhook_endpoints::removed_at.eq(Some(at)))
        .execute(c)
        .await)?;
        let recipient = recipient_of(id);
        dispatch!(conn, |c| diesel::update(
            outbox_messages::table
                .filter(outbox_messages::channel.eq(WEBHOOK_CHANNEL))
                .filter(outbox_messages::recipient.eq(&recipient))
                .filter(outbox_messages::status.eq("pending"))
        )
        .set((
            outbox_messages::status.eq("failed"),
            outbox_messages::last_error.eq(Some("receiver removed")),
        ))
        .execute(c)
        .await)?;
        Ok(removed > 0)
    }

    /// The newest deliveries to this receiver, newest first.
    pub async fn deliveries(
        conn: &mut Conn,
        id: i64,
        limit: i64,
    ) -> QueryResult<Vec<OutboxMessage>> {
        let recipient = recipient_of(id);
        dispatch!(conn, |c| outbox_messages::table
            .filter(outbox_messages::channel.eq(WEBHOOK_CHANNEL))
            .filter(outbox_messages::recipient.eq(&recipient))
            .order(outbox_messages::id.desc())
            .limit(limit)
            .select(OutboxMessage::as_select())
            .load(c)
            .await)
    }
}

/// The outbox `recipient` of a delivery to this receiver: its id, so the URL and secret are read
/// at sending time (a removed receiver gets nothing) and the secret never sits in the outbox.
pub fn recipient_of(endpoint_id: i64) -> String {
    format!("webhook:{endpoint_id}")
}

/// The receiver id of an outbox `recipient` written by [`recipient_of`].
pub fn endpoint_id_of(recipient: &str) -> Option<i64> {
    recipient.strip_prefix("webhook:")?.parse().ok()
}
