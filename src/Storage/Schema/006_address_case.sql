-- 006: public addresses are stored normalized (UserNames.NormalizeAddress: trimmed, NFKC, case
-- folded), so users_address_key makes them unique case-insensitively. Existing mixed-case rows
-- are lower-cased where that clashes with nobody: the oldest of rows that differ only by case
-- takes the lower-case spelling, the others keep theirs (they stay findable only as stored).
UPDATE users AS u
SET address = lower(u.address)
FROM (
    SELECT user_id,
           row_number() OVER (PARTITION BY lower(address) ORDER BY created_at, user_id) AS rank,
           bool_or(address = lower(address)) OVER (PARTITION BY lower(address)) AS lower_taken
    FROM users
    WHERE address IS NOT NULL
) AS r
WHERE u.user_id = r.user_id
  AND r.rank = 1
  AND NOT r.lower_taken
  AND u.address <> lower(u.address);
