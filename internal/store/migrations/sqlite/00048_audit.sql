-- +goose Up
-- The audit log (issue 18): who changed a setting or someone's access, who
-- signed in or failed to, who exported, deleted or erased what — with the
-- time, the address the request came from and, for a change, what it was
-- before and after. Entries are written in the transaction of what they
-- record (an event's entry carries its seq) and are never changed or
-- deleted: the triggers below refuse it, whatever the code says.
CREATE TABLE audit_entries (
    id           INTEGER PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    action       TEXT NOT NULL,
    actor_kind   TEXT NOT NULL,
    actor_id     BIGINT NULL,
    actor_name   TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    subject_kind TEXT NOT NULL DEFAULT '',
    subject_id   BIGINT NULL,
    seq          BIGINT NULL,
    before_data  TEXT NULL,
    after_data   TEXT NULL
);
CREATE INDEX audit_entries_action ON audit_entries (action, id);
CREATE INDEX audit_entries_actor ON audit_entries (actor_id, id);
CREATE INDEX audit_entries_at ON audit_entries (at);

-- +goose StatementBegin
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_entries_no_delete;
DROP TRIGGER audit_entries_no_update;
DROP TABLE audit_entries;
