//! The command line and its configuration, read from flags or environment variables.

pub mod bench;
pub mod demo;
pub mod generate;

use crate::auth::oidc::{ClaimMapping, LoginKind, OidcProvider, ProviderSettings, DEFAULT_SCOPES};
use crate::http::HttpConfig;
use crate::workers::outbox::{
    smtp_transport, Delivery, MailTransport, SmsTransport, WorkerSettings,
};
use crate::workers::webhooks::ReceiverScope;
use anyhow::Context as _;
use app::authorization::RunMode;
use app::db::Database;
use app::services::document_store::{DocumentStore, StoreKind};
use app::state::AppState;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// The address users see, e.g. `https://sagsspor.example.dk` (default: `http://` + listen address).
    #[arg(long, env = "SAGSSPOR_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Minutes of inactivity after which a login session ends.
    #[arg(
        long,
        env = "SAGSSPOR_SESSION_IDLE_MINUTES",
        default_value_t = 60,
        global = true
    )]
    pub session_idle_minutes: i64,
    /// The largest file an applicant may upload, in megabytes.
    #[arg(
        long,
        env = "SAGSSPOR_MAX_UPLOAD_MB",
        default_value_t = 25,
        global = true
    )]
    pub max_upload_mb: u64,
    /// Where documents' bytes are kept: `files` (the data folder; this machine only) or
    /// `database` (chunks in the database, shared by every instance on it). Default: `files` on
    /// SQLite, `database` on PostgreSQL.
    #[arg(long, env = "SAGSSPOR_DOCUMENT_STORE", global = true)]
    pub document_store: Option<String>,
    /// Let companies' webhook receivers be on this machine (`localhost`, loopback; plain HTTP
    /// too). For development only: in production a receiver must be a public HTTPS address.
    /// The demo always allows it.
    #[arg(long, env = "SAGSSPOR_WEBHOOKS_ALLOW_LOCAL", global = true)]
    pub webhooks_allow_local: bool,
    #[command(flatten)]
    pub applicant_oidc: ApplicantOidc,
    #[command(flatten)]
    pub staff_oidc: StaffOidc,
    #[command(flatten)]
    pub notifications: NotificationConfig,
}

/// Where e-mail and SMS go. Unset: into `outbox/` in the data folder (the embedded default).
#[derive(Debug, Clone, clap::Args)]
pub struct NotificationConfig {
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=starttls` or `smtps://user:pass@host:465`.
    #[arg(long, env = "SAGSSPOR_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of e-mail, e.g. `Sagsspor <noreply@sagsspor.dk>`.
    #[arg(
        long,
        env = "SAGSSPOR_MAIL_FROM",
        default_value = "Sagsspor <noreply@sagsspor.localhost>",
        global = true
    )]
    pub mail_from: String,
    /// The SMS gateway's URL; it gets a JSON POST `{"to", "from", "text"}`.
    #[arg(long, env = "SAGSSPOR_SMS_GATEWAY_URL", global = true)]
    pub sms_gateway_url: Option<String>,
    /// Bearer token for the SMS gateway.
    #[arg(
        long,
        env = "SAGSSPOR_SMS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub sms_token: Option<String>,
    /// The sender name or number SMS show.
    #[arg(
        long,
        env = "SAGSSPOR_SMS_SENDER",
        default_value = "Sagsspor",
        global = true
    )]
    pub sms_sender: String,
    /// Days before an item's deadline the applicant is reminded.
    #[arg(
        long,
        env = "SAGSSPOR_REMINDER_DAYS",
        default_value_t = 3,
        global = true
    )]
    pub reminder_days: i64,
}

/// The applicants' OpenID provider (production: MitID / MitID Erhverv via NemLog-in or a broker).
#[derive(Debug, Clone, clap::Args)]
pub struct ApplicantOidc {
    /// Issuer URL, exactly as the provider states it.
    #[arg(long = "oidc-issuer", env = "SAGSSPOR_OIDC_ISSUER", global = true)]
    pub issuer: Option<String>,
    /// The client id registered at the provider.
    #[arg(
        long = "oidc-client-id",
        env = "SAGSSPOR_OIDC_CLIENT_ID",
        global = true
    )]
    pub client_id: Option<String>,
    /// The client secret registered at the provider.
    #[arg(
        long = "oidc-client-secret",
        env = "SAGSSPOR_OIDC_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub client_secret: Option<String>,
    /// The claim that carries a business login's CVR number.
    #[arg(
        long = "oidc-cvr-claim",
        env = "SAGSSPOR_OIDC_CVR_CLAIM",
        default_value = "https://data.gov.dk/model/core/eid/professional/cvr",
        global = true
    )]
    pub cvr_claim: String,
    /// The claim that carries the company's name.
    #[arg(
        long = "oidc-organisation-claim",
        env = "SAGSSPOR_OIDC_ORGANISATION_CLAIM",
        default_value = "https://data.gov.dk/model/core/eid/professional/orgName",
        global = true
    )]
    pub organisation_claim: String,
    /// The scopes to ask for, space-separated; a broker releases the CVR and organisation claims
    /// only for its own scope (e.g. `openid profile email nemlogin`).
    #[arg(
        long = "oidc-scopes",
        env = "SAGSSPOR_OIDC_SCOPES",
        default_value = DEFAULT_SCOPES,
        global = true
    )]
    pub scopes: String,
}

