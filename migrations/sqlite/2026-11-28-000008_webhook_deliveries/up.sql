-- The settings page lists each webhook receiver's latest deliveries: outbox messages by recipient
-- ('webhook:{id}'), newest first.
CREATE INDEX outbox_recipient ON outbox_messages (recipient, id);
