-- Who looked at which case, when: the caseworker view's audit trail (changes are in case_events).
CREATE TABLE case_access_log (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    viewed_at TIMESTAMP NOT NULL
);
CREATE INDEX case_access_log_case ON case_access_log (case_id, viewed_at);

-- The queue walks an authority's cases in expected-date order and stops after one page.
CREATE INDEX cases_queue_expected ON cases (authority_code, expected_decision_on, id);
