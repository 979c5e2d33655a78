-- Who looked at which case, when: the caseworker view's audit trail (changes are in case_events).
CREATE TABLE case_access_log (
    id INTEGER PRIMARY KEY,
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    viewed_at TIMESTAMP NOT NULL
);
CREATE INDEX case_access_log_case ON case_access_log (case_id, viewed_at);

-- The queue walks an authority's open cases in expected-date (no date last) or received order and stops after
-- one page. Partial: an authority's many decided cases would otherwise lie in the way. The WHERE
-- is the very text the queue's query carries (app/src/db/queue.rs, OPEN_STATES_SQL).
CREATE INDEX cases_open_expected ON cases (authority_code, COALESCE(expected_decision_on, '9999-12-31'), id)
    WHERE state IN ('submitted', 'registered', 'in_progress', 'awaiting_applicant', 'hearing');
-- Every state (the queue's "all cases"): the same order over all of an authority's cases.
CREATE INDEX cases_by_expected ON cases (authority_code, COALESCE(expected_decision_on, '9999-12-31'), id);
CREATE INDEX cases_open_received ON cases (authority_code, submitted_at, id)
    WHERE state IN ('submitted', 'registered', 'in_progress', 'awaiting_applicant', 'hearing');
