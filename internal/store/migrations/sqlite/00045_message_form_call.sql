-- +goose Up
-- A form's first message keeps each field as sent (SPEC CHN-7), a logged
-- call its direction, numbers, times, outcome and recording (SPEC CHN-8):
-- JSON, '' for every other message.
ALTER TABLE messages ADD COLUMN form TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN call_log TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE messages DROP COLUMN call_log;
ALTER TABLE messages DROP COLUMN form;
