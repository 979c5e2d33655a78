//! The outbox worker: takes due messages from the outbox under a lease, renders and sends them —
//! e-mail over SMTP, SMS through an HTTP gateway, webhooks to a company's receivers — and records what happened. A message that
//! cannot go out now is tried again later with exponential backoff; one the receiver refuses, or
//! that has been tried too often, is marked failed (caseworkers see it on the case).
//!
//! Without an SMTP server or SMS gateway configured (the embedded default), e-mail is written as
//! `.eml` files and SMS as lines of `sms.log` in the outbox folder, through the same path.

use crate::workers::shutdown::Shutdown;
use crate::workers::webhooks::ReceiverScope;
use app::db::outbox::OutboxMessage;
use app::db::webhooks::{endpoint_id_of, WebhookEndpoint, WEBHOOK_CHANNEL};
use app::db::Database;
use app::domain::local_time::copenhagen_date;
use app::i18n::Locale;
use app::services::notifications::{self, Channel, Payload, Rendered, Topic};
use chrono::{NaiveDateTime, TimeDelta};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use openidconnect::reqwest;
use sha2::{Digest, Sha256};
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

/// How e-mail leaves.
#[derive(Clone)]
pub enum MailTransport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Each message as an `.eml` file in this folder.
    Files(PathBuf),
}

/// How SMS leave.
#[derive(Clone)]
pub enum SmsTransport {
    Gateway {
        url: String,
        token: Option<String>,
        sender: String,
        client: reqwest::Client,
    },
    /// Each message as a JSON line of this file.
    Log(PathBuf),
}

/// Everything needed to turn an outbox row into a message on its way.
#[derive(Clone)]
pub struct Delivery {
    pub mail: MailTransport,
    pub mail_from: Mailbox,
    pub sms: SmsTransport,
    /// The address links in messages point to.
    pub public_url: String,
    /// Where companies' webhook receivers may be.
    pub webhook_receivers: ReceiverScope,
}

/// Why a message did not go out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth trying again (server down, timeout, 4xx SMTP reply, 5xx or 429 from the gateway).
    Transient(String),
    /// Trying again cannot help (address refused, bad request).
    Permanent(String),
}

/// Reads an SMTP URL: `smtp://host:25` (plain), `smtp://user:pass@host:587?tls=starttls`
/// (STARTTLS required), `smtps://user:pass@host:465` (TLS from the start).
pub fn smtp_transport(
    url: &str,
    from: &Mailbox,
) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    // lettre calls required STARTTLS `tls=required`; the configuration speaks of `starttls`.
    let lettre_url = url.replace("tls=starttls", "tls=required");
    let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url)
        .map_err(|e| anyhow::anyhow!("SAGSSPOR_SMTP_URL is not a usable SMTP URL: {e}"))?;
    let hello =
        lettre::transport::smtp::extension::ClientId::Domain(from.email.domain().to_string());
    Ok(builder
        .hello_name(hello)
        .timeout(Some(Duration::from_secs(20)))
        .build())
}

/// The de-duplication key travels in every e-mail, so a receiver (or a test) can tell a repeat.
#[derive(Debug, Clone)]
struct DedupKeyHeader(String);

