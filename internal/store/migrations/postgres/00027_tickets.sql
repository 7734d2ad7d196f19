-- +goose Up
-- Pipelines and tickets (SPEC CRM-3): admins define pipelines of ordered
-- stages, each stage open or closed; a ticket sits in one stage of one
-- pipeline, its status following the stage's kind, and is linked to a
-- contact and to conversations (who may see it follows from those).
CREATE TABLE pipelines (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (kind, name)
);

CREATE TABLE pipeline_stages (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pipeline_id BIGINT NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    closed      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX pipeline_stages_pipeline ON pipeline_stages (pipeline_id, position);

CREATE TABLE tickets (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject     TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    pipeline_id BIGINT NOT NULL REFERENCES pipelines (id),
    stage_id    BIGINT NOT NULL REFERENCES pipeline_stages (id),
    status      TEXT NOT NULL,
    priority    TEXT NOT NULL,
    owner_id    BIGINT NULL REFERENCES users (id),
    contact_id  BIGINT NULL REFERENCES contacts (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX tickets_stage ON tickets (pipeline_id, stage_id, updated_at, id);
CREATE INDEX tickets_contact ON tickets (contact_id);

CREATE TABLE ticket_conversations (
    ticket_id       BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    PRIMARY KEY (ticket_id, conversation_id)
);
CREATE INDEX ticket_conversations_conversation ON ticket_conversations (conversation_id);

-- +goose Down
DROP TABLE ticket_conversations;
DROP TABLE tickets;
DROP TABLE pipeline_stages;
DROP TABLE pipelines;
