-- Emails are retried for as long as a mail server would retry them (three days from queueing,
-- or from a staff member's resend), not for a fixed number of attempts.
ALTER TABLE notifications
    ADD COLUMN retry_until TIMESTAMPTZ NOT NULL DEFAULT now() + interval '3 days';
UPDATE notifications SET retry_until = created_at + interval '3 days';
