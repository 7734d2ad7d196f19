-- +goose Up
-- A user's picture (a blob) and its image type.
ALTER TABLE users ADD COLUMN avatar_blob TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN avatar_type TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN avatar_type;
ALTER TABLE users DROP COLUMN avatar_blob;