/// The staff's OpenID provider (the authority's own identity provider).
#[derive(Debug, Clone, clap::Args)]
pub struct StaffOidc {
    /// Issuer URL, exactly as the provider states it.
    #[arg(
        long = "staff-oidc-issuer",
        env = "SAGSSPOR_STAFF_OIDC_ISSUER",
        global = true
    )]
    pub staff_issuer: Option<String>,
    /// The client id registered at the provider.
    #[arg(
        long = "staff-oidc-client-id",
        env = "SAGSSPOR_STAFF_OIDC_CLIENT_ID",
        global = true
    )]
    pub staff_client_id: Option<String>,
    /// The client secret registered at the provider.
    #[arg(
        long = "staff-oidc-client-secret",
        env = "SAGSSPOR_STAFF_OIDC_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub staff_client_secret: Option<String>,
    /// A CVR claim is not used for staff; accepted so both providers configure alike.
    #[arg(
        long = "staff-oidc-cvr-claim",
        env = "SAGSSPOR_STAFF_OIDC_CVR_CLAIM",
        default_value = "cvr",
        global = true
    )]
    pub staff_cvr_claim: String,
    /// The claim with the authority's three-digit code.
    #[arg(
        long = "staff-oidc-authority-claim",
        env = "SAGSSPOR_STAFF_OIDC_AUTHORITY_CLAIM",
        default_value = "authority_code",
        global = true
    )]
    pub staff_authority_claim: String,
    /// The claim with the role; its value must be `caseworker`.
    #[arg(
        long = "staff-oidc-role-claim",
        env = "SAGSSPOR_STAFF_OIDC_ROLE_CLAIM",
        default_value = "role",
        global = true
    )]
    pub staff_role_claim: String,
    /// The scopes to ask for, space-separated; include the one that releases the authority and
    /// role claims if the provider has one.
    #[arg(
        long = "staff-oidc-scopes",
        env = "SAGSSPOR_STAFF_OIDC_SCOPES",
        default_value = DEFAULT_SCOPES,
        global = true
    )]
    pub staff_scopes: String,
}

impl Config {
    /// The HTTP configuration: public address, login providers, sessions.
    pub fn http(&self) -> anyhow::Result<HttpConfig> {
        let public_url =
            nonempty(&self.public_url).unwrap_or_else(|| format!("http://{}", self.listen));
        let mut config = HttpConfig::local(&public_url);
        config.sessions.idle_minutes = self.session_idle_minutes.max(1);
        config.webhook_receivers = self.webhook_receivers();
        let a = &self.applicant_oidc;
        if let (Some(issuer), Some(client_id), Some(client_secret)) = (
            nonempty(&a.issuer),
            nonempty(&a.client_id),
            nonempty(&a.client_secret),
        ) {
            let claims = ClaimMapping {
                cvr: a.cvr_claim.clone(),
                organisation: a.organisation_claim.clone(),
                authority: String::new(),
                role: String::new(),
            };
            let settings = ProviderSettings {
                issuer,
                client_id,
                client_secret,
                claims,
                scopes: a.scopes.clone(),
            };
            config.oidc.applicant = Some(Arc::new(OidcProvider::new(
                LoginKind::Applicant,
                settings,
                &public_url,
            )?));
        }
        let s = &self.staff_oidc;
        if let (Some(issuer), Some(client_id), Some(client_secret)) = (
            nonempty(&s.staff_issuer),
            nonempty(&s.staff_client_id),
            nonempty(&s.staff_client_secret),
        ) {
            let claims = ClaimMapping {
                cvr: s.staff_cvr_claim.clone(),
                organisation: String::new(),
                authority: s.staff_authority_claim.clone(),
                role: s.staff_role_claim.clone(),
            };
            let settings = ProviderSettings {
                issuer,
                client_id,
                client_secret,
                claims,
                scopes: s.staff_scopes.clone(),
            };
            config.oidc.staff = Some(Arc::new(OidcProvider::new(
                LoginKind::Staff,
                settings,
                &public_url,
            )?));
        }
        Ok(config)
    }
}

