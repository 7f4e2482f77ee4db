-- 009: people search by display name (PostgresUserDirectory.SearchPeopleSql) matches
-- lower(display_name) LIKE '%q%', which no b-tree can serve. A pg_trgm GIN index can, for
-- queries of 3 characters or more (shorter ones read the table, as before).
--
-- pg_trgm ships with PostgreSQL (Debian's postgresql-15 package holds the contrib extensions)
-- and is a trusted extension since PostgreSQL 13: a role with CREATE on the database may create
-- it. Where it cannot be created (no such package, or not allowed), this script still succeeds
-- without the index and search keeps working, reading the table; create the extension as a
-- superuser and run the index statement below by hand to add it later (README, "PostgreSQL").
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN
    RAISE NOTICE 'pg_trgm is not available (%): display-name search reads the users table', SQLERRM;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE INDEX IF NOT EXISTS users_display_name_trgm ON users USING gin (lower(display_name) gin_trgm_ops);
    END IF;
END
$$;
