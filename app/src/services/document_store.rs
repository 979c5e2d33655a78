//! Where documents' bytes live, named by their SHA-256 so the same file sent twice is stored once
//! and a stored file can never change under its name: files under the data directory (the
//! embedded default), or chunks in the database, so every instance on one PostgreSQL database
//! serves every document.
//!
//! An upload is written to a temporary file while it is hashed and counted, refused as soon as it
//! passes the size limit, and checked by its content — not by its name or the browser's word.
//! It enters the store only when the request is accepted ([`DocumentStore::keep`], called in the
//! transaction that writes the document's row); a refused upload leaves nothing behind, and
//! [`DocumentStore::sweep`] removes what a failed transaction may have left.

use crate::db::schema::{document_blobs, document_chunks, documents};
use crate::db::{Conn, Database};
use crate::dispatch;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use futures_util::stream::{BoxStream, StreamExt as _};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The default limit of one file: 25 MB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 25 * 1024 * 1024;

/// The size of one chunk of a file kept in the database.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// The file types the portal accepts, as recognised from their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Png,
    Jpeg,
}

impl FileType {
    /// The media type the file is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
        }
    }

    /// The file name extension that matches the content.
    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Png => "png",
            FileType::Jpeg => "jpg",
        }
    }

    /// Recognises a file by its signature ("magic bytes").
    pub fn sniff(head: &[u8]) -> Option<FileType> {
        if head.starts_with(b"%PDF-") {
            Some(FileType::Pdf)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileType::Png)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileType::Jpeg)
        } else {
            None
        }
    }
}

/// A file safely in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub sha256: String,
    pub size_bytes: u64,
    pub file_type: FileType,
}

/// Why a file was not stored.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    #[error("the file is empty")]
    Empty,
    #[error("the file is not a PDF, PNG or JPEG")]
    UnsupportedType,
    #[error("document store: {0}")]
    Io(#[from] std::io::Error),
    #[error("document store: {0}")]
    Database(#[from] diesel::result::Error),
}

impl From<StoreError> for crate::error::AppError {
    /// The store failing to keep or read a file is an outage the user can wait out (a full or
    /// read-only disk, the database away): 503. What an upload's content is wrong with is
    /// told beside the field before it gets here.
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Database(error) => error.into(),
            StoreError::Io(error) => {
                tracing::error!(error = %error, "document store unavailable");
                crate::error::AppError::Unavailable
            }
            other => crate::error::AppError::internal("document store", &other),
        }
    }
}

/// Where the bytes go (`SAGSSPOR_DOCUMENT_STORE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// Files under the store's folder: only this machine sees them.
    Files,
    /// Chunks in the database's `document_chunks`: every instance on the database sees them.
    Database,
}

impl StoreKind {
    /// The configured name: `files` or `database`.
    pub fn parse(name: &str) -> Option<StoreKind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "files" => Some(StoreKind::Files),
            "database" => Some(StoreKind::Database),
            _ => None,
        }
    }
}

/// The document store of one data directory (its temporary uploads, and its files in the
/// `files` kind).
#[derive(Debug, Clone)]
pub struct DocumentStore {
    root: PathBuf,
    max_bytes: u64,
    kind: StoreKind,
}

/// How many leading bytes are kept to recognise the file type.
const HEAD_LEN: usize = 16;

/// The bytes of a stored file, as they are read: one chunk after the other.
pub struct Contents {
    pub size_bytes: u64,
    pub chunks: BoxStream<'static, std::io::Result<Vec<u8>>>,
}

impl Contents {
    /// Reads every chunk into one buffer (tests, and callers that need the whole file).
    pub async fn into_bytes(mut self) -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::with_capacity(usize::try_from(self.size_bytes).unwrap_or(0));
        while let Some(chunk) = self.chunks.next().await {
            bytes.extend_from_slice(&chunk?);
        }
        Ok(bytes)
    }
}

impl DocumentStore {
    /// A store of files in `root` (created when missing) that takes files up to `max_bytes`.
    pub fn new(root: impl Into<PathBuf>, max_bytes: u64) -> DocumentStore {
        DocumentStore {
            root: root.into(),
            max_bytes,
            kind: StoreKind::Files,
        }
    }