/// An option's value unless it is missing or blank.
fn nonempty(value: &Option<String>) -> Option<String> {
    value.clone().filter(|v| !v.trim().is_empty())
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
        /// Put every case at this authority (e.g. 851) instead of spreading them over all.
        #[arg(long)]
        authority: Option<i32>,
    },
    /// Measures the caseworker queue and the decision letters on the configured database and
    /// prints median and 99th percentile (a benchmark, not a test).
    Bench {
        /// The authority whose queue is measured.
        #[arg(long, default_value_t = 851)]
        authority: i32,
        /// How many queue requests and how many letters.
        #[arg(long, default_value_t = 1000)]
        requests: usize,
    },
    /// Machine clients of the integration API (/api/v1): create, list, revoke.
    Client {
        #[command(subcommand)]
        command: crate::api::clients::ClientCommand,
    },
}

impl Config {
    /// The document store, with the configured size limit: its uploads arrive in the data
    /// folder, and its bytes are kept where `SAGSSPOR_DOCUMENT_STORE` says.
    pub fn document_store(&self, backend: app::db::Backend) -> anyhow::Result<DocumentStore> {
        let kind = match self.document_store.as_deref().map(str::trim) {
            None | Some("") => default_store_kind(backend == app::db::Backend::Postgres),
            Some(name) => StoreKind::parse(name).with_context(|| {
                format!("SAGSSPOR_DOCUMENT_STORE must be `files` or `database`, not {name:?}")
            })?,
        };
        Ok(DocumentStore::new(
            self.data_dir.join("documents"),
            self.max_upload_mb.saturating_mul(1024 * 1024),
        )
        .with_kind(kind))
    }
}

/// PostgreSQL is what several instances share, so its documents go with it into the database
/// (and into its backups, committed with their rows); the embedded SQLite default keeps them
/// as files beside the database file.
fn default_store_kind(postgres: bool) -> StoreKind {
    if postgres {
        StoreKind::Database
    } else {
        StoreKind::Files
    }
}

impl Config {
    /// How messages leave this process: SMTP and the SMS gateway when configured, otherwise
    /// files in `outbox/` of the data folder.
    pub fn delivery(&self, public_url: &str) -> anyhow::Result<Delivery> {
        let n = &self.notifications;
        let mail_from: lettre::message::Mailbox = n
            .mail_from
            .parse()
            .with_context(|| format!("SAGSSPOR_MAIL_FROM is not an address: {}", n.mail_from))?;
        let outbox_dir = self.data_dir.join("outbox");
        let mail = match nonempty(&n.smtp_url) {
            Some(url) => MailTransport::Smtp(smtp_transport(&url, &mail_from)?),
            None => MailTransport::Files(outbox_dir.clone()),
        };
        let sms = match nonempty(&n.sms_gateway_url) {
            Some(url) => SmsTransport::Gateway {
                url,
                token: nonempty(&n.sms_token),
                sender: n.sms_sender.clone(),
                client: openidconnect::reqwest::Client::builder()
                    .timeout(std::time::Duration::from_secs(20))
                    .redirect(openidconnect::reqwest::redirect::Policy::none())
                    .build()
                    .context("building the SMS gateway's HTTP client")?,
            },
            None => SmsTransport::Log(outbox_dir.join("sms.log")),
        };
        Ok(Delivery {
            mail,
            mail_from,
            sms,
            public_url: public_url.to_string(),
            webhook_receivers: self.webhook_receivers(),
        })
    }

    /// Where companies' webhook receivers may be, as configured.
    fn webhook_receivers(&self) -> ReceiverScope {
        if self.webhooks_allow_local {
            ReceiverScope::AlsoThisMachine
        } else {
            ReceiverScope::PublicOnly
        }
    }

    /// Starts the outbox worker of this process; it stops when SIGTERM or Ctrl-C arrives (see
    /// [`OutboxWorker::stopped`]).
    fn start_outbox_worker(&self, db: &Database, public_url: &str) -> anyhow::Result<OutboxWorker> {
        let delivery = self.delivery(public_url)?;
        match &delivery.mail {
            MailTransport::Smtp(_) => tracing::info!("e-mail goes out over SMTP"),
            MailTransport::Files(dir) => {
                tracing::info!(folder = %dir.display(), "no SMTP server configured: e-mail is written as .eml files")
            }
        }
        let settings = WorkerSettings::new(self.notifications.reminder_days);
        let grace = settings.shutdown_grace;
        let (trigger, shutdown) = crate::workers::shutdown::channel();
        tokio::spawn(async move {
            crate::workers::shutdown::terminated().await;
            trigger.trigger();
        });
        let task = crate::workers::outbox::spawn(db.clone(), delivery, settings, shutdown);
        Ok(OutboxWorker { task, grace })
    }
}

