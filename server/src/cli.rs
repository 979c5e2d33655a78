//! The command line and its configuration, read from flags or environment variables.

use anyhow::Context as _;
use app::authorization::RunMode;
use app::db::Database;
use app::state::AppState;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Sagsspor: track-and-trace for applications to Danish authorities.
#[derive(Debug, clap::Parser)]
#[command(name = "sagsspor", version)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Command,
}

/// Settings shared by every command.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(
        long,
        env = "SAGSSPOR_LISTEN",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub listen: SocketAddr,
    /// Folder for the embedded database and stored documents.
    #[arg(
        long,
        env = "SAGSSPOR_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// `postgres://…` for PostgreSQL; unset means SQLite in the data folder.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// `text` (default) or `json`.
    #[arg(
        long,
        env = "SAGSSPOR_LOG_FORMAT",
        default_value = "text",
        global = true
    )]
    pub log_format: String,
}

/// What to do.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Serve Sagsspor (production mode).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Serve Sagsspor with a made-up demo data set (seeded on first start).
    Demo {
        /// Also generate this many synthetic cases across all municipalities.
        #[arg(long, default_value_t = 0)]
        cases: u64,
    },
    /// Fill the database with synthetic cases across all 98 municipalities, then exit.
    Generate {
        /// How many cases.
        #[arg(long)]
        cases: u64,
        /// Seed of the random generator, for repeatable data sets.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// Runs the chosen command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = cli.config;
    // An empty DATABASE_URL means the same as an unset one: the embedded default.
    config.database_url = config.database_url.filter(|url| !url.trim().is_empty());
    let db = Database::open(config.database_url.as_deref(), &config.data_dir)
        .context("opening the database")?;
    match cli.command {
        Command::Migrate => {
            let applied = db.migrate().await.context("migrating")?;
            tracing::info!(applied, "migrations applied");
            Ok(())
        }
        Command::Serve => {
            // Production never migrates implicitly: `sagsspor migrate` is a deliberate step,
            // except on the embedded default where there is nobody else to run it.
            if config.database_url.is_none() {
                db.migrate()
                    .await
                    .context("migrating the embedded database")?;
            }
            let state = AppState {
                db,
                mode: RunMode::Serve,
            };
            crate::http::serve(config.listen, state, Vec::new()).await
        }
        Command::Demo { cases } => {
            db.migrate().await.context("migrating")?;
            let links = crate::demo::seed_if_empty(&db)
                .await
                .context("seeding the demo data")?;
            if cases > 0 {
                crate::generate::generate(&db, cases, 1)
                    .await
                    .context("generating cases")?;
            }
            let state = AppState {
                db,
                mode: RunMode::Demo,
            };
            crate::http::serve(config.listen, state, links).await
        }
        Command::Generate { cases, seed } => {
            db.migrate().await.context("migrating")?;
            crate::generate::generate(&db, cases, seed)
                .await
                .context("generating cases")?;
            Ok(())
        }
    }
}
