-- +goose Up
-- The raw form of received mail small enough to keep in the database, in
-- the transaction that stores the message: no file to write and sync.
-- Larger mail is a blob (parley.Email.raw names it).
CREATE TABLE raw_mail (
    message_id INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    raw        BLOB NOT NULL
);

-- +goose Down
DROP TABLE raw_mail;
