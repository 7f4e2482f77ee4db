-- 005: conversations and direct messages (Social.Storage.Messages.PostgresMessageStore).
--
-- A conversation's grain is the only writer of its messages: it assigns seq 1, 2, 3 ... and the
-- store keeps them. Messages are shaped after the seed's direct_messages, keyed by
-- (conversation_id, seq) instead of a serial id. The seed's is_read column is not stored: whether
-- a message is read follows from the reader's cursor (conversation_members.last_read_seq >= seq),
-- so marking a conversation read is one row update, not one per message.

CREATE TABLE conversations
(
    conversation_id varchar(100) NOT NULL,
    created_at      timestamptz  NOT NULL DEFAULT now(),

    CONSTRAINT conversations_pkey PRIMARY KEY (conversation_id)
);

CREATE TABLE conversation_members
(
    conversation_id varchar(100) NOT NULL,
    user_id         varchar(100) NOT NULL,
    last_read_seq   bigint       NOT NULL DEFAULT 0,   -- the member has read every seq up to here

    -- The primary key also serves "the members of a conversation" (its leading column).
    CONSTRAINT conversation_members_pkey PRIMARY KEY (conversation_id, user_id),
    CONSTRAINT conversation_members_conversation_fkey
        FOREIGN KEY (conversation_id) REFERENCES conversations (conversation_id)
);

-- "Every conversation of a user" (LoadUserConversationsAsync, when a user's index is rebuilt).
CREATE INDEX conversation_members_user_id_idx ON conversation_members (user_id);

-- No foreign key to conversations: the grain creates its conversation before the first append,
-- and a foreign key would look up and row-lock the conversation for every message written.
CREATE TABLE messages
(
    conversation_id     varchar(100) NOT NULL,
    seq                 bigint       NOT NULL,
    sender_id           varchar(100) NOT NULL,
    recipient_id        varchar(100) NOT NULL,
    content             text         NOT NULL,
    is_greeting         boolean      NOT NULL DEFAULT false,
    client_message_id   varchar(100) NULL,               -- the sender's idempotency key, if any
    is_hidden_sender    boolean      NOT NULL DEFAULT false,  -- "delete for me" by the sender
    is_hidden_recipient boolean      NOT NULL DEFAULT false,  -- ... and by the recipient
    created_at          timestamptz  NOT NULL,

    -- Pages (before/after a seq, the newest), the last seq, the recent window on activation and
    -- the newest message a user has not hidden are all range scans of this key. It also makes a
    -- seq impossible to store twice.
    CONSTRAINT messages_pkey PRIMARY KEY (conversation_id, seq)
);

-- A retried send can never store a second message: the grain answers retries from the client
-- ids it loaded, and this index is the backstop for a retry it could not see.
CREATE UNIQUE INDEX messages_client_message_id_key
    ON messages (conversation_id, sender_id, client_message_id)
    WHERE client_message_id IS NOT NULL;

-- Each member's last own seq (max(seq) per conversation and sender), read on activation and when
-- a user's conversation index is rebuilt; without it, a member who never wrote would cost a scan
-- of the whole conversation.
CREATE INDEX messages_sender_seq_idx ON messages (conversation_id, sender_id, seq);

-- Greetings are rare, so the two partial indexes below stay tiny and cost ordinary messages only
-- the predicate check.
-- "Greetings by this sender since a time" for the daily greeting limit.
CREATE INDEX messages_greetings_by_sender_idx ON messages (sender_id, created_at) WHERE is_greeting;

-- "Who has sent a greeting in this conversation" on activation, and the contract's
-- "one greeting per sender and recipient, ever" kept by the database, not only by the grain.
CREATE UNIQUE INDEX messages_greeting_per_sender_key ON messages (conversation_id, sender_id) WHERE is_greeting;