    /// The same store keeping its bytes where `kind` says (uploads still arrive in `root/tmp`).
    pub fn with_kind(mut self, kind: StoreKind) -> DocumentStore {
        self.kind = kind;
        self
    }

    /// Where it keeps the bytes.
    pub fn kind(&self) -> StoreKind {
        self.kind
    }

    /// The largest file it takes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The folder of uploads still arriving (and of the files in the `files` kind).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Starts an upload: bytes go to a temporary file until [`Upload::finish`]. The file is
    /// written through `tokio::fs` (on the blocking pool), never on the request's thread.
    pub async fn begin(&self) -> Result<Upload, StoreError> {
        let temp_dir = self.root.join("tmp");
        tokio::fs::create_dir_all(&temp_dir).await?;
        let temp_path = temp_dir.join(format!("{:032x}.part", rand::random::<u128>()));
        let file = tokio::fs::File::create(&temp_path).await?;
        Ok(Upload {
            max_bytes: self.max_bytes,
            temp: TempFile(temp_path),
            file: Some(tokio::io::BufWriter::new(file)),
            hasher: Sha256::new(),
            size: 0,
            head: Vec::with_capacity(HEAD_LEN),
        })
    }

    /// Answers whether a file can be written to the store now (for `/readyz`): writes a few
    /// kilobytes to a probe file, forces them to disk and removes it, so a full disk, a
    /// read-only mount or a missing folder shows before an upload meets it. Blocking I/O.
    pub fn check_writable(&self) -> Result<(), StoreError> {
        let temp_dir = self.root.join("tmp");
        std::fs::create_dir_all(&temp_dir)?;
        let probe = temp_dir.join(format!("ready-{:032x}.probe", rand::random::<u128>()));
        let written = std::fs::File::create(&probe).and_then(|mut file| {
            file.write_all(&[0_u8; 4096])?;
            file.sync_all()
        });
        let _ = std::fs::remove_file(&probe);
        Ok(written?)
    }

    /// Stores bytes already in memory (a generated decision letter), in the caller's
    /// transaction.
    pub async fn store_bytes(
        &self,
        conn: &mut Conn,
        bytes: &[u8],
    ) -> Result<StoredFile, StoreError> {
        let mut upload = self.begin().await?;
        upload.write(bytes).await?;
        let received = upload.finish().await?;
        self.keep(conn, &received).await
    }

    /// Puts an accepted upload into the store. Call it in the transaction that writes the
    /// document's row, after everything that may still refuse the request: in the `database`
    /// kind the bytes then commit or roll back with the row; a file moved into place by a
    /// transaction that fails afterwards is removed by [`DocumentStore::sweep`].
    pub async fn keep(
        &self,
        conn: &mut Conn,
        received: &Received,
    ) -> Result<StoredFile, StoreError> {
        match self.kind {
            StoreKind::Files => self.keep_file(received).await?,
            StoreKind::Database => keep_in_database(conn, received).await?,
        }
        Ok(received.stored.clone())
    }

