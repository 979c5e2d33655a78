//! Webhook receivers (`webhook_endpoints`) and the deliveries the outbox made to them. A company's
//! receiver gets every event the applicant may see on a case of its CVR; an authority case
//! system's receiver (registered by its machine client) every event on its authority's cases.

use crate::db::outbox::OutboxMessage;
use crate::db::schema::{api_clients, outbox_messages, webhook_endpoints};
use crate::db::{Conn, QueryResult};
use crate::dispatch;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// The most receivers one CVR, or one machine client, may have at a time.
pub const MAX_ENDPOINTS_PER_CVR: i64 = 10;

/// The outbox channel of webhook deliveries.
pub const WEBHOOK_CHANNEL: &str = "webhook";

/// A registered receiver.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints, check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct WebhookEndpoint {
    pub id: i64,
    /// The company's CVR, for a company's receiver.
    pub cvr: Option<String>,
    /// The machine client that registered it, for an authority case system's receiver.
    pub api_client_id: Option<i64>,
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
    pub cvr: Option<&'a str>,
    pub api_client_id: Option<i64>,
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

    /// The receivers a machine client registered that are not removed, oldest first.
    pub async fn active_for_client(
        conn: &mut Conn,
        client_id: i64,
    ) -> QueryResult<Vec<WebhookEndpoint>> {
        dispatch!(conn, |c| webhook_endpoints::table
            .filter(webhook_endpoints::api_client_id.eq(client_id))
            .filter(webhook_endpoints::removed_at.is_null())
            .order(webhook_endpoints::id.asc())
            .select(WebhookEndpoint::as_select())
            .load(c)
            .await)
    }

    /// The receivers of an authority's case systems: not removed, of clients not revoked.
    pub async fn active_for_authority(
        conn: &mut Conn,
        authority_code: i32,
    ) -> QueryResult<Vec<WebhookEndpoint>> {
        dispatch!(conn, |c| webhook_endpoints::table
            .inner_join(api_clients::table)
            .filter(api_clients::authority_code.eq(authority_code))
            .filter(api_clients::revoked_at.is_null())
            .filter(webhook_endpoints::removed_at.is_null())
            .order(webhook_endpoints::id.asc())
            .select(WebhookEndpoint::as_select())
            .load(c)
            .await)
    }

    /// Holds a machine client's receivers for the rest of the transaction (as [`Self::lock_cvr`]).
    pub async fn lock_client(conn: &mut Conn, client_id: i64) -> QueryResult<()> {
        if let Conn::Postgres(c) = conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('webhooks:client:' || $1))")
                .bind::<diesel::sql_types::BigInt, _>(client_id)
                .execute(&mut **c)
                .await?;
        }
        Ok(())
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
