-- Machine clients of the integration API (/api/v1): one authority's case system (ESDH) each. Only
-- a hash of the secret is kept; the secret is shown once, by `sagsspor client create`.
CREATE TABLE api_clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    authority_code INTEGER NOT NULL REFERENCES authorities (code),
    name TEXT NOT NULL,
    -- Hex SHA-256 of the whole secret (the secret is 256 random bits, so no slow hash is needed).
    secret_sha256 TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP
);

-- The first answer to a POST with an Idempotency-Key, written in the same transaction as what the
-- POST did, so a retry gets that answer and changes nothing.
CREATE TABLE idempotency_records (
    client_id BIGINT NOT NULL REFERENCES api_clients (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    -- Hex SHA-256 of method, path and body: the same key with another request is refused.
    request_sha256 TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    etag TEXT,
    location TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (client_id, idempotency_key)
);

-- The transaction that wrote the event, for the changes feed's order on PostgreSQL. SQLite has
-- one writer at a time and commits in id order, so here it stays 0 and the feed orders by id.
ALTER TABLE case_events ADD COLUMN writer_xid BIGINT NOT NULL DEFAULT 0;
-- The case's authority, copied onto its events (a case never changes authority) so that one
-- authority's feed is read from one index in feed order, however many cases other authorities have.
ALTER TABLE case_events ADD COLUMN authority_code INTEGER NOT NULL DEFAULT 0;
UPDATE case_events SET authority_code = (SELECT authority_code FROM cases WHERE cases.id = case_events.case_id);
CREATE INDEX case_events_feed ON case_events (authority_code, writer_xid, id);

-- A secret, unguessable token for the status-only page /spor/{token}; the applicant can replace it.
ALTER TABLE cases ADD COLUMN tracking_token TEXT;
UPDATE cases SET tracking_token = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX cases_tracking_token ON cases (tracking_token);

-- How to reach an applicant without a portal login (a case registered by the authority's ESDH).
ALTER TABLE cases ADD COLUMN contact_email TEXT;
ALTER TABLE cases ADD COLUMN contact_mobile TEXT;

-- The secret address of a user's calendar feed (ICS) of deadlines and expected decision dates.
ALTER TABLE users ADD COLUMN calendar_token TEXT;
CREATE UNIQUE INDEX users_calendar_token ON users (calendar_token);

-- Webhook receivers. A company's (cvr): every event the applicant may see on a case of the CVR.
-- An authority case system's (api_client_id): every event on a case of the client's authority.
-- Each is POSTed signed after Standard Webhooks, through the outbox (channel 'webhook').
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cvr TEXT,
    api_client_id BIGINT REFERENCES api_clients (id),
    url TEXT NOT NULL,
    -- The signing secret as Standard Webhooks writes it: 'whsec_' + base64 of the key bytes.
    secret TEXT NOT NULL,
    created_by_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP,
    CHECK ((cvr IS NULL) <> (api_client_id IS NULL))
);
CREATE INDEX webhook_endpoints_cvr ON webhook_endpoints (cvr) WHERE removed_at IS NULL;
CREATE INDEX webhook_endpoints_client ON webhook_endpoints (api_client_id) WHERE removed_at IS NULL;