    /// Moves the file into place on the blocking pool (folder, rename or touch).
    async fn keep_file(&self, received: &Received) -> Result<(), StoreError> {
        let target = self
            .path_of(&received.stored.sha256)
            .ok_or_else(|| std::io::Error::other("digest is not hex"))?;
        let temp = received.temp.0.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir)?;
            }
            // Same name, same bytes: a file already there is this file. It is made young
            // again, so the sweep (which spares files younger than its cut-off) does not take
            // it from under the row about to refer to it.
            if target.exists() {
                std::fs::File::options()
                    .append(true)
                    .open(&target)?
                    .set_modified(std::time::SystemTime::now())
            } else {
                std::fs::rename(&temp, &target)
            }
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(())
    }

    /// The bytes of a stored file; `None` when the store does not have them (a row whose file
    /// was lost, or a file kept on another machine).
    pub async fn open(&self, db: &Database, sha256: &str) -> Result<Option<Contents>, StoreError> {
        if !is_sha256(sha256) {
            return Ok(None);
        }
        match self.kind {
            StoreKind::Files => {
                let Some(path) = self.path_of(sha256) else {
                    return Ok(None);
                };
                match tokio::fs::read(path).await {
                    Ok(bytes) => Ok(Some(Contents {
                        size_bytes: bytes.len() as u64,
                        chunks: futures_util::stream::once(async move { Ok(bytes) }).boxed(),
                    })),
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(error) => Err(error.into()),
                }
            }
            StoreKind::Database => open_in_database(db, sha256).await,
        }
    }

    /// The whole file at once; `None` when the store does not have it.
    pub async fn read(&self, db: &Database, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.open(db, sha256).await? {
            Some(contents) => Ok(Some(contents.into_bytes().await?)),
            None => Ok(None),
        }
    }

    /// Removes stored files that no document refers to and that were stored before `cutoff`,
    /// and uploads abandoned in the temporary folder before it (a process that died mid-upload);
    /// returns how many it removed. Every instance may run it: what is gone is gone.
    pub async fn sweep(&self, db: &Database, cutoff: NaiveDateTime) -> Result<usize, StoreError> {
        let mut removed = remove_older_files(&self.root.join("tmp"), cutoff, |_| true)?;
        match self.kind {
            StoreKind::Files => {
                let dirs = match std::fs::read_dir(&self.root) {
                    Ok(dirs) => dirs,
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
                    Err(error) => return Err(error.into()),
                };
                for dir in dirs {
                    let dir = dir?.path();
                    let is_prefix = dir
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_hexdigit()));
                    if !is_prefix || !dir.is_dir() {
                        continue;
                    }
                    let names = old_files(&dir, cutoff)?
                        .into_iter()
                        .filter(|name| is_sha256(name))
                        .collect::<Vec<_>>();
                    if names.is_empty() {
                        continue;
                    }
                    let mut conn = db.conn().await?;
                    let referred = referred_among(&mut conn, &names).await?;
                    removed += remove_older_files(&dir, cutoff, |name| {
                        is_sha256(name) && !referred.contains(name)
                    })?;
                }
            }
            StoreKind::Database => {
                let mut conn = db.conn().await?;
                removed += dispatch!(&mut conn, |c| diesel::delete(
                    document_blobs::table
                        .filter(document_blobs::stored_at.lt(cutoff))
                        .filter(
                            document_blobs::sha256
                                .ne_all(documents::table.select(documents::sha256))
                        )
                )
                .execute(c)
                .await)?;
            }
        }
        Ok(removed)
    }

    /// `root/ab/abcdef…`; `None` for anything but 64 lowercase hex digits, so a stored name can
    /// never walk out of the store.
    fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        is_sha256(sha256).then(|| self.root.join(&sha256[..2]).join(sha256))
    }
}

/// Whether a name is 64 lowercase hex digits.
fn is_sha256(name: &str) -> bool {
    name.len() == 64
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The file's time as the database's clock counts (UTC, no zone).
fn modified_at(meta: &std::fs::Metadata) -> Option<NaiveDateTime> {
    let modified = meta.modified().ok()?;
    Some(chrono::DateTime::<chrono::Utc>::from(modified).naive_utc())
}

/// The names of the files in `dir` last changed before `cutoff`.
fn old_files(dir: &Path, cutoff: NaiveDateTime) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_file() && modified_at(&meta).is_some_and(|at| at < cutoff) {
            if let Some(name) = entry.file_name().to_str() {
                names.push(name.to_string());
            }
        }
    }
    Ok(names)
}

