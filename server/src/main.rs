//! `sagsspor`: the Sagsspor server and its command line.

use clap::Parser as _;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = server::cli::Cli::parse();
    server::telemetry::init(&cli.config.log_format);
    server::cli::run(cli).await
}
