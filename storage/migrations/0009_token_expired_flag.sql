-- Warden schema, version 9: an `expired` flag, so that listing live tokens skips expired ones
-- by index instead of walking past them (issue 8: ListTokens p99 < 10 ms with 1,000,000
-- tokens, half of them expired).
--
-- Warden never deletes tokens, and ListTokens pages live tokens oldest first: without this,
-- the first page walked the (issued_at, id) index past every expired token (the oldest
-- ones) before it found a live one. `expires_at > now` cannot be a partial index's
-- predicate, so a sweep (TokenStore::MarkExpired, run by every replica at each reconcile)
-- sets the flag on tokens past their expiry, and the live listing reads a partial index on
-- NOT expired. The listing still checks expires_at, so a token expired since the last sweep
-- is never listed as live; the flag only lets the scan skip what is known to be expired.
ALTER TABLE tokens ADD COLUMN expired boolean NOT NULL DEFAULT false;
UPDATE tokens SET expired = true WHERE expires_at <= now();
CREATE INDEX tokens_unexpired_issued_at_id_idx ON tokens (issued_at, id) WHERE NOT expired;
CREATE INDEX tokens_unexpired_expires_at_idx ON tokens (expires_at) WHERE NOT expired;
