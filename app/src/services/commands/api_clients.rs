//! The integration API's machine clients: registering one (its token is given out once and only
//! its SHA-256 is kept) and revoking one. Recognising a token is
//! `server::api::clients::authenticate`, which hashes with [`token_hash`].
//!
//! A token is `sgs_{client id}_{64 hex digits}`: the id finds the row, the stored SHA-256 of the
//! whole token checks it. The random part carries 256 bits, so a fast hash is enough.

use crate::db::api_clients::ApiClient;
use crate::db::authorities::Authority;
use crate::db::webhooks::WebhookEndpoint;
use crate::db::{Conn, DbError};
use crate::in_transaction;
use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

/// Why a client was not registered.
#[derive(Debug, thiserror::Error)]
pub enum ClientNotCreated {
    #[error("the client needs a name")]
    NameRequired,
    #[error("no authority with code {0}")]
    UnknownAuthority(i32),
    #[error(transparent)]
    Database(#[from] DbError),
}

/// The SHA-256 of a token, as stored, in lower-case hex.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Registers a client of an authority and returns it with its token (which is not stored).
pub async fn create_client(
    conn: &mut Conn,
    authority: i32,
    name: &str,
    now: NaiveDateTime,
) -> Result<(ApiClient, String), ClientNotCreated> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ClientNotCreated::NameRequired);
    }
    if Authority::find(conn, authority).await?.is_none() {
        return Err(ClientNotCreated::UnknownAuthority(authority));
    }
    let client = ApiClient::create(conn, authority, name, now).await?;
    let secret: [u8; 32] = rand::random();
    let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let token = format!("sgs_{}_{hex}", client.id);
    ApiClient::set_secret_hash(conn, client.id, &token_hash(&token)).await?;
    tracing::info!(client_id = client.id, authority, "API client created");
    Ok((client, token))
}

/// Revokes a client and removes its webhook receivers, in one transaction: from then on its
/// token opens nothing and nothing more is posted to it. `None` when there was no active client;
/// else how many receivers were removed.
pub async fn revoke_client(
    conn: &mut Conn,
    id: i64,
    now: NaiveDateTime,
) -> Result<Option<usize>, DbError> {
    in_transaction!(conn, {
        if !ApiClient::revoke(conn, id, now).await? {
            return Ok(None);
        }
        let receivers = WebhookEndpoint::active_for_client(conn, id).await?;
        for receiver in &receivers {
            WebhookEndpoint::remove(conn, receiver.id, now).await?;
        }
        Ok(Some(receivers.len()))
    })
}
