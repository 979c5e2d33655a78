DROP INDEX information_request_items_open_deadline;
DROP TABLE outbox_messages;
DROP TABLE contact_preferences;
