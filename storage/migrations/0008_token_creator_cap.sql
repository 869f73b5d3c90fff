-- Warden schema, version 8: the cap on live tokens per creator (issue 9, docs/security.md).
--
-- GenerateToken counts the creator's unrevoked, unexpired tokens before inserting
-- (storage/token_store.cc, kCountLive), under a per-creator advisory lock so two concurrent
-- mints cannot both pass at the cap. This partial index makes that count read only the
-- creator's live-or-expired-unrevoked entries. Revoked tokens leave it.
CREATE INDEX tokens_creator_unrevoked ON tokens (created_by, expires_at) WHERE NOT revoked;