impl Header for DedupKeyHeader {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Sagsspor-Dedup-Key")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(DedupKeyHeader(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// The Message-ID of a message: the same for every attempt of the same message.
pub fn message_id(dedup_key: &str, from: &Mailbox) -> String {
    let digest = Sha256::digest(dedup_key.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("<{hex}@{}>", from.email.domain())
}

impl Delivery {
    /// The message an outbox row stands for, in its reader's language.
    pub fn render(&self, message: &OutboxMessage) -> Result<Rendered, SendError> {
        let topic = Topic::parse(&message.topic)
            .ok_or_else(|| SendError::Permanent(format!("unknown topic {}", message.topic)))?;
        let payload: Payload = serde_json::from_str(&message.payload)
            .map_err(|e| SendError::Permanent(format!("unreadable payload: {e}")))?;
        let locale = Locale::parse(&message.language).unwrap_or_default();
        Ok(notifications::render(
            topic,
            locale,
            &payload,
            &self.public_url,
        ))
    }

    /// Sends one message once.
    pub async fn send(&self, message: &OutboxMessage) -> Result<(), SendError> {
        let rendered = self.render(message)?;
        match Channel::parse(&message.channel) {
            Some(Channel::Email) => self.send_email(message, &rendered).await,
            Some(Channel::Sms) => self.send_sms(message, &rendered).await,
            None => Err(SendError::Permanent(format!(
                "unknown channel {}",
                message.channel
            ))),
        }
    }

    /// The e-mail of an outbox row: plain text and HTML, Message-ID from the de-duplication key.
    pub fn email(
        &self,
        message: &OutboxMessage,
        rendered: &Rendered,
    ) -> Result<Message, SendError> {
        let to: Mailbox = message.recipient.parse().map_err(|e| {
            SendError::Permanent(format!("invalid address {}: {e}", message.recipient))
        })?;
        Message::builder()
            .from(self.mail_from.clone())
            .to(to)
            .subject(rendered.subject.clone())
            .message_id(Some(message_id(&message.dedup_key, &self.mail_from)))
            .header(DedupKeyHeader(message.dedup_key.clone()))
            .multipart(MultiPart::alternative_plain_html(
                rendered.text.clone(),
                rendered.html.clone(),
            ))
            .map_err(|e| SendError::Permanent(format!("could not build the e-mail: {e}")))
    }

    async fn send_email(
        &self,
        message: &OutboxMessage,
        rendered: &Rendered,
    ) -> Result<(), SendError> {
        let email = self.email(message, rendered)?;
        match &self.mail {
            MailTransport::Smtp(transport) => match transport.send(email).await {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() && !is_authentication_refusal(&e) => {
                    Err(SendError::Permanent(e.to_string()))
                }
                Err(e) => Err(SendError::Transient(e.to_string())),
            },
            MailTransport::Files(dir) => {
                let name = format!(
                    "{}-{:06}.eml",
                    message.created_at.format("%Y%m%dT%H%M%S"),
                    message.id
                );
                write_file(dir, &name, &email.formatted())
                    .map_err(|e| SendError::Transient(format!("could not write {name}: {e}")))
            }
        }
    }

    async fn send_sms(
        &self,
        message: &OutboxMessage,
        rendered: &Rendered,
    ) -> Result<(), SendError> {
        match &self.sms {
            SmsTransport::Gateway {
                url,
                token,
                sender,
                client,
            } => {
                let body = serde_json::json!({
                    "to": message.recipient,
                    "from": sender,
                    "text": rendered.sms,
                });
                let mut request = client
                    .post(url)
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", message.dedup_key.as_str())
                    .body(body.to_string());
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                let response = request
                    .send()
                    .await
                    .map_err(|e| SendError::Transient(format!("SMS gateway unreachable: {e}")))?;
                let status = response.status();
                if status.is_success() {
                    Ok(())
                } else if status.is_server_error()
                    || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                    || status == reqwest::StatusCode::REQUEST_TIMEOUT
                {
                    Err(SendError::Transient(format!(
                        "SMS gateway answered {status}"
                    )))
                } else {
                    Err(SendError::Permanent(format!(
                        "SMS gateway refused: {status}"
                    )))
                }
            }
            SmsTransport::Log(path) => {
                let line = serde_json::json!({
                    "dedup_key": message.dedup_key,
                    "to": message.recipient,
                    "text": rendered.sms,
                });
                append_line(path, &line.to_string())
                    .map_err(|e| SendError::Transient(format!("could not write the SMS log: {e}")))
            }
        }
    }
}

/// A 53x reply (authentication required or refused) is this server's configuration, not the
/// message's fault: the message waits until an operator fixes the credentials.
fn is_authentication_refusal(error: &lettre::transport::smtp::Error) -> bool {
    error
        .status()
        .is_some_and(|code| code.to_string().starts_with("53"))
}

fn write_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // Written under a temporary name and renamed, so a reader never sees half a message.
    let temporary = dir.join(format!(".{name}.tmp"));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, dir.join(name))
}

fn append_line(path: &std::path::Path, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    writeln!(file, "{line}")
}

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Names this worker's leases (host and process, so two instances differ).
    pub worker_id: String,
    /// How long a taken message is this worker's; a worker that dies loses it after this.
    pub lease: TimeDelta,
    /// How many messages one round takes.
    pub batch: i64,
    /// The first retry waits this long; each next one twice as long, up to `backoff_cap`.
    pub backoff_base: TimeDelta,
    pub backoff_cap: TimeDelta,
    /// After this many attempts a message is marked failed.
    pub max_attempts: i32,
    /// How often the worker looks for due messages.
    pub poll: Duration,
    /// Reminders go this many days before an item's deadline.
    pub reminder_days: i64,
    /// How often the worker looks for deadlines to remind of.
    pub reminder_every: Duration,
    /// The longest one message may take to send; a server that stalls longer is tried again
    /// later (kept well below `lease`, so a stalled send never outlives the lease).
    pub send_timeout: Duration,
    /// How long a message being sent when the process is asked to stop may still take; cut
    /// off after that, it is tried again later (by any instance).
    pub shutdown_grace: Duration,
}