/// Removes the files of `dir` last changed before `cutoff` that `remove` picks (the age is
/// asked again just before, so a file stored again meanwhile stays).
fn remove_older_files(
    dir: &Path,
    cutoff: NaiveDateTime,
    remove: impl Fn(&str) -> bool,
) -> std::io::Result<usize> {
    let names = match old_files(dir, cutoff) {
        Ok(names) => names,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(error) => return Err(error),
    };
    let mut removed = 0;
    for name in names.into_iter().filter(|n| remove(n)) {
        let path = dir.join(&name);
        let still_old = std::fs::metadata(&path)
            .ok()
            .and_then(|meta| modified_at(&meta))
            .is_some_and(|at| at < cutoff);
        if still_old && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

/// Which of these SHA-256 names a document refers to.
async fn referred_among(conn: &mut Conn, names: &[String]) -> diesel::QueryResult<HashSet<String>> {
    let mut referred = HashSet::new();
    for batch in names.chunks(500) {
        let found: Vec<String> = dispatch!(conn, |c| documents::table
            .filter(documents::sha256.eq_any(batch))
            .select(documents::sha256)
            .distinct()
            .load(c)
            .await)?;
        referred.extend(found);
    }
    Ok(referred)
}

/// One stored file's row in the database.
#[derive(Insertable)]
#[diesel(table_name = document_blobs)]
struct NewBlob<'a> {
    sha256: &'a str,
    size_bytes: i64,
    chunk_count: i32,
    stored_at: NaiveDateTime,
}

/// One chunk of a file in the database.
#[derive(Insertable)]
#[diesel(table_name = document_chunks)]
struct NewChunk<'a> {
    sha256: &'a str,
    seq: i32,
    data: &'a [u8],
}

async fn keep_in_database(conn: &mut Conn, received: &Received) -> Result<(), StoreError> {
    let sha256 = received.stored.sha256.as_str();
    let size = received.stored.size_bytes;
    let chunk_count = i32::try_from(size.div_ceil(CHUNK_BYTES as u64))
        .map_err(|_| std::io::Error::other("file too large for the database store"))?;
    let now = crate::state::now_utc();
    let blob = NewBlob {
        sha256,
        size_bytes: i64::try_from(size).unwrap_or(i64::MAX),
        chunk_count,
        stored_at: now,
    };
    let inserted = dispatch!(conn, |c| diesel::insert_into(document_blobs::table)
        .values(&blob)
        .on_conflict_do_nothing()
        .execute(c)
        .await)?;
    if inserted == 0 {
        // Stored before: the same bytes. Made young again (and, on PostgreSQL, locked until
        // this transaction ends), so the sweep does not take it from under the new row.
        dispatch!(conn, |c| diesel::update(
            document_blobs::table.filter(document_blobs::sha256.eq(sha256))
        )
        .set(document_blobs::stored_at.eq(now))
        .execute(c)
        .await)?;
        return Ok(());
    }
    let mut file = tokio::fs::File::open(&received.temp.0).await?;
    let mut buffer = vec![0u8; CHUNK_BYTES];
    for seq in 0..chunk_count {
        let mut filled = 0;
        while filled < CHUNK_BYTES {
            let read = file.read(&mut buffer[filled..]).await?;
            if read == 0 {
                break;
            }
            filled += read;
        }
        let chunk = NewChunk {
            sha256,
            seq,
            data: &buffer[..filled],
        };
        dispatch!(conn, |c| diesel::insert_into(document_chunks::table)
            .values(&chunk)
            .execute(c)
            .await)?;
    }
    Ok(())
}

/// A file's chunks read one query at a time, each on a connection of its own, so a large file
/// is never one value in memory and no connection is held while the client reads slowly.
async fn open_in_database(db: &Database, sha256: &str) -> Result<Option<Contents>, StoreError> {
    let mut conn = db.conn().await?;
    let blob: Option<(i64, i32)> = dispatch!(&mut conn, |c| document_blobs::table
        .filter(document_blobs::sha256.eq(sha256))
        .select((document_blobs::size_bytes, document_blobs::chunk_count))
        .first(c)
        .await
        .optional())?;
    drop(conn);
    let Some((size, chunk_count)) = blob else {
        return Ok(None);
    };
    let state = (db.clone(), sha256.to_string(), 0i32);
    let chunks = futures_util::stream::unfold(state, move |(db, sha256, seq)| async move {
        if seq >= chunk_count {
            return None;
        }
        let chunk = read_chunk(&db, &sha256, seq).await;
        Some((chunk, (db, sha256, seq + 1)))
    })
    .boxed();
    Ok(Some(Contents {
        size_bytes: u64::try_from(size).unwrap_or(0),
        chunks,
    }))
}

