DROP INDEX documents_by_sha256;
DROP TABLE document_chunks;
DROP TABLE document_blobs;
