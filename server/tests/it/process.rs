//! The `sagsspor` process as an operator meets it: migrate, serve, structured logs, SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the child process when a failing assertion unwinds past it.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn sagsspor() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sagsspor"));
    command.env_remove("DATABASE_URL").env_remove("RUST_LOG");
    command
}

#[test]
fn migrate_creates_the_embedded_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested/data");
    let status = sagsspor()
        .arg("migrate")
        .env("SAGSSPOR_DATA_DIR", &data)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(data.join("sagsspor.db").is_file());
    // A second run finds nothing to do and still succeeds.
    assert!(sagsspor()
        .arg("migrate")
        .env("SAGSSPOR_DATA_DIR", &data)
        .status()
        .unwrap()
        .success());
}

#[test]
fn serve_logs_json_answers_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let child = sagsspor()
        .arg("serve")
        .env("SAGSSPOR_DATA_DIR", dir.path())
        .env("SAGSSPOR_LISTEN", "127.0.0.1:0")
        .env("SAGSSPOR_LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = KillOnDrop(child);
    let child = &mut child.0;
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first_line = String::new();
    stdout.read_line(&mut first_line).unwrap();
    let address = first_line
        .trim()
        .strip_prefix("Sagsspor kører på http://")
        .and_then(|rest| rest.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {first_line}"))
        .to_string();

    let answer = http_get(&address, "/readyz");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "sagsspor did not stop within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");

    let logs: Vec<String> = BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .collect();
    assert!(!logs.is_empty());
    for line in &logs {
        let value: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(
            value.get("level").is_some() && value.get("message").is_some(),
            "{line}"
        );
    }
    assert!(logs.iter().any(|l| l.contains("\"stopped\"")));
}

/// A minimal HTTP/1.1 GET over a plain socket, enough for a smoke test.
fn http_get(address: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}
