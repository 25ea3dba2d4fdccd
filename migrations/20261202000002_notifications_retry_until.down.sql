ALTER TABLE notifications DROP COLUMN retry_until;
