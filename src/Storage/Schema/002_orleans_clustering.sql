-- 002: Orleans cluster membership (Microsoft.Orleans.Clustering.AdoNet, invariant "Npgsql").
--
-- Silos use every query below through AdoNetClusteringTable; clients (the WebFront) use only
-- GatewaysQueryKey through AdoNetGatewayListProvider. The provider refuses to start unless all
-- nine required keys are present; CleanupDefunctSiloEntryKey is optional (10.4.x reads it when
-- present and then prunes dead silos row by row).
--
-- The membership protocol in one paragraph: each cluster (DeploymentId = ClusterId) has one
-- version row. Every change to a silo row (join, status change, suspicion) is a conditional
-- write: it succeeds only if the caller saw the current version, and it bumps that version in
-- the same transaction. Heartbeats (IAmAliveTime) are the exception: unconditional, and they
-- never move a timestamp backwards. Silo status codes (Orleans.Runtime.SiloStatus):
-- 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.

CREATE TABLE OrleansMembershipVersionTable
(
    DeploymentId varchar(150)   NOT NULL,
    Timestamp    timestamptz(3) NOT NULL DEFAULT now(),
    Version      integer        NOT NULL DEFAULT 0,

    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

CREATE TABLE OrleansMembershipTable
(
    DeploymentId varchar(150)   NOT NULL,
    Address      varchar(45)    NOT NULL,   -- IPv4 or IPv6 text
    Port         integer        NOT NULL,
    Generation   integer        NOT NULL,
    SiloName     varchar(150)   NOT NULL,
    HostName     varchar(150)   NOT NULL,
    Status       integer        NOT NULL,
    ProxyPort    integer        NULL,       -- gateway port; 0 when the silo is not a gateway
    SuspectTimes text           NULL,       -- "silo,time|silo,time", written by the provider
    StartTime    timestamptz(3) NOT NULL,   -- millisecond precision: the provider compares
    IAmAliveTime timestamptz(3) NOT NULL,   -- values it read back for equality (see below)

    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Conditional writes. Each function first bumps the version (which also takes the row lock
-- that serializes membership writers of one cluster), then changes the silo row. If the second
-- step finds nothing to do, the error raised inside the inner block rolls the bump back, so the
-- caller sees 0 and nothing changed. Raising explicitly (rather than ASSERT) keeps this working
-- when plpgsql.check_asserts is off.

CREATE FUNCTION orleans_membership_insert(
    p_deployment_id    varchar,
    p_address          varchar,
    p_port             integer,
    p_generation       integer,
    p_silo_name        varchar,
    p_host_name        varchar,
    p_status           integer,
    p_proxy_port       integer,
    p_start_time       timestamptz,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
           SET Version = Version + 1,
               Timestamp = now()
         WHERE DeploymentId = p_deployment_id
           AND Version = p_expected_version
           AND Version < 2147483647;
        IF NOT FOUND THEN
            RETURN 0;   -- someone else changed the table first: the caller re-reads and retries
        END IF;

        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName,
             Status, ProxyPort, StartTime, IAmAliveTime)
        VALUES
            (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
             p_status, p_proxy_port, p_start_time, p_i_am_alive_time)
        ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'silo row already exists' USING ERRCODE = 'OR409';
        END IF;

        RETURN 1;
    EXCEPTION
        WHEN SQLSTATE 'OR409' THEN
            RETURN 0;   -- the version bump above is rolled back with the block
    END;
END
$fn$;

CREATE FUNCTION orleans_membership_update(
    p_deployment_id    varchar,
    p_address          varchar,
    p_port             integer,
    p_generation       integer,
    p_status           integer,
    p_suspect_times    text,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
           SET Version = Version + 1,
               Timestamp = now()
         WHERE DeploymentId = p_deployment_id
           AND Version = p_expected_version
           AND Version < 2147483647;
        IF NOT FOUND THEN
            RETURN 0;
        END IF;

        UPDATE OrleansMembershipTable
           SET Status = p_status,
               SuspectTimes = p_suspect_times,
               -- A heartbeat may have landed after the caller read the row; keep the later time.
               IAmAliveTime = GREATEST(IAmAliveTime, p_i_am_alive_time)
         WHERE DeploymentId = p_deployment_id
           AND Address = p_address
           AND Port = p_port
           AND Generation = p_generation;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'silo row does not exist' USING ERRCODE = 'OR404';
        END IF;

        RETURN 1;
    EXCEPTION
        WHEN SQLSTATE 'OR404' THEN
            RETURN 0;
    END;
END
$fn$;

-- The statements the provider runs, keyed as AdoNetClusteringTable expects. Parameter names
-- (@DeploymentId, ...) and result column names are the provider's; everything else is ours.

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- Creates the cluster's version row on first start. Returns 1 if created, 0 if it existed.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer FROM created;
$q$),

-- A silo joins: insert its row if the caller saw the current version. Returns 1 or 0.
('InsertMembershipKey', $q$
SELECT orleans_membership_insert(
    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
    @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version);
$q$),

-- Status or suspicion change of a silo row, if the caller saw the current version. Returns 1 or 0.
('UpdateMembershipKey', $q$
SELECT orleans_membership_update(
    @DeploymentId, @Address, @Port, @Generation,
    @Status, @SuspectTimes, @IAmAliveTime, @Version);
$q$),

-- Heartbeat: unconditional, does not touch the version, never moves the time backwards.
('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable
   SET IAmAliveTime = GREATEST(IAmAliveTime, @IAmAliveTime)
 WHERE DeploymentId = @DeploymentId
   AND Address = @Address
   AND Port = @Port
   AND Generation = @Generation;
$q$),

-- One silo's row plus the table version. The outer join returns the version row even when the
-- silo has no row (the provider then sees StartTime NULL and reports no entry).
('MembershipReadRowKey', $q$
SELECT v.DeploymentId,
       m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime,
       v.Version
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m
         ON m.DeploymentId = v.DeploymentId
        AND m.Address = @Address
        AND m.Port = @Port
        AND m.Generation = @Generation
 WHERE v.DeploymentId = @DeploymentId;
$q$),

-- Every silo row of the cluster plus the table version (same shape as above).
('MembershipReadAllKey', $q$
SELECT v.DeploymentId,
       m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
       m.SuspectTimes, m.StartTime, m.IAmAliveTime,
       v.Version
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m
         ON m.DeploymentId = v.DeploymentId
 WHERE v.DeploymentId = @DeploymentId;
$q$),

-- Forget a whole cluster (used by tests and tooling, never by a running silo).
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$),

-- Gateways for clients: active silos (@Status = 3) that listen for clients.
('GatewaysQueryKey', $q$
SELECT Address, ProxyPort, Generation
  FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Status = @Status
   AND ProxyPort > 0;
$q$),

-- Required, but 10.4.x runs it only when CleanupDefunctSiloEntryKey is missing: prune dead silos
-- not heard from since @IAmAliveTime. A row with suspicion votes is kept, because SQL cannot
-- tell whether a vote is recent; the row-by-row query below handles those.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Status = 6
   AND IAmAliveTime < @IAmAliveTime
   AND StartTime < @IAmAliveTime
   AND COALESCE(SuspectTimes, '') = '';
$q$),

-- Optional (10.4.x): the provider reads all rows, decides in code which dead silos are old
-- enough, and deletes each one only if it still holds exactly the values it read, so a row
-- that changed in the meantime survives.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Status = 6
   AND Address = @Address
   AND Port = @Port
   AND Generation = @Generation
   AND StartTime = @StartTime
   AND IAmAliveTime = @IAmAliveTime
   AND COALESCE(SuspectTimes, '') = COALESCE(@SuspectTimes, '');
$q$);
