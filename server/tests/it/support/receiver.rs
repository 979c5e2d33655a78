//! A real local webhook receiver that records what it gets and answers as told, an independent
//! check of Standard Webhooks signatures (Python's `hmac`), and a delivery setup for tests that
//! look at webhooks only.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use server::workers::outbox::{Delivery, MailTransport, SmsTransport};
use server::workers::webhooks::ReceiverScope;
use std::collections::VecDeque;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

/// One POST the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: Vec<u8>,
}

/// A local HTTP receiver: records every POST and answers with the queued statuses, then 200.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Mutex<VecDeque<u16>>>,
}

type ReceiverState = (Arc<Mutex<Vec<Received>>>, Arc<Mutex<VecDeque<u16>>>);

async fn receive(
    State((received, answers)): State<ReceiverState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let value = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    received.lock().unwrap().push(Received {
        id: value("webhook-id"),
        timestamp: value("webhook-timestamp"),
        signature: value("webhook-signature"),
        body: body.to_vec(),
    });
    let status = answers.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap()
}

impl Receiver {
    pub async fn start() -> Receiver {
        let received = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(Mutex::new(VecDeque::new()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let router = axum::Router::new()
            .route("/hooks", axum::routing::post(receive))
            .with_state((received.clone(), answers.clone()));
        tokio::spawn(async move { axum::serve(listener, router).await });
        Receiver {
            url,
            received,
            answers,
        }
    }

    pub fn answer_next(&self, statuses: &[u16]) {
        self.answers
            .lock()
            .unwrap()
            .extend(statuses.iter().copied());
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Checks a delivery's signature with Python's standard library, independently of the Rust code.
pub fn python_verifies(secret: &str, received: &Received) -> bool {
    const SCRIPT: &str = r#"
import sys, hmac, hashlib, base64
secret, msg_id, timestamp, header = sys.argv[1:5]
body = sys.stdin.buffer.read()
key = base64.b64decode(secret.split("_", 1)[1])
signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
ok = any(hmac.compare_digest(s.split(",", 1)[-1], expected) for s in header.split(" ") if s.startswith("v1,"))
sys.exit(0 if ok else 1)
"#;
    let mut child = Command::new("/usr/bin/python3")
        .args([
            "-c",
            SCRIPT,
            secret,
            &received.id,
            &received.timestamp,
            &received.signature,
        ])
        .stdin(Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&received.body)
        .unwrap();
    child.wait().unwrap().success()
}

/// A delivery setup whose e-mail and SMS go to files (these tests look at webhooks only).
pub fn delivery(dir: &std::path::Path) -> Delivery {
    Delivery {
        mail: MailTransport::Files(dir.join("mail")),
        mail_from: "Sagsspor <noreply@sagsspor.example.dk>".parse().unwrap(),
        sms: SmsTransport::Log(dir.join("sms.log")),
        public_url: PUBLIC_URL.to_string(),
        webhook_receivers: ReceiverScope::AlsoThisMachine,
    }
}

pub const PUBLIC_URL: &str = "https://sagsspor.example.dk";
