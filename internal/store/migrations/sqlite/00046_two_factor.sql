-- +goose Up
-- Two-factor sign-in (SPEC ORG-5): a person's authenticator secret (sealed
-- with the server's key; enabled_at is NULL while they enrol), the last
-- time step a code was taken for, so a code works once; ten single-use
-- recovery codes, kept as hashes; and whom the organisation requires it
-- of: nobody, admins (owners and admins) or everyone.
CREATE TABLE two_factor (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    enabled_at TIMESTAMP NULL,
    last_step  BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE recovery_codes (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMP NULL,
    PRIMARY KEY (user_id, code_hash)
);

ALTER TABLE org ADD COLUMN require_two_factor TEXT NOT NULL DEFAULT 'none';

-- +goose Down
ALTER TABLE org DROP COLUMN require_two_factor;
DROP TABLE recovery_codes;
DROP TABLE two_factor;
