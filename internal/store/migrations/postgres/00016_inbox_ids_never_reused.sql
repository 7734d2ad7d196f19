-- +goose Up
-- On SQLite, inbox ids were given again after the newest inbox was deleted
-- (see the SQLite migration); an identity column never gives one twice.
SELECT 1;

-- +goose Down
SELECT 1;
