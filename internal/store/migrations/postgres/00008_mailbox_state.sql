-- +goose Up
-- Where each connected mailbox's sync stands: the UIDVALIDITY and last UID
-- taken in (advanced only after the message is committed), its health, and
-- which node holds it (a lease, so one node syncs a mailbox at a time).
CREATE TABLE mailbox_state (
    channel_id   BIGINT PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    uid_validity BIGINT NOT NULL DEFAULT 0,
    last_uid     BIGINT NOT NULL DEFAULT 0,
    synced_at    TIMESTAMPTZ NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    error_at     TIMESTAMPTZ NULL,
    owner        TEXT NOT NULL DEFAULT '',
    lease_until  TIMESTAMPTZ NULL
);

-- +goose Down
DROP TABLE mailbox_state;
