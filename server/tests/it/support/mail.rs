//! Real receivers for the notification tests: an SMTP server (aiosmtpd, in a child process) that
//! writes what it receives to a folder, and an HTTP endpoint standing in for the SMS gateway.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use lettre::message::Mailbox;
use server::workers::outbox::{
    smtp_transport, Delivery, MailTransport, SmsTransport, WorkerSettings,
};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Debian's Python, where `python3-aiosmtpd` is installed (another `python3` may come first on PATH).
const PYTHON: &str = "/usr/bin/python3";

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// An SMTP server on 127.0.0.1 that keeps every message it accepts.
pub struct SmtpSink {
    pub port: u16,
    folder: tempfile::TempDir,
    process: Option<Child>,
    /// `user:password` the server requires, if any.
    credentials: Option<String>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        SmtpSink::start_with(None)
    }

    /// A server that accepts mail only after AUTH with these credentials (`user:password`).
    pub fn start_with(credentials: Option<&str>) -> SmtpSink {
        let mut sink = SmtpSink {
            port: free_port(),
            folder: tempfile::tempdir().unwrap(),
            process: None,
            credentials: credentials.map(str::to_string),
        };
        sink.resume();
        sink
    }

    /// Starts (again) on the same port and folder.
    pub fn resume(&mut self) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/support/smtp_sink.py");
        let mut child = Command::new(PYTHON)
            .arg(script)
            .arg(self.port.to_string())
            .arg(self.folder.path())
            .args(self.credentials.iter())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (Debian package python3-aiosmtpd)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
        self.process = Some(child);
    }

    /// Stops the server: connections are refused until [`SmtpSink::resume`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, raw.
    pub fn messages(&self) -> Vec<String> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(self.folder.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        paths.sort();
        paths
            .into_iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A header's value in a raw message (first occurrence, unfolded).
pub fn header(message: &str, name: &str) -> Option<String> {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    let mut lines = message.lines().take_while(|l| !l.is_empty()).peekable();
    while let Some(line) = lines.next() {
        if line.to_ascii_lowercase().starts_with(&prefix) {
            let mut value = line[prefix.len()..].trim().to_string();
            while let Some(next) = lines.peek() {
                if next.starts_with(' ') || next.starts_with('\t') {
                    value.push(' ');
                    value.push_str(next.trim());
                    lines.next();
                } else {
                    break;
                }
            }
            return Some(value);
        }
    }
    None
}

/// The plain-text part of a message, decoded from quoted-printable or base64 as sent.
pub fn plain_text(message: &str) -> String {
    let start = message
        .find("Content-Type: text/plain")
        .expect("a text/plain part");
    let part = &message[start..];
    let (head, rest) = part
        .split_once("\r\n\r\n")
        .or_else(|| part.split_once("\n\n"))
        .unwrap();
    let body = rest.split("\r\n--").next().unwrap_or(rest);
    let body = body.split("\n--").next().unwrap_or(body);
    if head.contains("Content-Transfer-Encoding: base64") {
        use base64::Engine as _;
        let compact: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .unwrap(),
        )
        .unwrap()
    } else if head.contains("quoted-printable") {
        decode_quoted_printable(body)
    } else {
        body.to_string()
    }
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() + 1 {
            if let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            ) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// One request the SMS gateway received.
#[derive(Debug, Clone)]
pub struct SmsRequest {
    pub authorization: Option<String>,
    pub idempotency_key: Option<String>,
    pub body: serde_json::Value,
}

/// An HTTP endpoint standing in for the SMS gateway; it can refuse the first N requests with 503.
#[derive(Clone)]
pub struct SmsGateway {
    pub url: String,
    pub received: Arc<Mutex<Vec<SmsRequest>>>,
    refuse_first: Arc<AtomicUsize>,
}

impl SmsGateway {
    pub async fn start() -> SmsGateway {
        let received = Arc::new(Mutex::new(Vec::new()));
        let refuse_first = Arc::new(AtomicUsize::new(0));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/sms", listener.local_addr().unwrap());
        let state = (received.clone(), refuse_first.clone());
        let router = axum::Router::new()
            .route("/sms", axum::routing::post(receive_sms))
            .with_state(state);
        tokio::spawn(async move { axum::serve(listener, router).await });
        SmsGateway {
            url,
            received,
            refuse_first,
        }
    }

    pub fn refuse_next(&self, n: usize) {
        self.refuse_first.store(n, Ordering::SeqCst);
    }

    pub fn requests(&self) -> Vec<SmsRequest> {
        self.received.lock().unwrap().clone()
    }
}

type GatewayState = (Arc<Mutex<Vec<SmsRequest>>>, Arc<AtomicUsize>);

async fn receive_sms(
    State((received, refuse)): State<GatewayState>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    if refuse
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let value = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    received.lock().unwrap().push(SmsRequest {
        authorization: value("authorization"),
        idempotency_key: value("idempotency-key"),
        body: serde_json::from_str(&body).unwrap(),
    });
    StatusCode::ACCEPTED
}

pub const PUBLIC_URL: &str = "https://sagsspor.example.dk";

/// A delivery to these receivers.
pub fn delivery(smtp: &SmtpSink, sms: &SmsGateway) -> Delivery {
    let from: Mailbox = "Sagsspor <noreply@sagsspor.example.dk>".parse().unwrap();
    Delivery {
        mail: MailTransport::Smtp(smtp_transport(&smtp.url(), &from).unwrap()),
        mail_from: from,
        sms: SmsTransport::Gateway {
            url: sms.url.clone(),
            token: Some("gateway-secret".to_string()),
            sender: "Sagsspor".to_string(),
            client: openidconnect::reqwest::Client::new(),
        },
        public_url: PUBLIC_URL.to_string(),
        webhook_receivers: server::workers::webhooks::ReceiverScope::AlsoThisMachine,
    }
}

/// Worker pacing for tests: a short lease and backoff, so time can be stepped past them.
pub fn settings(worker_id: &str) -> WorkerSettings {
    WorkerSettings {
        worker_id: worker_id.to_string(),
        batch: 10,
        ..WorkerSettings::new(3)
    }
}