async fn read_chunk(db: &Database, sha256: &str, seq: i32) -> std::io::Result<Vec<u8>> {
    let mut conn = db.conn().await.map_err(std::io::Error::other)?;
    let data: Option<Vec<u8>> = dispatch!(&mut conn, |c| document_chunks::table
        .filter(document_chunks::sha256.eq(sha256))
        .filter(document_chunks::seq.eq(seq))
        .select(document_chunks::data)
        .first(c)
        .await
        .optional())
    .map_err(std::io::Error::other)?;
    data.ok_or_else(|| std::io::Error::other("a chunk of a stored document is missing"))
}

/// A temporary file removed when dropped (unless it was moved into the store).
struct TempFile(PathBuf);

impl Drop for TempFile {
    /// An upload that was refused, abandoned or copied into the database leaves no temporary
    /// file behind.
    fn drop(&mut self) {
        if self.0.exists() {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// A file being received.
pub struct Upload {
    max_bytes: u64,
    temp: TempFile,
    file: Option<tokio::io::BufWriter<tokio::fs::File>>,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
}

/// A file received whole and checked, not yet in the store: dropped, it is gone; given to
/// [`DocumentStore::keep`], it is stored.
pub struct Received {
    temp: TempFile,
    stored: StoredFile,
}

impl Received {
    /// What the file is and will be stored as.
    pub fn file(&self) -> &StoredFile {
        &self.stored
    }
}

impl Upload {
    /// Appends a chunk; refuses the file the moment it passes the limit.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        self.size += chunk.len() as u64;
        if self.size > self.max_bytes {
            return Err(StoreError::TooLarge {
                max_bytes: self.max_bytes,
            });
        }
        if self.head.len() < HEAD_LEN {
            let take = (HEAD_LEN - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        if let Some(file) = self.file.as_mut() {
            file.write_all(chunk).await?;
        }
        Ok(())
    }

    /// Checks the content and names the file by its SHA-256; it stays in the temporary folder
    /// until it is kept.
    pub async fn finish(mut self) -> Result<Received, StoreError> {
        if self.size == 0 {
            return Err(StoreError::Empty);
        }
        let file_type = FileType::sniff(&self.head).ok_or(StoreError::UnsupportedType)?;
        if let Some(mut file) = self.file.take() {
            file.flush().await?;
            file.into_inner().sync_all().await?;
        }
        let digest = std::mem::take(&mut self.hasher).finalize();
        let mut sha256 = String::with_capacity(64);
        for byte in digest.iter() {
            let _ = write!(sha256, "{byte:02x}");
        }
        Ok(Received {
            temp: TempFile(std::mem::take(&mut self.temp.0)),
            stored: StoredFile {
                sha256,
                size_bytes: self.size,
                file_type,
            },
        })
    }
}

/// A file name safe to store and to send back in `Content-Disposition`: the last path part only,
/// no control or invisible formatting characters (a right-to-left override would show
/// `gnp.exe` as `exe.png`), at most 150 characters, not a Windows device name (`CON.pdf` cannot
/// be saved on Windows, and opening it there talks to the device), and the extension of what the
/// file really is.
pub fn clean_filename(given: &str, file_type: FileType) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or("");
    let mut name: String = last
        .chars()
        .filter(|c| !is_hidden_char(*c) && *c != '"')
        .take(150)
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .to_string();
    if name.is_empty() {
        name = "dokument".to_string();
    }
    let extension = file_type.extension();
    let has_matching_extension = name
        .rsplit_once('.')
        .map(|(_, ext)| {
            let ext = ext.to_ascii_lowercase();
            ext == extension || (file_type == FileType::Jpeg && ext == "jpeg")
        })
        .unwrap_or(false);
    if !has_matching_extension {
        name.push('.');
        name.push_str(extension);
    }
    if is_windows_device_name(&name) {
        name.insert(0, '_');
    }
    name
}

/// Control characters, and the format characters that change how a name is shown without being
/// seen: bidirectional embeddings, overrides, isolates and marks, zero-width characters, the
/// byte order mark, interlinear annotation, tag characters, and line and paragraph separators.
fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Whether Windows takes the name for a device: `CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9` and
/// `LPT0`–`LPT9` (also with the superscript digits ¹²³), in any case, whatever extension
/// follows and with trailing spaces before it.
fn is_windows_device_name(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end_matches(' ')
        .to_ascii_uppercase();
    match stem.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" => true,
        _ => {
            let mut chars = stem.chars();
            let prefix: String = chars.by_ref().take(3).collect();
            let rest: Vec<char> = chars.collect();
            (prefix == "COM" || prefix == "LPT")
                && rest.len() == 1
                && (rest[0].is_ascii_digit() || matches!(rest[0], '¹' | '²' | '³'))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn temp_store(max: u64) -> (DocumentStore, PathBuf) {
        let root = std::env::temp_dir().join(format!("sagsspor-store-{:x}", rand::random::<u64>()));
        (DocumentStore::new(&root, max), root)
    }

    async fn receive(store: &DocumentStore, bytes: &[u8]) -> Result<Received, StoreError> {
        let mut upload = store.begin().await?;
        upload.write(bytes).await?;
        upload.finish().await
    }

    #[test]
    fn recognises_the_accepted_types_by_content_only() {
        assert_eq!(FileType::sniff(b"%PDF-1.7\n..."), Some(FileType::Pdf));
        assert_eq!(
            FileType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(FileType::Png)
        );
        assert_eq!(
            FileType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(FileType::Jpeg)
        );
        assert_eq!(FileType::sniff(b"MZ\x90\0 a program"), None);
        assert_eq!(FileType::sniff(b"<html>not a pdf</html>"), None);
        assert_eq!(FileType::sniff(b" %PDF-1.7"), None);
    }

    #[tokio::test]
    async fn names_a_received_file_by_its_sha256_and_drops_it_unless_kept() {
        let (store, root) = temp_store(1024);
        let bytes = b"%PDF-1.4\nhello\n%%EOF\n";
        let received = receive(&store, bytes).await.unwrap();
        // sha256 of the bytes above, computed with `sha256sum`.
        assert_eq!(
            received.file().sha256,
            "b590a92e2746a726a4e73a79fcab165cb312b4c50cfc9e082e5243e99539a573"
        );
        assert_eq!(received.file().size_bytes, bytes.len() as u64);
        assert_eq!(std::fs::read_dir(root.join("tmp")).unwrap().count(), 1);
        // Not kept (the request was refused): nothing is left, in the store or beside it.
        drop(received);
        assert!(std::fs::read_dir(root.join("tmp"))
            .unwrap()
            .next()
            .is_none());
        assert_eq!(std::fs::read_dir(&root).unwrap().count(), 1, "only tmp/");
        let _ = std::fs::remove_dir_all(root);
    }

    #[tokio::test]
    async fn refuses_too_large_empty_and_foreign_files_leaving_nothing() {
        let (store, root) = temp_store(10);
        let mut upload = store.begin().await.unwrap();
        upload.write(b"%PDF-1.4").await.unwrap();
        assert!(matches!(
            upload.write(b"more than ten").await,
            Err(StoreError::TooLarge { max_bytes: 10 })
        ));
        drop(upload);
        assert!(matches!(receive(&store, b"").await, Err(StoreError::Empty)));
        assert!(matches!(
            receive(&store, b"GIF89a....").await,
            Err(StoreError::UnsupportedType)
        ));
        assert!(std::fs::read_dir(root.join("tmp"))
            .unwrap()
            .next()
            .is_none());
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn never_reads_outside_the_store() {
        let (store, _root) = temp_store(10);
        assert!(store.path_of("../../etc/passwd").is_none());
        assert!(store.path_of(&"A".repeat(64)).is_none());
        assert!(store.path_of(&"a".repeat(64)).is_some());
    }

    #[test]
    fn probing_leaves_nothing_and_fails_where_nothing_can_be_written() {
        let (store, root) = temp_store(1024);
        store.check_writable().unwrap();
        assert!(std::fs::read_dir(root.join("tmp"))
            .unwrap()
            .next()
            .is_none());
        // A store whose folder is a file cannot take uploads.
        let blocked = root.join("blocked");
        std::fs::write(&blocked, b"not a folder").unwrap();
        assert!(DocumentStore::new(&blocked, 1024).check_writable().is_err());
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn reads_the_configured_kind() {
        assert_eq!(StoreKind::parse("database"), Some(StoreKind::Database));
        assert_eq!(StoreKind::parse(" Files "), Some(StoreKind::Files));
        assert_eq!(StoreKind::parse("s3"), None);
    }

    #[test]
    fn cleans_file_names() {
        assert_eq!(
            clean_filename("C:\\Users\\x\\tegning.pdf", FileType::Pdf),
            "tegning.pdf"
        );
        assert_eq!(
            clean_filename("../../etc/passwd", FileType::Pdf),
            "passwd.pdf"
        );
        assert_eq!(clean_filename("foto.JPEG", FileType::Jpeg), "foto.JPEG");
        assert_eq!(clean_filename("plan.pdf", FileType::Png), "plan.pdf.png");
        assert_eq!(clean_filename("", FileType::Pdf), "dokument.pdf");
        assert_eq!(clean_filename("a\"b\n.pdf", FileType::Pdf), "ab.pdf");
        assert_eq!(
            clean_filename("Tegning æøå 1.pdf", FileType::Pdf),
            "Tegning æøå 1.pdf"
        );
    }

    #[test]
    fn file_names_lose_bidirectional_and_invisible_characters() {
        // "faktura\u{202E}fdp.exe" shows as "fakturaexe.pdf".
        assert_eq!(
            clean_filename("faktura\u{202E}fdp.exe.pdf", FileType::Pdf),
            "fakturafdp.exe.pdf"
        );
        for hidden in [
            '\u{202A}',
            '\u{202B}',
            '\u{202C}',
            '\u{202D}',
            '\u{202E}',
            '\u{2066}',
            '\u{2067}',
            '\u{2068}',
            '\u{2069}',
            '\u{200E}',
            '\u{200F}',
            '\u{200B}',
            '\u{FEFF}',
            '\u{061C}',
            '\u{2028}',
            '\u{00AD}',
            '\u{E0041}',
        ] {
            let given = format!("plan{hidden}tegning.pdf");
            assert_eq!(
                clean_filename(&given, FileType::Pdf),
                "plantegning.pdf",
                "U+{:04X}",
                u32::from(hidden)
            );
        }
        assert_eq!(
            clean_filename("\u{202E}\u{200F}", FileType::Png),
            "dokument.png"
        );
    }

    #[test]
    fn windows_device_names_get_a_safe_name() {
        for (given, cleaned) in [
            ("CON.pdf", "_CON.pdf"),
            ("con.pdf", "_con.pdf"),
            ("Prn.pdf", "_Prn.pdf"),
            ("aux", "_aux.pdf"),
            ("NUL.tar.pdf", "_NUL.tar.pdf"),
            ("COM1.pdf", "_COM1.pdf"),
            ("com9.pdf", "_com9.pdf"),
            ("LPT1.pdf", "_LPT1.pdf"),
            ("lpt9 .pdf", "_lpt9 .pdf"),
            ("COM¹.pdf", "_COM¹.pdf"),
            ("C:\\x\\CON.pdf", "_CON.pdf"),
            ("CON\u{202E}.pdf", "_CON.pdf"),
        ] {
            assert_eq!(clean_filename(given, FileType::Pdf), cleaned, "{given}");
        }
        for ordinary in [
            "CONTRACT.pdf",
            "console.pdf",
            "COM10.pdf",
            "LPT.pdf",
            "nulpunkt.pdf",
            "icon.pdf",
        ] {
            assert_eq!(clean_filename(ordinary, FileType::Pdf), ordinary);
        }
    }
}
