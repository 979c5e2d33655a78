//! The integration API's machine clients: `sagsspor client create|list|revoke` (the use cases
//! are `app::services::commands::api_clients`), and recognising a bearer token: the id in the
//! token finds the row, the stored SHA-256 of the whole token checks it, and the comparison
//! takes the same time wherever the hashes differ.

use anyhow::Context as _;
use app::db::api_clients::ApiClient;
use app::db::{Conn, Database, DbError};
use app::services::commands::api_clients::{create_client, revoke_client, token_hash};
use app::state::now_utc;

/// The subcommands of `sagsspor client`.
#[derive(Debug, clap::Subcommand)]
pub enum ClientCommand {
    /// Registers a client for one authority's case system and prints its secret token once.
    Create {
        /// The authority's code (e.g. 851 for Aalborg).
        #[arg(long)]
        authority: i32,
        /// A name that says which system this is, e.g. "Aalborg ESDH (produktion)".
        #[arg(long)]
        name: String,
    },
    /// Lists every client (never their secrets).
    List,
    /// Revokes a client: its token stops working at once, and its webhook receivers get nothing
    /// more.
    Revoke {
        /// The client's id, as `client list` shows it.
        id: i64,
    },
}

/// Runs a `sagsspor client …` command, printing its result.
pub async fn run(db: &Database, command: ClientCommand) -> anyhow::Result<()> {
    let mut conn = db.conn().await.context("connecting to the database")?;
    match command {
        ClientCommand::Create { authority, name } => {
            let (client, token) = create(&mut conn, authority, &name).await?;
            println!(
                "Client {} for authority {} ({}) created.",
                client.id, client.authority_code, client.name
            );
            println!("Its token, shown only now — give it to the case system as a bearer token:");
            println!("{token}");
        }
        ClientCommand::List => {
            let clients = ApiClient::all(&mut conn).await?;
            if clients.is_empty() {
                println!("No clients.");
            }
            for c in clients {
                let status = match c.revoked_at {
                    Some(at) => format!("revoked {at}"),
                    None => "active".to_string(),
                };
                let last = c
                    .last_used_at
                    .map_or_else(|| "never used".to_string(), |at| format!("last used {at}"));
                println!(
                    "{}\tauthority {}\t{}\t{status}\tcreated {}\t{last}",
                    c.id, c.authority_code, c.name, c.created_at
                );
            }
        }
        ClientCommand::Revoke { id } => match revoke(&mut conn, id).await? {
            Some(receivers) => {
                println!("Client {id} revoked; {receivers} webhook receiver(s) removed.")
            }
            None => anyhow::bail!("no active client with id {id}"),
        },
    }
    Ok(())
}

/// Revokes a client and removes its webhook receivers
/// ([`app::services::commands::api_clients::revoke_client`]).
pub async fn revoke(conn: &mut Conn, id: i64) -> Result<Option<usize>, DbError> {
    revoke_client(conn, id, now_utc()).await
}

/// Registers a client and returns it with its token
/// ([`app::services::commands::api_clients::create_client`]).
pub async fn create(
    conn: &mut Conn,
    authority: i32,
    name: &str,
) -> anyhow::Result<(ApiClient, String)> {
    Ok(create_client(conn, authority, name, now_utc()).await?)
}

/// The active client a bearer token belongs to, or `None` for an unknown, malformed or revoked
/// token.
pub async fn authenticate(conn: &mut Conn, token: &str) -> Result<Option<ApiClient>, DbError> {
    let Some(id) = token
        .strip_prefix("sgs_")
        .and_then(|rest| rest.split_once('_'))
        .and_then(|(id, _)| id.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    let Some(client) = ApiClient::find(conn, id).await? else {
        return Ok(None);
    };
    let matches = constant_time_eq(
        token_hash(token).as_bytes(),
        client.secret_sha256.as_bytes(),
    );
    Ok((matches && client.revoked_at.is_none()).then_some(client))
}

/// Compares without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_when_every_byte_is() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
