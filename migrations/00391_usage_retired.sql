-- +goose Up
-- How far back sessions have been retired (archived and dropped): the
-- importer refuses older CDRs, which would otherwise come back and be billed
-- again, and customers' histories say where theirs stop.
CREATE TABLE usage_retired (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    before    timestamptz NOT NULL
);
COMMENT ON TABLE usage_retired IS 'One row: every session that started before `before` has been retired (tez usage partitions archive, TEZ_USAGE_RETENTION).';

-- +goose Down
DROP TABLE usage_retired;
