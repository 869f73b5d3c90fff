-- Warden schema, version 7: when each token was last used (SPEC §1, issue 8).
--
-- NULL: never used as far as Warden knows. Written by the usage recorder's batched flush
-- (storage/token_store.cc, kRecordUses), at most once a minute per token, and only ever
-- moved forward. Adding a nullable column without a default is a catalog-only change: no
-- table rewrite, however many tokens there are.
ALTER TABLE tokens ADD COLUMN last_used_at timestamptz;

-- No index on last_used_at, deliberately. ListTokens' unused_since filter walks the
-- (issued_at, id) keyset index it already pages over and examines a bounded number of rows
-- per page, so it needs none; and an index naming last_used_at would make every flush
-- update a non-HOT one that rewrites all of the table's indexes. Leave room on each page
-- instead, so that those updates can stay on the row's page (HOT) and touch no index. It
-- applies to pages written from now on; existing pages get it when the table is rewritten.
ALTER TABLE tokens SET (fillfactor = 90);
