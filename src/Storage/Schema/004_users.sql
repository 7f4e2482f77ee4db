-- 004: accounts (Social.Storage.Accounts.PostgresUserDirectory).
--
-- Uniqueness lives in the database, never in check-then-insert code: registering races are
-- settled by the unique constraints below, whose names PostgresUserDirectory maps to
-- UsernameTaken / AddressTaken. Keep those names in step with the code.

CREATE TABLE users
(
    user_id        varchar(100) NOT NULL,
    username       varchar(32)  NOT NULL,                -- as registered, case kept
    -- lower-cased by the application (invariant culture), so PostgreSQL and the in-memory
    -- directory agree on what "the same name" means. COLLATE "C" makes the unique index below
    -- usable for prefix search (LIKE 'abc%') and for ORDER BY username_lower whatever the
    -- database's default collation is; with a linguistic collation neither would use it.
    username_lower varchar(32)  COLLATE "C" NOT NULL,
    display_name   text         NOT NULL,
    address        varchar(256) NULL,                    -- optional public handle, exact match
    password_hash  text         NOT NULL,
    created_at     timestamptz  NOT NULL DEFAULT now(),

    CONSTRAINT users_pkey PRIMARY KEY (user_id),
    -- Declared before the address constraint on purpose: PostgreSQL checks unique indexes in
    -- creation order, so a registration that clashes on both reports the username.
    CONSTRAINT users_username_lower_key UNIQUE (username_lower),
    CONSTRAINT users_address_key UNIQUE (address)        -- NULLs never clash
);
