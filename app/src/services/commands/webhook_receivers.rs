//! Registering and removing webhook receivers: the addresses a company's (by CVR) or an
//! authority case system's (by machine client) events are posted to.
//!
//! The portal's settings page and `POST/DELETE /api/v1/webhooks` are two doors to the same use
//! case; the limit, the lock that keeps two registrations at once from both passing it, and the
//! removal that fails the receiver's waiting deliveries live here once. Who may act for which
//! owner is the policy's question (`authorization::may_manage_webhooks`, the API's client), asked
//! by the caller before; the address is checked by the caller too (it knows the process's scope
//! of allowed receivers).

use crate::db::webhooks::{NewWebhookEndpoint, WebhookEndpoint, MAX_ENDPOINTS_PER_CVR};
use crate::db::{Conn, DbError};
use crate::in_transaction;
use chrono::NaiveDateTime;

/// Whose receiver it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiverOwner<'a> {
    /// A company, for the cases of its CVR number.
    Company { cvr: &'a str },
    /// An authority's case system, by its machine client.
    CaseSystem { client_id: i64 },
}

impl ReceiverOwner<'_> {
    /// Whether the receiver is this owner's.
    pub fn owns(&self, endpoint: &WebhookEndpoint) -> bool {
        match *self {
            ReceiverOwner::Company { cvr } => endpoint.cvr.as_deref() == Some(cvr),
            ReceiverOwner::CaseSystem { client_id } => endpoint.api_client_id == Some(client_id),
        }
    }
}

/// A receiver to register.
#[derive(Debug, Clone, Copy)]
pub struct RegisterReceiver<'a> {
    pub owner: ReceiverOwner<'a>,
    /// The address, already checked against the process's allowed receivers.
    pub url: &'a str,
    /// The signing secret, shown to the owner once.
    pub secret: &'a str,
    /// The person who registered it (none for a case system).
    pub created_by_user_id: Option<i64>,
    pub at: NaiveDateTime,
}

/// Why a receiver was not registered or removed.
#[derive(Debug, thiserror::Error)]
pub enum ReceiverRefusal {
    /// The owner has [`MAX_ENDPOINTS_PER_CVR`] receivers already.
    #[error("the owner has {MAX_ENDPOINTS_PER_CVR} receivers already")]
    TooMany,
    /// No active receiver of this owner has the id (another owner's answers the same).
    #[error("no such receiver")]
    NotFound,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Registers a receiver in its own transaction.
pub async fn register(
    conn: &mut Conn,
    command: RegisterReceiver<'_>,
) -> Result<WebhookEndpoint, ReceiverRefusal> {
    in_transaction!(conn, { register_in_transaction(conn, command).await })
}

/// Registers a receiver in the transaction the caller has open (the API's idempotent write keeps
/// its answer in the same one). The owner's receivers are locked first, so two registrations at
/// once cannot both pass the limit.
pub async fn register_in_transaction(
    conn: &mut Conn,
    command: RegisterReceiver<'_>,
) -> Result<WebhookEndpoint, ReceiverRefusal> {
    let (cvr, api_client_id) = match command.owner {
        ReceiverOwner::Company { cvr } => {
            WebhookEndpoint::lock_cvr(conn, cvr).await?;
            (Some(cvr), None)
        }
        ReceiverOwner::CaseSystem { client_id } => {
            WebhookEndpoint::lock_client(conn, client_id).await?;
            (None, Some(client_id))
        }
    };
    let existing = match command.owner {
        ReceiverOwner::Company { cvr } => WebhookEndpoint::active_for_cvr(conn, cvr).await?,
        ReceiverOwner::CaseSystem { client_id } => {
            WebhookEndpoint::active_for_client(conn, client_id).await?
        }
    };
    if i64::try_from(existing.len()).unwrap_or(i64::MAX) >= MAX_ENDPOINTS_PER_CVR {
        return Err(ReceiverRefusal::TooMany);
    }
    let new = NewWebhookEndpoint {
        cvr,
        api_client_id,
        url: command.url,
        secret: command.secret,
        created_by_user_id: command.created_by_user_id,
        created_at: command.at,
    };
    Ok(WebhookEndpoint::create(conn, &new).await?)
}

/// Removes one of the owner's active receivers, and fails the deliveries still waiting for it,
/// in one transaction.
pub async fn remove(
    conn: &mut Conn,
    owner: ReceiverOwner<'_>,
    id: i64,
    at: NaiveDateTime,
) -> Result<(), ReceiverRefusal> {
    in_transaction!(conn, {
        let owned = WebhookEndpoint::find(conn, id)
            .await?
            .is_some_and(|endpoint| owner.owns(&endpoint) && endpoint.removed_at.is_none());
        if !owned || !WebhookEndpoint::remove(conn, id, at).await? {
            return Err(ReceiverRefusal::NotFound);
        }
        Ok(())
    })
}
