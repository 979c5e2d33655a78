-- Kept answers of idempotent API writes are forgotten after a while (see the hourly clean-up);
-- the clean-up finds the old ones by their age.
CREATE INDEX idempotency_records_by_age ON idempotency_records (created_at);
