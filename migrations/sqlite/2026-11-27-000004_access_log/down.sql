DROP INDEX cases_by_expected;
DROP INDEX cases_open_received;
DROP INDEX cases_open_expected;
DROP TABLE case_access_log;
