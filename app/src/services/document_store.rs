//! Where documents' bytes live: files under the data directory, named by their SHA-256, so the
//! same file sent twice is stored once and a stored file can never change under its name.
//!
//! An upload is written to a temporary file while it is hashed and counted, refused as soon as it
//! passes the size limit, and checked by its content — not by its name or the browser's word —
//! before it is moved into place.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The default limit of one file: 25 MB.
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 25 * 1024 * 1024;

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
}

/// The document store of one data directory.
#[derive(Debug, Clone)]
pub struct DocumentStore {
    root: PathBuf,
    max_bytes: u64,
}

/// How many leading bytes are kept to recognise the file type.
const HEAD_LEN: usize = 16;

impl DocumentStore {
    /// A store in `root` (created when missing) that takes files up to `max_bytes`.
    pub fn new(root: impl Into<PathBuf>, max_bytes: u64) -> DocumentStore {
        DocumentStore {
            root: root.into(),
            max_bytes,
        }
    }

    /// The largest file it takes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Starts an upload: bytes go to a temporary file until [`Upload::finish`].
    pub fn begin(&self) -> Result<Upload, StoreError> {
        let temp_dir = self.root.join("tmp");
        std::fs::create_dir_all(&temp_dir)?;
        let temp_path = temp_dir.join(format!("{:032x}.part", rand::random::<u128>()));
        let file = std::fs::File::create(&temp_path)?;
        Ok(Upload {
            store: self.clone(),
            temp_path,
            file: Some(std::io::BufWriter::new(file)),
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

    /// Stores bytes already in memory (a generated decision letter).
    pub fn store_bytes(&self, bytes: &[u8]) -> Result<StoredFile, StoreError> {
        let mut upload = self.begin()?;
        upload.write(bytes)?;
        upload.finish()
    }

    /// The bytes of a stored file.
    pub async fn read(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        let path = self.path_of(sha256).ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a SHA-256")
        })?;
        tokio::fs::read(path).await
    }

    /// `root/ab/abcdef…`; `None` for anything but 64 lowercase hex digits, so a stored name can
    /// never walk out of the store.
    fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64
            && sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| self.root.join(&sha256[..2]).join(sha256))
    }
}

/// A file being received.
pub struct Upload {
    store: DocumentStore,
    temp_path: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
}

impl Upload {
    /// Appends a chunk; refuses the file the moment it passes the limit.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        self.size += chunk.len() as u64;
        if self.size > self.store.max_bytes {
            return Err(StoreError::TooLarge {
                max_bytes: self.store.max_bytes,
            });
        }
        if self.head.len() < HEAD_LEN {
            let take = (HEAD_LEN - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        if let Some(file) = self.file.as_mut() {
            file.write_all(chunk)?;
        }
        Ok(())
    }

    /// Checks the content and moves the file to its place under its SHA-256.
    pub fn finish(mut self) -> Result<StoredFile, StoreError> {
        if self.size == 0 {
            return Err(StoreError::Empty);
        }
        let file_type = FileType::sniff(&self.head).ok_or(StoreError::UnsupportedType)?;
        if let Some(file) = self.file.take() {
            let file = file.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
        }
        let digest = std::mem::take(&mut self.hasher).finalize();
        let mut sha256 = String::with_capacity(64);
        for byte in digest.iter() {
            let _ = write!(sha256, "{byte:02x}");
        }
        let target = self
            .store
            .path_of(&sha256)
            .ok_or_else(|| std::io::Error::other("digest is not hex"))?;
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // Same name, same bytes: a file already there is this file.
        if target.exists() {
            std::fs::remove_file(&self.temp_path)?;
        } else {
            std::fs::rename(&self.temp_path, &target)?;
        }
        Ok(StoredFile {
            sha256,
            size_bytes: self.size,
            file_type,
        })
    }
}

impl Drop for Upload {
    /// An upload that was refused or abandoned leaves no temporary file behind.
    fn drop(&mut self) {
        self.file = None;
        if Path::new(&self.temp_path).exists() {
            let _ = std::fs::remove_file(&self.temp_path);
        }
    }
}

/// A file name safe to store and to send back in `Content-Disposition`: the last path part only,
/// no control characters, at most 150 characters, and the extension of what the file really is.
pub fn clean_filename(given: &str, file_type: FileType) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or("");
    let mut name: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
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
    name
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn temp_store(max: u64) -> (DocumentStore, PathBuf) {
        let root = std::env::temp_dir().join(format!("sagsspor-store-{:x}", rand::random::<u64>()));
        (DocumentStore::new(&root, max), root)
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

    #[test]
    fn stores_by_sha256_once_and_reads_back() {
        let (store, root) = temp_store(1024);
        let bytes = b"%PDF-1.4\nhello\n%%EOF\n";
        let first = store.store_bytes(bytes).unwrap();
        // sha256 of the bytes above, computed with `sha256sum`.
        assert_eq!(
            first.sha256,
            "b590a92e2746a726a4e73a79fcab165cb312b4c50cfc9e082e5243e99539a573"
        );
        assert_eq!(first.size_bytes, bytes.len() as u64);
        let second = store.store_bytes(bytes).unwrap();
        assert_eq!(first, second);
        let read = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(store.read(&first.sha256))
            .unwrap();
        assert_eq!(read, bytes);
        assert!(std::fs::read_dir(root.join("tmp"))
            .unwrap()
            .next()
            .is_none());
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn refuses_too_large_empty_and_foreign_files_leaving_nothing() {
        let (store, root) = temp_store(10);
        let mut upload = store.begin().unwrap();
        upload.write(b"%PDF-1.4").unwrap();
        assert!(matches!(
            upload.write(b"more than ten"),
            Err(StoreError::TooLarge { max_bytes: 10 })
        ));
        drop(upload);
        assert!(matches!(store.store_bytes(b""), Err(StoreError::Empty)));
        assert!(matches!(
            store.store_bytes(b"GIF89a...."),
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
    }
}
