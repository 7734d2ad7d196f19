-- +goose Up
-- Chat bots (SPEC CHT-14): what a bot said and offered, each chat's run
-- (the bot it follows, copied when it starts, and where it stands), the
-- language of knowledge-base articles it suggests, and the answers it
-- saves on a contact that have no column of their own (company, custom).
ALTER TABLE messages ADD COLUMN bot TEXT NOT NULL DEFAULT '';

CREATE TABLE bot_runs (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    flow_id         INTEGER NOT NULL,
    bot             TEXT NOT NULL,
    run             TEXT NOT NULL,
    -- due_at is when the step it waits on times out; NULL: it does not.
    due_at          TIMESTAMP NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX bot_runs_due ON bot_runs (due_at) WHERE due_at IS NOT NULL;

ALTER TABLE library_items ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE contacts ADD COLUMN details TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE contacts DROP COLUMN details;
ALTER TABLE library_items DROP COLUMN language;
DROP TABLE bot_runs;
ALTER TABLE messages DROP COLUMN bot;
