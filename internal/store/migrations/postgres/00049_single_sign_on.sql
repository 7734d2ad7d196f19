-- +goose Up
-- Single sign-on (SPEC ORG-5, issue 18): the organisation's one OpenID
-- Connect provider — its name on the sign-in button, issuer, client id and
-- secret (sealed with the server's key, like channel secrets), whether it
-- is on, whom it lets join (nobody: '', or 'agent', 'viewer') and whether
-- people other than admins may still sign in with a password while it is
-- on, and the email domains whose people may join (comma-separated,
-- required when anyone joins). A sign-in begun and not finished is an
-- sso_states row: its state (kept as a hash), nonce and PKCE verifier,
-- taken once and expiring. An sso_identities row is the provider's subject
-- (sub) for a user, recorded at their first sign-in from that issuer: later
-- ones must present it, so that an address the provider gives someone new
-- does not open the old account.
CREATE TABLE sso_settings (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    name             TEXT NOT NULL,
    issuer           TEXT NOT NULL,
    client_id        TEXT NOT NULL,
    client_secret    TEXT NOT NULL DEFAULT '',
    enabled          BOOLEAN NOT NULL DEFAULT FALSE,
    join_role        TEXT NOT NULL DEFAULT '',
    password_sign_in BOOLEAN NOT NULL DEFAULT TRUE,
    allowed_domains  TEXT NOT NULL DEFAULT '',
    updated_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE sso_states (
    state_hash TEXT PRIMARY KEY,
    nonce      TEXT NOT NULL,
    verifier   TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sso_states_expires ON sso_states (expires_at);

CREATE TABLE sso_identities (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, issuer),
    UNIQUE (issuer, subject)
);

-- +goose Down
DROP TABLE sso_identities;
DROP TABLE sso_states;
DROP TABLE sso_settings;
