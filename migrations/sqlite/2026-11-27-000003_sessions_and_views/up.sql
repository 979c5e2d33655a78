-- Login sessions, kept in the database so they survive restarts and are shared by every
-- server instance; and when each user last looked at each case (the "new since" marker).
CREATE TABLE web_sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);

CREATE TABLE case_views (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    last_seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, case_id)
);
