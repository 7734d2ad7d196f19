-- +goose Up
-- Signed webhooks (SPEC PLT-1): endpoints admins register, each with the
-- event types it wants; the webhooks consumer of the log writes a delivery
-- per endpoint and event in the transaction that moves its cursor, and the
-- sender posts each endpoint's deliveries in order, recording every
-- attempt. kind, inbox_id and channel_id let the same machinery post to a
-- chat tool (an inbox's new conversations) and to a messaging bridge (an
-- API channel's replies).
CREATE TABLE webhook_endpoints (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            TEXT NOT NULL DEFAULT 'webhook',
    url             TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    secret          TEXT NOT NULL,
    event_types     TEXT NOT NULL DEFAULT '[]',
    inbox_id        BIGINT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    channel_id      BIGINT NULL REFERENCES channels (id) ON DELETE CASCADE,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT NOT NULL DEFAULT '',
    failures        INTEGER NOT NULL DEFAULT 0,
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_until     TIMESTAMPTZ NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE webhook_deliveries (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id  BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    message_id   TEXT NOT NULL,
    seq          BIGINT NOT NULL DEFAULT 0,
    event_type   TEXT NOT NULL,
    payload      TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    done_at      TIMESTAMPTZ NULL
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at           TIMESTAMPTZ NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    duration_ms  INTEGER NOT NULL DEFAULT 0,
    response     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- Whether outbound calls may reach private networks: off unless an admin
-- turns it on.
ALTER TABLE org ADD COLUMN allow_private_targets BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE org DROP COLUMN allow_private_targets;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
