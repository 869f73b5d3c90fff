-- Warden schema, version 12: when Warden began signing ES256 tokens only low-S.
--
-- OpenSSL produces either s or n - s; Warden now normalizes to the low form and refuses the
-- high form, so that no token has a second valid string. Tokens issued earlier may carry
-- either form (about half are high-S), and refusing them would end valid credentials: those
-- issued before this moment keep being accepted in either form until they expire. Fixed at
-- the first start of a Warden that signs low-S; every replica reads it at start-up.
CREATE TABLE signature_policy (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  high_s_issued_before timestamptz NOT NULL DEFAULT now()
);
INSERT INTO signature_policy DEFAULT VALUES;
