//! The storage layer: one body of Diesel code for PostgreSQL and SQLite.
//!
//! A [`Database`] is a pool of either backend; a [`Conn`] is one pooled connection of either.
//! Query functions take `&mut Conn` and use [`dispatch!`](crate::dispatch) so the same Diesel
//! expression is compiled — and type-checked — once for each backend.

pub mod access_log;
pub mod api_clients;
pub mod authorities;
pub mod cases;
pub mod contact_preferences;
pub mod documents;
pub mod events;
pub mod idempotency;
pub mod outbox;
pub mod queue;
pub mod requests;
pub mod schema;
pub mod sessions;
pub mod statistics;
pub mod users;
pub mod webhooks;

use diesel::sqlite::SqliteConnection;
use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{
    AsyncConnection, AsyncMigrationHarness, AsyncPgConnection, SimpleAsyncConnection,
};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use futures_util::FutureExt as _;
use std::path::Path;

pub use diesel::result::{Error as DbError, QueryResult};

/// SQLite behind diesel-async: the synchronous connection run on tokio's blocking pool.
pub type SqliteAsync = SyncConnectionWrapper<SqliteConnection>;

/// The transaction manager of [`SqliteAsync`].
type SqliteTransactions = diesel_async::sync_connection_wrapper::SyncTransactionManagerWrapper<
    diesel::connection::AnsiTransactionManager,
>;

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// Runs the same Diesel code against whichever backend the connection is.
///
/// `dispatch!(conn, |c| body)` expands `body` twice, with `c` bound to `&mut AsyncPgConnection`
/// and to `&mut SqliteAsync`, so every query is checked for both backends at compile time.
#[macro_export]
macro_rules! dispatch {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::Conn::Postgres(pooled) => {
                let $c: &mut diesel_async::AsyncPgConnection = &mut *pooled;
                $body
            }
            $crate::db::Conn::Sqlite(pooled) => {
                let $c: &mut $crate::db::SqliteAsync = &mut *pooled;
                $body
            }
        }
    };
}

/// What a migration run does.
#[derive(Debug, Clone, Copy)]
enum MigrationRun {
    Pending,
    RevertAll,
}

type MigrationResult = Result<usize, Box<dyn std::error::Error + Send + Sync>>;

impl MigrationRun {
    fn apply<DB: diesel::backend::Backend>(
        self,
        mut harness: impl MigrationHarness<DB>,
        migrations: EmbeddedMigrations,
    ) -> MigrationResult {
        match self {
            MigrationRun::Pending => harness.run_pending_migrations(migrations).map(|v| v.len()),
            MigrationRun::RevertAll => harness.revert_all_migrations(migrations).map(|v| v.len()),
        }
    }
}

/// The PostgreSQL advisory lock key of start-up work ("sagsspor" in ASCII, as a number).
const STARTUP_LOCK: i64 = 0x7361_6773_7370_6f72;

/// Which database a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A connection pool of one of the two backends.
#[derive(Clone)]
pub enum Database {
    Postgres(Pool<AsyncPgConnection>),
    Sqlite(Pool<SqliteAsync>),
}

/// One pooled connection of either backend.
#[expect(
    clippy::large_enum_variant,
    reason = "one short-lived value per request; boxing would add an allocation to every query path"
)]
pub enum Conn {
    Postgres(PooledPg),
    Sqlite(PooledSqlite),
}

