DROP INDEX cases_queue_expected;
DROP TABLE case_access_log;
