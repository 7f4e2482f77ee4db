-- 003: Orleans grain state (Microsoft.Orleans.Persistence.AdoNet, invariant "Npgsql").
--
-- One row per (service, state name, grain key). The provider identifies a row by:
--   GrainTypeString  the state *name* given to [PersistentState(name, storage)], not the grain
--                    class: two grain classes that use the same state name and the same key
--                    share one row;
--   GrainIdN0/N1     the key when Orleans parses it as a number or a GUID, else 0/0;
--   GrainIdExtensionString  the key when it is a plain string (or a key extension);
--   GrainIdHash / GrainTypeHash  hashes of the above, used only to narrow the index scan.
-- Orleans parses a string key that looks like a hexadecimal integer ("a", "0a", "A", "10") or a
-- GUID as a number, so such raw keys can collide ("a", "0a" and "A" are all 10). Our grains
-- prefix their keys ("u/" + user id), which makes every key a plain string.
--
-- Version is the ETag: NULL/absent means "never written"; every write adds one. A write or
-- clear with a stale version changes nothing and returns the old version, which the provider
-- turns into an InconsistentStateException.

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,      -- NULL after a clear
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NULL
);

-- Unique, so two activations of one grain racing to write its first state cannot both insert
-- (the loser's INSERT does nothing and it gets a version conflict). NULLS NOT DISTINCT
-- (PostgreSQL 15+) makes a NULL key extension count as a value.
CREATE UNIQUE INDEX UX_OrleansStorage_Grain
    ON OrleansStorage (GrainIdHash, GrainTypeHash, ServiceId, GrainIdN0, GrainIdN1,
                       GrainTypeString, GrainIdExtensionString)
    NULLS NOT DISTINCT;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Columns read by name: PayloadBinary (NULL = no state) and Version (the ETag).
('ReadFromStorageKey', $q$
SELECT PayloadBinary, Version
  FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND ServiceId = @ServiceId
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$),

-- With a version: update the row if it still has that version. Without one (never read a
-- row): insert, unless a row exists. Returns NewGrainStateVersion: the new version on
-- success, the version passed in (or NULL) when nothing was written.
('WriteToStorageKey', $q$
WITH updated AS (
    UPDATE OrleansStorage
       SET PayloadBinary = @PayloadBinary,
           Version = Version + 1,
           ModifiedOn = now()
     WHERE @GrainStateVersion IS NOT NULL
       AND GrainIdHash = @GrainIdHash
       AND GrainTypeHash = @GrainTypeHash
       AND ServiceId = @ServiceId
       AND GrainIdN0 = @GrainIdN0
       AND GrainIdN1 = @GrainIdN1
       AND GrainTypeString = @GrainTypeString
       AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
       AND Version = @GrainStateVersion
    RETURNING Version
), inserted AS (
    INSERT INTO OrleansStorage
        (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
         GrainIdExtensionString, ServiceId, PayloadBinary, Version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
           @GrainIdExtensionString, @ServiceId, @PayloadBinary, 1
     WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING Version
)
SELECT COALESCE((SELECT Version FROM updated),
                (SELECT Version FROM inserted),
                @GrainStateVersion) AS NewGrainStateVersion;
$q$),

-- Clear without deleting (the default): drop the payload, keep the row, bump the version.
-- No row returned means the version was stale.
('ClearStorageKey', $q$
UPDATE OrleansStorage
   SET PayloadBinary = NULL,
       Version = Version + 1,
       ModifiedOn = now()
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND ServiceId = @ServiceId
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
   AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
$q$),

-- Clear with AdoNetGrainStorageOptions.DeleteStateOnClear = true: remove the row. Returns the
-- version the row would have had, which is what the provider checks.
('DeleteStorageKey', $q$
DELETE FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND ServiceId = @ServiceId
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
   AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
$q$);