impl WorkerSettings {
    /// The production pacing, named after this process.
    pub fn new(reminder_days: i64) -> WorkerSettings {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "sagsspor".to_string());
        WorkerSettings {
            worker_id: format!("{host}:{}", std::process::id()),
            lease: TimeDelta::minutes(5),
            batch: 10,
            backoff_base: TimeDelta::seconds(30),
            backoff_cap: TimeDelta::hours(1),
            max_attempts: 24,
            poll: Duration::from_secs(2),
            reminder_days,
            reminder_every: Duration::from_secs(600),
            send_timeout: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(10),
        }
    }

    /// The wait before the next try, after `attempts` tries.
    pub fn backoff(&self, attempts: i32) -> TimeDelta {
        let exponent = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        let factor = 2_i32.checked_pow(exponent).unwrap_or(i32::MAX);
        self.backoff_base
            .checked_mul(factor)
            .map_or(self.backoff_cap, |delay| delay.min(self.backoff_cap))
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl Round {
    pub fn taken(&self) -> usize {
        self.sent + self.retried + self.failed
    }
}

/// Takes one batch of due messages and sends them. `now` is the time the round runs at.
pub async fn deliver_batch(
    db: &Database,
    delivery: &Delivery,
    settings: &WorkerSettings,
    now: NaiveDateTime,
) -> anyhow::Result<Round> {
    deliver_batch_until(db, delivery, settings, now, &Shutdown::never()).await
}

/// [`deliver_batch`] that stops when `shutdown` fires: the message being sent may finish within
/// [`WorkerSettings::shutdown_grace`], and the messages of the batch not yet begun are given back
/// at once (lease and attempt), so another instance takes them without waiting out the lease.
pub async fn deliver_batch_until(
    db: &Database,
    delivery: &Delivery,
    settings: &WorkerSettings,
    now: NaiveDateTime,
    shutdown: &Shutdown,
) -> anyhow::Result<Round> {
    if shutdown.is_requested() {
        return Ok(Round::default());
    }
    let mut conn = db.conn().await?;
    let taken = OutboxMessage::claim_due(
        &mut conn,
        &settings.worker_id,
        now,
        now + settings.lease,
        settings.batch,
    )
    .await?;
    let mut round = Round::default();
    let mut taken = taken.into_iter();
    while let Some(message) = taken.next() {
        if shutdown.is_requested() {
            let rest: Vec<i64> = std::iter::once(message.id)
                .chain(taken.map(|m| m.id))
                .collect();
            let released = OutboxMessage::release(&mut conn, &rest, &settings.worker_id).await?;
            tracing::info!(released, "stopping: leased messages given back");
            break;
        }
        let send = async {
            if message.channel == WEBHOOK_CHANNEL {
                // The receiver's address and secret are read now: a receiver removed since the
                // event gets nothing.
                let endpoint = match endpoint_id_of(&message.recipient) {
                    Some(id) => WebhookEndpoint::find(&mut conn, id)
                        .await
                        .map_err(|e| SendError::Transient(format!("database: {e}")))?,
                    None => None,
                };
                let timestamp = app::state::now_utc().and_utc().timestamp();
                crate::workers::webhooks::deliver(
                    &message,
                    endpoint.as_ref(),
                    timestamp,
                    delivery.webhook_receivers,
                )
                .await
            } else {
                delivery.send(&message).await
            }
        };
        let cut_off_at_shutdown = async {
            shutdown.requested().await;
            tokio::time::sleep(settings.shutdown_grace).await;
        };
        let sent = tokio::select! {
            sent = tokio::time::timeout(settings.send_timeout, send) => {
                sent.unwrap_or_else(|_| {
                    Err(SendError::Transient(format!(
                        "the receiver did not answer within {} s",
                        settings.send_timeout.as_secs_f32()
                    )))
                })
            }
            () = cut_off_at_shutdown => Err(SendError::Transient(
                "cut off: the process stopped while sending".to_string(),
            )),
        };
        match sent {
            Ok(()) => {
                OutboxMessage::mark_sent(&mut conn, message.id, app::state::now_utc().max(now))
                    .await?;
                round.sent += 1;
            }
            Err(SendError::Transient(error)) if message.attempts < settings.max_attempts => {
                let next = now + settings.backoff(message.attempts);
                tracing::warn!(id = message.id, attempts = message.attempts, %error, "message not sent; will retry");
                OutboxMessage::schedule_retry(&mut conn, message.id, next, &error).await?;
                round.retried += 1;
            }
            Err(SendError::Transient(error) | SendError::Permanent(error)) => {
                tracing::error!(id = message.id, attempts = message.attempts, %error, "message failed for good");
                OutboxMessage::mark_failed(&mut conn, message.id, &error).await?;
                round.failed += 1;
            }
        }
    }
    Ok(round)
}

/// Sends batches until nothing is due at `now`.
pub async fn deliver_due(
    db: &Database,
    delivery: &Delivery,
    settings: &WorkerSettings,
    now: NaiveDateTime,
) -> anyhow::Result<Round> {
    deliver_due_until(db, delivery, settings, now, &Shutdown::never()).await
}

/// [`deliver_due`] that stops as [`deliver_batch_until`] does when `shutdown` fires.
pub async fn deliver_due_until(
    db: &Database,
    delivery: &Delivery,
    settings: &WorkerSettings,
    now: NaiveDateTime,
    shutdown: &Shutdown,
) -> anyhow::Result<Round> {
    let mut total = Round::default();
    loop {
        let round = deliver_batch_until(db, delivery, settings, now, shutdown).await?;
        total.sent += round.sent;
        total.retried += round.retried;
        total.failed += round.failed;
        if round.taken() == 0 {
            return Ok(total);
        }
    }
}

/// Writes the reminders due today (Danish date).
pub async fn remind(
    db: &Database,
    settings: &WorkerSettings,
    now: NaiveDateTime,
) -> anyhow::Result<usize> {
    let mut conn = db.conn().await?;
    let today = copenhagen_date(now);
    Ok(
        notifications::enqueue_deadline_reminders(&mut conn, today, settings.reminder_days, now)
            .await?,
    )
}

/// Runs the worker until `shutdown` fires: due messages every `poll`, reminders every
/// `reminder_every`. Errors (the database briefly away) are logged and the loop goes on. On
/// shutdown the task finishes the message in flight, gives back the rest of its lease and ends.
pub fn spawn(
    db: Database,
    delivery: Delivery,
    settings: WorkerSettings,
    shutdown: Shutdown,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut poll = tokio::time::interval(settings.poll);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut reminders = tokio::time::interval(settings.reminder_every);
        reminders.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            if shutdown.is_requested() {
                tracing::info!("outbox worker stopped");
                return;
            }
            tokio::select! {
                () = shutdown.requested() => {}
                _ = poll.tick() => {
                    let now = app::state::now_utc();
                    if let Err(error) = deliver_due_until(&db, &delivery, &settings, now, &shutdown).await {
                        tracing::warn!(%error, "outbox round failed");
                    }
                }
                _ = reminders.tick() => {
                    match remind(&db, &settings, app::state::now_utc()).await {
                        Ok(0) => {}
                        Ok(written) => tracing::info!(written, "deadline reminders written"),
                        Err(error) => tracing::warn!(%error, "reminder round failed"),
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from() -> Mailbox {
        Mailbox::new(
            None,
            lettre::Address::new("noreply", "sagsspor.example.dk")
                .unwrap_or_else(|_| unreachable!()),
        )
    }

    // With pooling, building a transport starts its pool's task: it needs the runtime.
    #[tokio::test]
    async fn every_documented_smtp_url_form_is_understood() {
        for url in [
            "smtp://localhost:25",
            "smtp://user:pass@mail.example.dk:587?tls=starttls",
            "smtps://user:pass@mail.example.dk:465",
            "smtp://user:p%40ss@mail.example.dk:587?tls=required",
        ] {
            assert!(smtp_transport(url, &from()).is_ok(), "{url}");
        }
        for url in ["", "http://mail.example.dk", "smtp://"] {
            assert!(smtp_transport(url, &from()).is_err(), "{url}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let settings = WorkerSettings::new(3);
        let waits: Vec<i64> = (1..=9).map(|n| settings.backoff(n).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(settings.backoff(1000).num_seconds(), 3600);
    }

    #[test]
    fn the_message_id_is_the_same_for_every_attempt_and_differs_between_messages() {
        let a = message_id("event:1:email:a@example.dk", &from());
        assert_eq!(a, message_id("event:1:email:a@example.dk", &from()));
        assert_ne!(a, message_id("event:1:email:b@example.dk", &from()));
        assert!(a.starts_with('<') && a.ends_with("@sagsspor.example.dk>"));
    }
}
