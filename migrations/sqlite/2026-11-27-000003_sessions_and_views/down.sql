DROP TABLE case_views;
DROP TABLE web_sessions;
