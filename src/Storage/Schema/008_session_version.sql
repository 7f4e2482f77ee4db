-- 008: per-user session version (Social.Storage.Accounts, docs/api.md "Profile settings").
--
-- Every access token we issue carries the account's session_version (claim "sv"); a token whose
-- version is below the stored one is refused. Changing the password raises it in the same
-- UPDATE that stores the new hash, so the tokens issued before the change stop working.
ALTER TABLE users ADD COLUMN session_version integer NOT NULL DEFAULT 0;
