-- The transaction that logged each invalidation: the process that made a booking change
-- delivers that change itself right after committing and then deletes just its own rows,
-- so the request path never contends with the relay over the rest of the log. No index: the
-- relay keeps the table at a few rows while Redis is up, and nothing deletes by origin while
-- it is down.
ALTER TABLE cache_invalidations ADD COLUMN origin_tx BIGINT NOT NULL DEFAULT txid_current();
