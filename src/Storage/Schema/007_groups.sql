-- 007: group conversations (Social.Storage.Groups.PostgresGroupStore).
--
-- A group's messages (system messages for membership changes among them) are rows of
-- `messages` like direct messages, with recipient_id = the group's conversation id ('' for a
-- system message). Membership, roles and the name are the group grain's state, rebuilt from
-- those system messages. What is per member and written often lives here: the read cursor
-- (one row per member, raised in place, never a row per message) and "delete for me".

CREATE TABLE group_read_cursors
(
    group_id      varchar(100) NOT NULL,
    user_id       varchar(100) NOT NULL,
    last_read_seq bigint       NOT NULL,

    CONSTRAINT group_read_cursors_pkey PRIMARY KEY (group_id, user_id)
);

CREATE TABLE group_hidden_messages
(
    group_id varchar(100) NOT NULL,
    user_id  varchar(100) NOT NULL,
    seq      bigint       NOT NULL,

    -- "What this member hid in this group" is a range scan of the key.
    CONSTRAINT group_hidden_messages_pkey PRIMARY KEY (group_id, user_id, seq)
);