// A connection borrowed from the pool never goes back into it inside a transaction.
//
// When a request's future is dropped (the client went away) between `BEGIN` and `COMMIT`, the
// connection would otherwise wait idle in the pool with its transaction open — on SQLite holding
// the write lock, so every other writer waits out the busy timeout; on PostgreSQL holding its row
// locks until the pool happens to hand it out again. Dropped inside a transaction, it is instead
// taken out of the pool and closed, which rolls the transaction back at once (SQLite on close,
// PostgreSQL when the session ends); the pool opens a fresh connection when it needs one.
macro_rules! pooled_connection {
    ($name:ident, $connection:ty) => {
        #[doc = concat!(
            "A pooled `", stringify!($connection), "`: closed rather than given back to the ",
            "pool when dropped inside a transaction, so that transaction ends at once."
        )]
        pub struct $name(Option<Object<$connection>>);

        impl $name {
            fn new(object: Object<$connection>) -> Self {
                $name(Some(object))
            }

            /// Takes the connection out of the pool for good.
            fn detach(mut self) -> $connection {
                match self.0.take() {
                    Some(object) => Object::take(object),
                    None => unreachable!("a pooled connection is only empty while it is dropped"),
                }
            }
        }

        impl std::ops::Deref for $name {
            type Target = $connection;

            fn deref(&self) -> &$connection {
                match &self.0 {
                    Some(object) => object,
                    None => unreachable!("a pooled connection is only empty while it is dropped"),
                }
            }
        }

        impl std::ops::DerefMut for $name {
            fn deref_mut(&mut self) -> &mut $connection {
                match &mut self.0 {
                    Some(object) => object,
                    None => unreachable!("a pooled connection is only empty while it is dropped"),
                }
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                use diesel_async::pooled_connection::PoolableConnection as _;
                let Some(mut object) = self.0.take() else {
                    return;
                };
                // `is_broken` is true inside a transaction (or after a failed one).
                if !std::thread::panicking() && object.is_broken() {
                    tracing::warn!(
                        "a connection was given back inside a transaction; closing it to roll back"
                    );
                    drop(Object::take(object));
                }
            }
        }
    };
}

pooled_connection!(PooledPg, AsyncPgConnection);
pooled_connection!(PooledSqlite, SqliteAsync);

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("could not build the connection pool: {0}")]
    Pool(String),
    #[error("could not connect to the database: {0}")]
    Connect(String),
    #[error("could not apply migrations: {0}")]
    Migrate(String),
    #[error("could not create the data folder {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
}

impl From<DbError> for OpenError {
    fn from(error: DbError) -> Self {
        OpenError::Connect(error.to_string())
    }
}

