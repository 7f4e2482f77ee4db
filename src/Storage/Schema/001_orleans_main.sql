-- 001: the query catalogue of the Orleans ADO.NET providers.
--
-- Orleans' ADO.NET clustering and persistence providers issue no SQL of their own: at start-up
-- each one reads its statements from this table ("SELECT QueryKey, QueryText FROM OrleansQuery")
-- and from then on runs them by key with named parameters (@DeploymentId, @GrainIdHash, ...).
-- The scripts that follow (002, 003) insert their rows here. A provider started against a
-- database without this table fails at start-up, which is why the schema migrator runs first.
--
-- Contract with the providers (Microsoft.Orleans.*.AdoNet 10.4.x):
--   * parameter names and result column names are fixed; statements may be rewritten freely;
--   * identifiers are unquoted, so PostgreSQL folds them to lower case and Npgsql matches result
--     columns case-insensitively (QueryKey is read back as "querykey").

CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
