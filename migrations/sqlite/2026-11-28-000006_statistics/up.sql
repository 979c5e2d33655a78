-- The clock's figures of every decided case, written with the event that decides (or re-decides)
-- it and removed when it is reopened: the public statistics aggregate these rows instead of
-- replaying every history, so the page stays fast at a million cases.
CREATE TABLE decision_figures (
    case_id BIGINT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    authority_code INTEGER NOT NULL,
    case_type_code TEXT NOT NULL,
    -- Danish date of the decision in force.
    decided_on DATE NOT NULL,
    total_days INTEGER NOT NULL,
    authority_days INTEGER NOT NULL,
    applicant_days INTEGER NOT NULL,
    -- Service-goal days used; NULL when the goal does not apply.
    goal_days_used INTEGER,
    -- kept | missed | not_covered
    goal_status TEXT NOT NULL,
    -- Why not covered: no_national_goal, decided_before_complete, or marked:<the caseworker's reason>.
    not_covered TEXT
);
CREATE INDEX decision_figures_by_type ON decision_figures (case_type_code, decided_on);
CREATE INDEX decision_figures_by_authority ON decision_figures (authority_code, decided_on);

-- Received per type in a period (the statistics' "all authorities on one type").
CREATE INDEX cases_received_by_type ON cases (case_type_code, submitted_at);

-- How often applicants looked their case up themselves, per authority and month: each a status
-- call the authority did not have to answer.
CREATE TABLE status_lookups (
    authority_code INTEGER NOT NULL REFERENCES authorities (code),
    month TEXT NOT NULL,
    lookups BIGINT NOT NULL,
    PRIMARY KEY (authority_code, month)
);
