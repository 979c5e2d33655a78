//! Test databases: a fresh SQLite file per test always, and a fresh PostgreSQL database per
//! test when `TEST_DATABASE_URL` points at a server (so tests stay isolated and run in parallel).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use app::db::Database;

pub mod api;
pub mod events;
pub mod mail;
pub mod receiver;
pub mod web;
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};

/// A migrated database that cleans up after itself.
pub struct TestDb {
    pub db: Database,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl TestDb {
    /// A fresh, migrated SQLite database in a temporary folder.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Database::open(None, dir.path()).expect("open sqlite");
        db.migrate().await.expect("migrate sqlite");
        TestDb {
            db,
            _dir: Some(dir),
            postgres: None,
        }
    }

    /// A fresh, migrated PostgreSQL database, or `None` when `TEST_DATABASE_URL` is unset.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var("TEST_DATABASE_URL").ok()?;
        let name = format!("sagsspor_test_{:016x}", rand::random::<u64>());
        let mut admin = AsyncPgConnection::establish(&admin_url)
            .await
            .expect("TEST_DATABASE_URL must reach PostgreSQL");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create test database");
        let url = database_url_with_name(&admin_url, &name);
        let db = Database::open(Some(&url), std::path::Path::new("unused")).expect("open postgres");
        db.migrate().await.expect("migrate postgres");
        Some(TestDb {
            db,
            _dir: None,
            postgres: Some((admin_url, name)),
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            // Drop runs outside async; a small runtime on its own thread removes the database.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime.block_on(async {
                    let mut admin = AsyncPgConnection::establish(&admin_url).await.ok()?;
                    admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

/// The same server URL with another database name.
pub fn database_url_with_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let without_db = match base.rfind('/') {
        Some(i) if i > base.find("://").map_or(0, |p| p + 2) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{without_db}/{name}?{q}"),
        None => format!("{without_db}/{name}"),
    }
}

/// Declares one test body that runs on SQLite and, when configured, on PostgreSQL:
/// `both_backends!(name, |db| async move { … });` makes `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let test_db = $crate::support::TestDb::sqlite().await;
                let $db = test_db.db.clone();
                $body.await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(test_db) = $crate::support::TestDb::postgres().await else {
                    eprintln!("TEST_DATABASE_URL is not set: PostgreSQL variant skipped");
                    return;
                };
                let $db = test_db.db.clone();
                $body.await;
            }
        }
    };
}
