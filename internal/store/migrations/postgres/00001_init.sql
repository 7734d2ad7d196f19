-- +goose Up
CREATE TABLE org (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email              TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'viewer')),
    password_hash      TEXT NOT NULL DEFAULT '',
    routable           BOOLEAN NOT NULL DEFAULT TRUE,
    availability       TEXT NOT NULL DEFAULT 'available' CHECK (availability IN ('available', 'away')),
    reassign_when_away BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         TIMESTAMPTZ NOT NULL
);

CREATE TABLE teams (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE sessions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_links (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ NULL
);

CREATE TABLE inboxes (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL UNIQUE,
    access     TEXT NOT NULL CHECK (access IN ('everyone', 'specific')),
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE inbox_users (
    inbox_id BIGINT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (inbox_id, user_id)
);
CREATE INDEX inbox_users_user ON inbox_users (user_id);

CREATE TABLE inbox_teams (
    inbox_id BIGINT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    team_id  BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    PRIMARY KEY (inbox_id, team_id)
);
CREATE INDEX inbox_teams_team ON inbox_teams (team_id);

CREATE TABLE channels (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inbox_id   BIGINT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('api', 'email', 'chat', 'form', 'call')),
    name       TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    config     JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX channels_inbox ON channels (inbox_id);

CREATE TABLE contacts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    owner_id   BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    blocked_at TIMESTAMPTZ NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE contact_emails (
    email      TEXT PRIMARY KEY,
    contact_id BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_emails_contact ON contact_emails (contact_id, position);

CREATE TABLE conversations (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    inbox_id         BIGINT NOT NULL REFERENCES inboxes (id) ON DELETE CASCADE,
    channel_id       BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    contact_id       BIGINT NULL REFERENCES contacts (id) ON DELETE SET NULL,
    subject          TEXT NOT NULL DEFAULT '',
    preview          TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    placement        TEXT NOT NULL CHECK (placement IN ('inbox', 'filtered', 'spam', 'trash')),
    assignee_id      BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    team_id          BIGINT NULL REFERENCES teams (id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    last_activity_at TIMESTAMPTZ NOT NULL,
    last_customer_at TIMESTAMPTZ NULL,
    last_agent_at    TIMESTAMPTZ NULL,
    closed_at        TIMESTAMPTZ NULL,
    trashed_at       TIMESTAMPTZ NULL
);
CREATE INDEX conversations_list ON conversations (inbox_id, placement, status, last_activity_at, id);
CREATE INDEX conversations_contact ON conversations (contact_id);
CREATE INDEX conversations_trash ON conversations (trashed_at) WHERE placement = 'trash';

CREATE TABLE messages (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('message', 'comment')),
    direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    author_id       BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    contact_id      BIGINT NULL REFERENCES contacts (id) ON DELETE SET NULL,
    text            TEXT NOT NULL DEFAULT '',
    html            TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);

-- Dedupe keys of inbound items. A row outlives its conversation as a
-- tombstone (NULL ids), so a re-delivery never re-imports deleted mail.
CREATE TABLE inbound_keys (
    channel_id      BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    dedupe_key      TEXT NOT NULL,
    conversation_id BIGINT NULL,
    message_id      BIGINT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (channel_id, dedupe_key)
);
CREATE INDEX inbound_keys_conversation ON inbound_keys (conversation_id);

-- The event log. Appenders take an advisory lock before inserting, so
-- sequence numbers become visible in order (see store/dialect.go).
CREATE TABLE events (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type            TEXT NOT NULL,
    inbox_id        BIGINT NULL,
    conversation_id BIGINT NULL,
    message_id      BIGINT NULL,
    actor_kind      TEXT NOT NULL,
    actor_id        BIGINT NULL,
    at              TIMESTAMPTZ NOT NULL,
    data            JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX events_conversation ON events (conversation_id, seq);

-- +goose Down
DROP TABLE events;
DROP TABLE inbound_keys;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE contact_emails;
DROP TABLE contacts;
DROP TABLE channels;
DROP TABLE inbox_teams;
DROP TABLE inbox_users;
DROP TABLE inboxes;
DROP TABLE login_links;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE users;
DROP TABLE org;