impl Database {
    /// Opens PostgreSQL when `database_url` is a `postgres://` URL, otherwise SQLite at
    /// `sagsspor.db` in `data_dir` (creating the folder and the file on first use).
    pub fn open(database_url: Option<&str>, data_dir: &Path) -> Result<Self, OpenError> {
        match database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Self::open_postgres(url)
            }
            Some(url) => Self::open_sqlite(url.trim_start_matches("sqlite://")),
            None => {
                std::fs::create_dir_all(data_dir).map_err(|source| OpenError::DataDir {
                    path: data_dir.display().to_string(),
                    source,
                })?;
                Self::open_sqlite(&data_dir.join("sagsspor.db").to_string_lossy())
            }
        }
    }

    fn open_postgres(url: &str) -> Result<Self, OpenError> {
        let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url);
        let pool = Pool::builder(manager)
            .max_size(16)
            .build()
            .map_err(|e| OpenError::Pool(e.to_string()))?;
        Ok(Database::Postgres(pool))
    }

    fn open_sqlite(path: &str) -> Result<Self, OpenError> {
        let mut config = ManagerConfig::<SqliteAsync>::default();
        config.custom_setup = Box::new(|url| {
            async move {
                let mut conn = SqliteAsync::establish(url).await?;
                // WAL lets readers run beside the one writer; the busy timeout makes a second
                // writer wait instead of failing, and comes first so that setting the journal
                // mode of a new connection waits too while the outbox worker writes;
                // SQLite enforces foreign keys only when asked.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )
                .await
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(conn)
            }
            .boxed()
        });
        let manager = AsyncDieselConnectionManager::<SqliteAsync>::new_with_config(path, config);
        let pool = Pool::builder(manager)
            .max_size(8)
            .build()
            .map_err(|e| OpenError::Pool(e.to_string()))?;
        Ok(Database::Sqlite(pool))
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            Database::Postgres(_) => Backend::Postgres,
            Database::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Takes a connection from the pool.
    pub async fn conn(&self) -> QueryResult<Conn> {
        let unavailable = |e: diesel_async::pooled_connection::deadpool::PoolError| {
            DbError::DatabaseError(
                diesel::result::DatabaseErrorKind::UnableToSendCommand,
                Box::new(e.to_string()),
            )
        };
        Ok(match self {
            Database::Postgres(pool) => {
                Conn::Postgres(PooledPg::new(pool.get().await.map_err(unavailable)?))
            }
            Database::Sqlite(pool) => {
                Conn::Sqlite(PooledSqlite::new(pool.get().await.map_err(unavailable)?))
            }
        })
    }

    /// Applies every pending migration of this backend; returns how many ran. Instances
    /// starting together take turns ([`Database::exclusively`]): the later ones find nothing
    /// left to do.
    pub async fn migrate(&self) -> Result<usize, OpenError> {
        self.exclusively(async || self.run_migrations(MigrationRun::Pending).await)
            .await
    }

    /// Runs start-up work (migrating, seeding) while no other instance runs start-up work on
    /// the same database: on PostgreSQL under a session advisory lock, on a connection of its
    /// own that is closed afterwards, so the lock ends with the work — or with the process, if
    /// it dies. Others wait for it and then run their work, which then finds it done. SQLite
    /// has one instance by design and runs the work directly.
    pub async fn exclusively<T, E: From<DbError>>(
        &self,
        work: impl AsyncFnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        use diesel_async::RunQueryDsl as _;
        let Conn::Postgres(pooled) = self.conn().await? else {
            return work().await;
        };
        // Out of the pool: the lock belongs to this session, which must not serve anyone else.
        let mut session = pooled.detach();
        diesel::sql_query("SELECT pg_advisory_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(STARTUP_LOCK)
            .execute(&mut session)
            .await?;
        let result = work().await;
        // Closing the session releases the lock as well; unlocking first says so at once.
        if let Err(error) = diesel::sql_query("SELECT pg_advisory_unlock($1)")
            .bind::<diesel::sql_types::BigInt, _>(STARTUP_LOCK)
            .execute(&mut session)
            .await
        {
            tracing::warn!(%error, "could not release the start-up lock; closing its session");
        }
        result
    }

    /// Reverts every migration (used by the test that proves each `down.sql` works).
    pub async fn revert_all(&self) -> Result<usize, OpenError> {
        self.run_migrations(MigrationRun::RevertAll).await
    }

    async fn run_migrations(&self, run: MigrationRun) -> Result<usize, OpenError> {
        let conn = self
            .conn()
            .await
            .map_err(|e| OpenError::Connect(e.to_string()))?;
        // The harness drives async connections from synchronous code, so it runs on the
        // blocking pool; the connection is detached from the pool for it.
        let result = tokio::task::spawn_blocking(move || match conn {
            Conn::Postgres(pooled) => run.apply(
                AsyncMigrationHarness::new(pooled.detach()),
                POSTGRES_MIGRATIONS,
            ),
            Conn::Sqlite(pooled) => run.apply(
                AsyncMigrationHarness::new(pooled.detach()),
                SQLITE_MIGRATIONS,
            ),
        })
        .await
        .map_err(|e| OpenError::Migrate(e.to_string()))?;
        result.map_err(|e| OpenError::Migrate(e.to_string()))
    }

    /// Answers whether the database takes writes now (for `/readyz`): a write that changes
    /// nothing (an update of no row of diesel's migration table), rolled back at once. A
    /// read-only file or mount, a PostgreSQL standby or read-only transactions refuse it;
    /// merely answering queries is not enough to take users' writes.
    pub async fn check_writable(&self) -> QueryResult<()> {
        use diesel_async::RunQueryDsl as _;
        let mut conn = self.conn().await?;
        conn.begin().await?;
        let written = dispatch!(&mut conn, |c| diesel::sql_query(
            "UPDATE __diesel_schema_migrations SET version = version WHERE 1 = 0"
        )
        .execute(c)
        .await);
        let rolled_back = conn.rollback().await;
        written?;
        rolled_back
    }

    /// Answers whether the database takes a trivial query (for `/readyz`).
    pub async fn ping(&self) -> QueryResult<()> {
        let mut conn = self.conn().await?;
        dispatch!(&mut conn, |c| c.batch_execute("SELECT 1").await)
    }
}

impl Conn {
    /// Starts a write transaction. SQLite takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// two writers queue on the busy timeout instead of failing when one upgrades its lock.
    pub async fn begin(&mut self) -> QueryResult<()> {
        use diesel_async::TransactionManager as _;
        match self {
            Conn::Postgres(c) => {
                diesel_async::AnsiTransactionManager::begin_transaction(&mut **c).await
            }
            Conn::Sqlite(c) => {
                c.spawn_blocking(|inner| {
                    diesel::connection::AnsiTransactionManager::begin_transaction_sql(
                        inner,
                        "BEGIN IMMEDIATE",
                    )
                })
                .await
            }
        }
    }

    /// Commits the transaction [`Conn::begin`] started.
    pub async fn commit(&mut self) -> QueryResult<()> {
        use diesel_async::TransactionManager as _;
        match self {
            Conn::Postgres(c) => {
                diesel_async::AnsiTransactionManager::commit_transaction(&mut **c).await
            }
            Conn::Sqlite(c) => SqliteTransactions::commit_transaction(&mut **c).await,
        }
    }

    /// Rolls back the transaction [`Conn::begin`] started.
    pub async fn rollback(&mut self) -> QueryResult<()> {
        use diesel_async::TransactionManager as _;
        match self {
            Conn::Postgres(c) => {
                diesel_async::AnsiTransactionManager::rollback_transaction(&mut **c).await
            }
            Conn::Sqlite(c) => SqliteTransactions::rollback_transaction(&mut **c).await,
        }
    }

    /// Which backend this connection talks to.
    pub fn backend(&self) -> Backend {
        match self {
            Conn::Postgres(_) => Backend::Postgres,
            Conn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Runs an async block inside one transaction on `conn`: commits when it returns `Ok`, rolls
/// back when it returns `Err`. The block's error type must convert from [`DbError`], so a
/// failure to begin or commit comes back as the same `Result`.
///
/// A macro rather than a closure-taking function: the body borrows `conn` directly, which
/// avoids higher-ranked async-closure bounds that would not be `Send`.
#[macro_export]
macro_rules! in_transaction {
    ($conn:ident, $body:block) => {{
        match $conn.begin().await {
            Err(error) => Err(error.into()),
            Ok(()) => match async { $body }.await {
                Ok(value) => match $conn.commit().await {
                    Ok(()) => Ok(value),
                    Err(error) => {
                        let _ = $conn.rollback().await;
                        Err(error.into())
                    }
                },
                Err(error) => {
                    // The original error matters more than a failed rollback; a connection
                    // left broken is discarded by the pool.
                    let _ = $conn.rollback().await;
                    Err(error)
                }
            },
        }
    }};
}

/// Whether an error is a unique-constraint violation (e.g. an ESDH number used twice).
pub fn is_unique_violation(error: &DbError) -> bool {
    matches!(
        error,
        DbError::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Whether an error says the database cannot store anything now: its disk is full, or it is
/// read-only (a read-only file or mount, a PostgreSQL standby or read-only transaction).
/// Neither backend gives these a kind of their own, so the message says it.
pub fn is_out_of_storage(error: &DbError) -> bool {
    const SIGNS: [&str; 6] = [
        "database or disk is full",
        "no space left on device",
        "could not extend file",
        "readonly database",
        "read-only transaction",
        "during recovery",
    ];
    match error {
        DbError::DatabaseError(_, info) => {
            let message = info.message().to_ascii_lowercase();
            SIGNS.iter().any(|sign| message.contains(sign))
        }
        _ => false,
    }
}