/// The running outbox worker of this process.
struct OutboxWorker {
    task: tokio::task::JoinHandle<()>,
    grace: std::time::Duration,
}

impl OutboxWorker {
    /// Waits (a little longer than its grace period) for the worker to finish the message it is
    /// sending and give back the rest of its lease; it got the same signal as the HTTP server.
    async fn stopped(self) {
        let limit = self.grace + std::time::Duration::from_secs(2);
        if tokio::time::timeout(limit, self.task).await.is_err() {
            tracing::warn!("the outbox worker did not stop in time");
        }
    }
}

/// Runs the chosen command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = cli.config;
    // An empty DATABASE_URL means the same as an unset one: the embedded default.
    config.database_url = config.database_url.filter(|url| !url.trim().is_empty());
    // The demo runs on the developer's machine, and its receivers are too.
    if matches!(cli.command, Command::Demo { .. }) {
        config.webhooks_allow_local = true;
    }
    let db = Database::open(config.database_url.as_deref(), &config.data_dir)
        .context("opening the database")?;
    match cli.command {
        Command::Migrate => {
            let applied = db.migrate().await.context("migrating")?;
            tracing::info!(applied, "migrations applied");
            Ok(())
        }
        Command::Serve => {
            let http = config.http()?;
            // Production never migrates implicitly: `sagsspor migrate` is a deliberate step,
            // except on the embedded default where there is nobody else to run it.
            if config.database_url.is_none() {
                db.migrate()
                    .await
                    .context("migrating the embedded database")?;
            }
            let worker = config.start_outbox_worker(&db, &http.public_url)?;
            let state = AppState {
                applicant_oidc: http.oidc.applicant.is_some(),
                login_origins: http.oidc.origins(),
                documents: config.document_store(db.backend())?,
                ..AppState::new(db, RunMode::Serve)
            };
            crate::http::serve(config.listen, state, http, Vec::new()).await?;
            worker.stopped().await;
            Ok(())
        }
        Command::Demo { cases } => {
            let http = config.http()?;
            db.migrate().await.context("migrating")?;
            let documents = config.document_store(db.backend())?;
            let links = crate::cli::demo::seed_if_empty(&db, &documents, &http.public_url)
                .await
                .context("seeding the demo data")?;
            if cases > 0 {
                crate::cli::generate::generate(&db, cases, 1, None)
                    .await
                    .context("generating cases")?;
            }
            let worker = config.start_outbox_worker(&db, &http.public_url)?;
            let state = AppState {
                applicant_oidc: http.oidc.applicant.is_some(),
                login_origins: http.oidc.origins(),
                documents: config.document_store(db.backend())?,
                ..AppState::new(db, RunMode::Demo)
            };
            crate::http::serve(config.listen, state, http, links).await?;
            worker.stopped().await;
            Ok(())
        }
        Command::Bench {
            authority,
            requests,
        } => crate::cli::bench::run(&db, authority, requests).await,
        Command::Client { command } => {
            // On the embedded default there is nobody else to migrate; elsewhere `migrate` is a
            // deliberate step, as for `serve`.
            if config.database_url.is_none() {
                db.migrate().await.context("migrating")?;
            }
            crate::api::clients::run(&db, command).await
        }
        Command::Generate {
            cases,
            seed,
            authority,
        } => {
            db.migrate().await.context("migrating")?;
            crate::cli::generate::generate(&db, cases, seed, authority)
                .await
                .context("generating cases")?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::*;
    use clap::Parser as _;

    #[test]
    fn webhook_receivers_stay_public_unless_this_machine_is_allowed() {
        let production = Cli::try_parse_from(["sagsspor", "serve"]).expect("parses");
        assert_eq!(
            production.config.webhook_receivers(),
            ReceiverScope::PublicOnly
        );
        let development =
            Cli::try_parse_from(["sagsspor", "serve", "--webhooks-allow-local"]).expect("parses");
        assert_eq!(
            development.config.webhook_receivers(),
            ReceiverScope::AlsoThisMachine
        );
    }

    #[test]
    fn scopes_default_to_openid_profile_email_and_are_set_per_provider() {
        let default = Cli::try_parse_from(["sagsspor", "serve"]).expect("parses");
        assert_eq!(default.config.applicant_oidc.scopes, "openid profile email");
        assert_eq!(
            default.config.staff_oidc.staff_scopes,
            "openid profile email"
        );
        let set = Cli::try_parse_from([
            "sagsspor",
            "serve",
            "--oidc-scopes",
            "openid profile nemlogin",
            "--staff-oidc-scopes",
            "openid staff",
        ])
        .expect("parses");
        assert_eq!(set.config.applicant_oidc.scopes, "openid profile nemlogin");
        assert_eq!(set.config.staff_oidc.staff_scopes, "openid staff");
    }
}
