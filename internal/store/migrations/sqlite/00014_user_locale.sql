-- +goose Up
-- The language a user works in (SPEC PLT-6): the mail Parley writes them,
-- or writes on their behalf, uses it. Empty: not known yet.
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN locale;
