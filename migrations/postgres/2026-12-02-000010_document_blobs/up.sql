-- Documents' bytes in the database (SAGSSPOR_DOCUMENT_STORE=database), so that every instance
-- on one database serves every document. A file is named by its SHA-256 and stored once however
-- many documents refer to it; its bytes are split into chunks so no single value is a whole file.
CREATE TABLE document_blobs (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size_bytes BIGINT NOT NULL CHECK (size_bytes >= 0),
    chunk_count INTEGER NOT NULL CHECK (chunk_count >= 0),
    -- When it was last stored (again): the sweep of unreferenced files spares a young one.
    stored_at TIMESTAMP NOT NULL
);

CREATE TABLE document_chunks (
    sha256 TEXT NOT NULL REFERENCES document_blobs (sha256) ON DELETE CASCADE,
    seq INTEGER NOT NULL CHECK (seq >= 0),
    data BYTEA NOT NULL,
    PRIMARY KEY (sha256, seq)
);

-- The sweep asks, for every stored file, whether a document refers to it.
CREATE INDEX documents_by_sha256 ON documents (sha256);
