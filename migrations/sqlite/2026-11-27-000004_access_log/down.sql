DROP TABLE case_access_log;
