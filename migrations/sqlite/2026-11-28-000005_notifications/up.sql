-- How each person wants to hear about their cases. No row: e-mail to the login's address, every topic, in Danish.
CREATE TABLE contact_preferences (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    email TEXT,
    -- Normalised to +45 and eight digits.
    mobile TEXT,
    language TEXT NOT NULL CHECK (language IN ('da', 'en')),
    -- '|'-separated topics (services::notifications::Topic) wanted on each channel.
    email_topics TEXT NOT NULL,
    sms_topics TEXT NOT NULL,
    -- A business user: also every other case of the company's CVR, not only those they started.
    company_cases BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL
);

-- The transactional outbox: written in the transaction of the event that causes a message, sent by
-- the worker (server/src/outbox_worker.rs). The payload is what the message says, as of the event;
-- it is rendered into text at sending time.
CREATE TABLE outbox_messages (
    id INTEGER PRIMARY KEY,
    -- One message per (cause, channel, recipient): a second enqueue of the same is ignored, and the
    -- key travels with the message (Message-ID, Idempotency-Key) so a receiver can drop a repeat.
    dedup_key TEXT NOT NULL UNIQUE,
    case_id BIGINT REFERENCES cases (id) ON DELETE CASCADE,
    event_id BIGINT REFERENCES case_events (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    topic TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    language TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- A worker that took the message holds it until then; a dead worker's lease simply runs out.
    leased_until TIMESTAMP,
    lease_owner TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_case ON outbox_messages (case_id, created_at);
CREATE INDEX outbox_user_case ON outbox_messages (user_id, case_id, topic, created_at);

-- Reminders look for open items by deadline.
CREATE INDEX information_request_items_open_deadline ON information_request_items (deadline)
    WHERE status = 'open';
