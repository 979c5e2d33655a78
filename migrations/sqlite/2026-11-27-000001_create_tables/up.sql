-- Sagsspor's tables (SQLite). The SQLite migration of the same name creates the same shape.

CREATE TABLE authorities (
    code INTEGER PRIMARY KEY CHECK (code BETWEEN 100 AND 999),
    name TEXT NOT NULL,
    region TEXT NOT NULL
);

CREATE TABLE service_goals (
    category TEXT PRIMARY KEY,
    name_da TEXT NOT NULL,
    name_en TEXT NOT NULL,
    target_days INTEGER NOT NULL CHECK (target_days > 0)
);

CREATE TABLE case_types (
    code TEXT PRIMARY KEY,
    domain TEXT NOT NULL CHECK (domain IN ('building', 'environment')),
    name_da TEXT NOT NULL,
    name_en TEXT NOT NULL,
    -- '|'-separated service-goal categories; the case picks one from the building's use. Empty: no national goal.
    goal_categories TEXT NOT NULL DEFAULT ''
);

CREATE TABLE reference_sequences (
    authority_code INTEGER NOT NULL REFERENCES authorities (code),
    year INTEGER NOT NULL,
    last_value BIGINT NOT NULL,
    PRIMARY KEY (authority_code, year)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('citizen', 'business', 'caseworker')),
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    cvr TEXT CHECK (cvr IS NULL OR length(cvr) = 8),
    authority_code INTEGER REFERENCES authorities (code),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (issuer, subject)
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    -- NULL while a draft: the reference is allocated in the transaction that submits it.
    reference TEXT UNIQUE,
    authority_code INTEGER NOT NULL REFERENCES authorities (code),
    case_type_code TEXT NOT NULL REFERENCES case_types (code),
    service_goal_category TEXT REFERENCES service_goals (category),
    title TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('portal', 'email', 'phone', 'post', 'esdh')),
    applicant_kind TEXT NOT NULL CHECK (applicant_kind IN ('person', 'business')),
    applicant_subject TEXT,
    applicant_cvr TEXT CHECK (applicant_cvr IS NULL OR length(applicant_cvr) = 8),
    applicant_name TEXT NOT NULL,
    created_by_user_id BIGINT REFERENCES users (id),
    property_address TEXT NOT NULL,
    cadastral_number TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    form_data TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL,
    declared_complete BOOLEAN NOT NULL DEFAULT FALSE,
    must_act TEXT NOT NULL CHECK (must_act IN ('authority', 'applicant', 'nobody')),
    esdh_number TEXT,
    assignee_user_id BIGINT REFERENCES users (id),
    not_covered_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    complete_at TIMESTAMP,
    decided_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    -- Derived by the clock whenever an event is written, so the queue can sort and filter by it.
    expected_decision_on DATE,
    -- The number of events; every write checks it (optimistic concurrency).
    version BIGINT NOT NULL DEFAULT 0,
    CHECK (applicant_kind <> 'business' OR applicant_cvr IS NOT NULL),
    UNIQUE (authority_code, esdh_number)
);
CREATE INDEX cases_queue ON cases (authority_code, state, expected_decision_on);
CREATE INDEX cases_received ON cases (authority_code, submitted_at);
CREATE INDEX cases_statistics ON cases (authority_code, case_type_code, decided_at);
CREATE INDEX cases_by_cvr ON cases (applicant_cvr, updated_at);
CREATE INDEX cases_by_creator ON cases (created_by_user_id, updated_at);
CREATE INDEX cases_by_subject ON cases (applicant_subject, updated_at);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('applicant', 'caseworker', 'system', 'esdh')),
    actor_user_id BIGINT REFERENCES users (id),
    actor_label TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    state_after TEXT NOT NULL,
    must_act_after TEXT NOT NULL CHECK (must_act_after IN ('authority', 'applicant', 'nobody')),
    visible_to_applicant BOOLEAN NOT NULL,
    public_text TEXT,
    internal_text TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    UNIQUE (case_id, seq)
);

CREATE TABLE information_requests (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL REFERENCES case_events (id),
    message TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
CREATE INDEX information_requests_case ON information_requests (case_id);

CREATE TABLE information_request_items (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES information_requests (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    deadline DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'answered', 'withdrawn')),
    answered_at TIMESTAMP,
    answer_comment TEXT,
    UNIQUE (request_id, position)
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('attachment', 'answer', 'decision')),
    request_item_id BIGINT REFERENCES information_request_items (id),
    uploaded_by_kind TEXT NOT NULL,
    uploaded_by_user_id BIGINT REFERENCES users (id),
    visible_to_applicant BOOLEAN NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_case ON documents (case_id);
