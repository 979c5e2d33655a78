//! The server: listens until SIGTERM or Ctrl-C, then finishes the requests in flight.

use super::{router_with, HttpConfig};
use app::state::AppState;
use std::net::SocketAddr;

/// Serves until SIGTERM or Ctrl-C, then finishes the requests in flight.
pub async fn serve(
    listen: SocketAddr,
    state: AppState,
    config: HttpConfig,
    demo_links: Vec<String>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let address = listener.local_addr()?;
    tracing::info!(%address, mode = ?state.mode, "Sagsspor is listening");
    println!("Sagsspor kører på http://{address}/");
    for line in &demo_links {
        // "label  /path" → "label  http://address/path"
        match line.rsplit_once(' ') {
            Some((label, path)) => println!("  {label} http://{address}{path}"),
            None => println!("  {line}"),
        }
    }
    crate::workers::cleanup::spawn_hourly_cleanup(state.db.clone(), state.documents.clone());
    axum::serve(listener, router_with(state, config))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    crate::workers::shutdown::terminated().await;
    tracing::info!("shutting down: finishing requests in flight");
}
