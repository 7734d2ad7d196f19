-- +goose Up
-- Log consumers (internal/consume): how far each named reader of the event
-- log has handled it. A consumer moves its cursor in the same transaction
-- as its effects, so a crash repeats work but never loses it.
CREATE TABLE consumer_cursors (
    name       TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE consumer_cursors;
