-- +goose Up
-- A person's working week (SPEC ORG-4): in their time zone, the hours they
-- are available; outside them, away. state is what the schedule last set,
-- so a switch happens once, at the boundary, and a person who changes
-- their availability by hand in between keeps it until the next one.
CREATE TABLE availability_schedules (
    user_id   BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    time_zone TEXT NOT NULL,
    hours     TEXT NOT NULL,
    state     TEXT NOT NULL CHECK (state IN ('available', 'away'))
);

-- +goose Down
DROP TABLE availability_schedules;
