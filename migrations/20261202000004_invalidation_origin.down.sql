ALTER TABLE cache_invalidations DROP COLUMN origin_tx;
